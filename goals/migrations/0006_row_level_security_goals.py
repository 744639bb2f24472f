"""Row-level security on goals themselves (core/scope.py, docs/security.md).

A goal is visible, changeable and addable when its person is (the people's policy, clients
0007: their CURRENT home team in the transaction's scope), the rule of
`GoalQuerySet.visible_to`; its steps and reviews already follow it (goals 0005). A command or
task scoped to every team ('*') skips the look-up. The organisation view and the exports read
goals through definer functions (dashboards 0008, exports 0003). The tables' owner, who runs
migrations, is not bound.
"""

from django.db import migrations

ENABLE = """
ALTER TABLE goals_goal ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_scope ON goals_goal
  USING (alongside_every_team() OR EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = goals_goal.client_id))
  WITH CHECK (alongside_every_team() OR EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = goals_goal.client_id));
"""
DISABLE = """
DROP POLICY IF EXISTS team_scope ON goals_goal;
ALTER TABLE goals_goal DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0005_row_level_security"),
        ("exports", "0003_export_rows_by_definer"),
        ("reports", "0008_organisation_figures_by_definer"),
    ]

    operations = [migrations.RunSQL(ENABLE, DISABLE)]
