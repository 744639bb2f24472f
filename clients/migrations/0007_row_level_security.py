"""Row-level security on the people: the second wall behind `visible_to` (core/scope.py).

The application's role (which owns no table) sees, changes and adds a person only when the
person's home team is in the transaction's scope; the tables' owner, who runs migrations, is
not bound (the policy is not FORCEd). The same rule as `ClientQuerySet.visible_to`.

The search's candidates come from `alongside_people_matching`, a SECURITY DEFINER function
that applies the same scope itself: under a policy PostgreSQL applies a query's own
conditions after the policy's unless they are leakproof, and pg_trgm's `%>` and LIKE are
not, so from the application's role they could no longer use client_search_names_trgm (a
scan of every person the scope allows). Run as the owner, the function's conditions use
their indexes; it returns only ids of people in the caller's scope, and the page then reads
those people through the policy like any other query (clients.models.search_condition).
"""

from django.db import migrations

ENABLE = """
ALTER TABLE clients_client ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_scope ON clients_client
  USING (alongside_team_in_scope(home_team_id))
  WITH CHECK (alongside_team_in_scope(home_team_id));
"""

# $1 the normalised name (word similarity), $2 a LIKE pattern for a substring of it or NULL,
# $3 a whole code or NULL, $4 a LIKE pattern for the start of a code or NULL: the branches of
# clients.models.search_condition, each served by an index.
MATCHING = """
CREATE OR REPLACE FUNCTION alongside_people_matching(text, text, text, text) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
SELECT id FROM clients_client
 WHERE alongside_team_in_scope(home_team_id)
   AND (search_names %> $1 OR search_names LIKE $2 OR code::text = $3 OR code::text LIKE $4)
$$;
"""

DISABLE = """
DROP FUNCTION IF EXISTS alongside_people_matching(text, text, text, text);
DROP POLICY IF EXISTS team_scope ON clients_client;
ALTER TABLE clients_client DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_add_use_wish"),
        ("core", "0001_team_scope_function"),
    ]

    operations = [migrations.RunSQL(ENABLE + MATCHING, DISABLE)]
