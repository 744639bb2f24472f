"""The SQL half of the team scope (core/scope.py): is a team in the transaction's scope?

`alongside.teams` is set per transaction (SET LOCAL) to the signed-in user's team ids,
comma-separated, or to '*' for a command or task that works for every team. Unset or empty:
no team. The row-level security policies of the person-linked tables call these (clients
0007 and after); `alongside_every_team()` lets a policy skip looking the person up then.
Plain SQL functions, STABLE, so PostgreSQL inlines them into each policy.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION alongside_team_in_scope(team uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE coalesce(current_setting('alongside.teams', true), '')
           WHEN '*' THEN true
           WHEN '' THEN false
           ELSE team = ANY (string_to_array(current_setting('alongside.teams', true), ',')::uuid[])
         END
$$;

CREATE OR REPLACE FUNCTION alongside_every_team() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('alongside.teams', true), '') = '*'
$$;
"""


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.RunSQL(
            FUNCTION,
            "DROP FUNCTION IF EXISTS alongside_team_in_scope(uuid); DROP FUNCTION IF EXISTS alongside_every_team();",
        ),
    ]
