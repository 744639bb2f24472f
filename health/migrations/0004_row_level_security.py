"""Row-level security on health's rows about a person: tests, their linkage steps, drug-checking
results and rights or safety incidents (core/scope.py, docs/security.md).

The second wall behind `visible_to`: the application's role sees, changes and adds these
rows only when their person is visible to it: the policy looks the person up, and that
look-up is itself bound by the people's policy (clients 0007: the person's CURRENT home team
in the transaction's scope). A drug-checking result or an incident linked to no one (the
default) is the team's in its own `team` column, as an anonymous contact is. The same rule as
`clients.models.in_scope`. A command or task scoped to every team ('*') skips the look-up.
The tables' owner, who runs migrations, is not bound.

The organisation view reads the testing cascade and the incidents that may count across
teams for a data admin in no team, which the policies would hide: those counts, with no
person in them, come from `alongside_health_events`, a definer function run as the owner
(core/definer.py's pattern: health.figures.HEALTH_EVENTS_FUNCTION, read with the
organisation's other events in dashboards/hierarchy.py). It returns one
row per (measure, team, month): how many records and the sum of their record keys
(privacy/cellkey.py's RECORD_KEY_SQL, written out here as a migration must be frozen;
tests/health/test_row_level_security.py checks both give the same keys).
"""

from django.db import migrations

PERSON = "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = {table}.client_id)"
PERSON_OR_TEAM = f"(client_id IS NULL AND alongside_team_in_scope(team_id)) OR {PERSON}"

POLICIES = {
    "health_healthtest": PERSON.format(table="health_healthtest"),
    "health_linkagestep": ("EXISTS (SELECT 1 FROM health_healthtest AS p WHERE p.id = health_linkagestep.test_id)"),
    "health_drugcheck": PERSON_OR_TEAM.format(table="health_drugcheck"),
    "health_incident": PERSON_OR_TEAM.format(table="health_incident"),
}

# first_day: the year's first day; next_year: the first day after it. A test counts once per stage it has
# reached (health/figures.py: STAGES), by the team that did it and the month it was done; an
# incident only when the person said it may count.
FUNCTIONS = """
CREATE OR REPLACE FUNCTION alongside_health_events(first_day date, next_year date)
RETURNS TABLE (measure text, team_id uuid, month date, records bigint, keys float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT measure, team_id, month, count(*), sum(k) FROM (
  SELECT 'cascade:' || t.kind || ':' || stage.name AS measure, t.team_id, date_trunc('month', t.tested_on)::date AS month,
         (('x' || substr(md5((t.id)::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8 AS k
    FROM health_healthtest AS t
    LEFT JOIN (
      SELECT test_id, max(CASE step WHEN 'confirmed' THEN 1 WHEN 'linked' THEN 2 WHEN 'treatment' THEN 3
                                   WHEN 'cured' THEN 4 END) AS reached
        FROM health_linkagestep GROUP BY test_id
    ) AS r ON r.test_id = t.id
    CROSS JOIN LATERAL (VALUES ('tested', true), ('reactive', t.result = 'reactive'),
      ('confirmed', coalesce(r.reached, 0) >= 1), ('linked', coalesce(r.reached, 0) >= 2),
      ('treatment', coalesce(r.reached, 0) >= 3), ('cured', coalesce(r.reached, 0) >= 4)) AS stage(name, reached)
   WHERE stage.reached AND t.tested_on >= first_day AND t.tested_on < next_year
  UNION ALL
  SELECT 'incidents:' || i.kind, i.team_id, date_trunc('month', i.happened_on)::date,
         (('x' || substr(md5((i.id)::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
    FROM health_incident AS i
   WHERE i.may_count AND i.happened_on >= first_day AND i.happened_on < next_year
) AS events GROUP BY 1, 2, 3
$$;
"""
DROP_FUNCTIONS = "DROP FUNCTION IF EXISTS alongside_health_events(date, date);"


def enable() -> str:
    return "".join(
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n"
        f"CREATE POLICY team_scope ON {table} USING (alongside_every_team() OR {rule})"
        f" WITH CHECK (alongside_every_team() OR {rule});\n"
        for table, rule in POLICIES.items()
    )


def disable() -> str:
    return "".join(
        f"DROP POLICY IF EXISTS team_scope ON {table};\nALTER TABLE {table} DISABLE ROW LEVEL SECURITY;\n"
        for table in POLICIES
    )


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0003_drug_checks_incidents"),
        ("clients", "0008_row_level_security_person_rows"),
        ("core", "0001_team_scope_function"),
    ]

    operations = [migrations.RunSQL(enable(), disable()), migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS)]
