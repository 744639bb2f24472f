"""Row-level security on the people: the second wall behind `visible_to` (core/scope.py).

The application's role (which owns no table) sees, changes and adds a person only when the
person's home team is in the transaction's scope; the tables' owner, who runs migrations, is
not bound (the policy is not FORCEd). The same rule as `ClientQuerySet.visible_to`.
"""

from django.db import migrations

ENABLE = """
ALTER TABLE clients_client ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_scope ON clients_client
  USING (alongside_team_in_scope(home_team_id))
  WITH CHECK (alongside_team_in_scope(home_team_id));
"""

DISABLE = """
DROP POLICY IF EXISTS team_scope ON clients_client;
ALTER TABLE clients_client DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_add_version"),
        ("core", "0001_team_scope_function"),
    ]

    operations = [migrations.RunSQL(ENABLE, DISABLE)]
