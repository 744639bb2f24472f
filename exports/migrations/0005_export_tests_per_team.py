"""The tests dataset's release decided per team (exports 0004 decided it per quarter and test
for the whole organisation).

Secondary suppression now looks at each team's quarter and test on its own: where the groups
left out of one team's tests of one kind in a quarter would all share one result, that team's
released group of that quarter and kind with the fewest people is left out too. What is left
out then never shares one result for any team, not only for the organisation: the
organisation view shows the cascade for the whole organisation today, and the hierarchy it
reads (dashboards/hierarchy.py) holds every team's cascade too, ready to be shown; a per-team
count minus the file's rows of that team would otherwise tell a result the file left out.
Teams are not written to the file, but an export of one team is a file of that team.
Everything else as exports 0004 (docs/privacy.md, "Test results").
"""

from django.db import migrations

TESTS = """
CREATE OR REPLACE FUNCTION alongside_export_tests(teams uuid[], starts timestamptz, ends timestamptz, zone text)
RETURNS TABLE (person_key uuid, team_key text, at timestamptz, age_band text, gender text, kind text, method text,
               result text, confirmed text, linked text, treatment text, cured text, released boolean)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH salt AS MATERIALIZED (SELECT gen_random_uuid()::text AS value),
span AS MATERIALIZED (
  SELECT (starts AT TIME ZONE zone)::date AS first_day, (ends AT TIME ZONE zone)::date AS after
),
tests AS MATERIALIZED (
  SELECT t.id, t.client_id, t.team_id, t.kind, t.result, t.method, t.tested_on,
         date_trunc('quarter', t.tested_on)::date AS quarter,
         alongside_age_band(c.year_of_birth, t.tested_on::timestamp AT TIME ZONE zone, zone) AS age_band,
         c.gender::text AS gender
    FROM health_healthtest AS t
    JOIN clients_client AS c ON c.id = t.client_id
   CROSS JOIN span
   WHERE t.tested_on >= span.first_day AND t.tested_on < span.after
     -- whole calendar quarters only
     AND date_trunc('quarter', t.tested_on)::date >= span.first_day
     AND (date_trunc('quarter', t.tested_on) + interval '3 months')::date <= span.after
),
grouped AS MATERIALIZED (
  SELECT team_id, quarter, kind, age_band, gender, count(DISTINCT client_id) AS people,
         count(DISTINCT client_id) >= 5 AND count(DISTINCT result) >= 2 AS passes
    FROM tests GROUP BY 1, 2, 3, 4, 5
),
left_out AS (
  SELECT t.team_id, t.quarter, t.kind, count(DISTINCT t.result) AS results
    FROM tests AS t JOIN grouped AS g USING (team_id, quarter, kind, age_band, gender)
   WHERE NOT g.passes
   GROUP BY 1, 2, 3
),
secondary AS (
  SELECT DISTINCT ON (g.team_id, g.quarter, g.kind) g.team_id, g.quarter, g.kind, g.age_band, g.gender
    FROM grouped AS g JOIN left_out AS l USING (team_id, quarter, kind)
   WHERE l.results < 2 AND g.passes
   ORDER BY g.team_id, g.quarter, g.kind, g.people, md5(g.age_band || g.gender)
),
released AS (
  SELECT g.team_id, g.quarter, g.kind, g.age_band, g.gender
    FROM grouped AS g
   WHERE g.passes
     AND NOT EXISTS (SELECT 1 FROM secondary AS s WHERE (s.team_id, s.quarter, s.kind, s.age_band, s.gender)
                                                      = (g.team_id, g.quarter, g.kind, g.age_band, g.gender))
),
reached AS (
  SELECT s.test_id,
         max(CASE s.step WHEN 'confirmed' THEN 1 WHEN 'linked' THEN 2 WHEN 'treatment' THEN 3
                         WHEN 'cured' THEN 4 END) AS reached
    FROM health_linkagestep AS s
    JOIN tests AS t ON t.id = s.test_id
   CROSS JOIN span
   WHERE t.team_id = ANY(teams) AND s.done_on < span.after
   GROUP BY s.test_id
)
SELECT md5(salt.value || t.client_id::text)::uuid,
       md5(salt.value || t.team_id::text),
       date_trunc('month', t.tested_on)::timestamp AT TIME ZONE zone,
       t.age_band,
       t.gender,
       t.kind::text,
       t.method::text,
       t.result::text,
       CASE WHEN t.result <> 'reactive' THEN 'not applicable'
            WHEN coalesce(r.reached, 0) >= 1 THEN 'yes' ELSE 'no' END,
       CASE WHEN t.result <> 'reactive' THEN 'not applicable'
            WHEN coalesce(r.reached, 0) >= 2 THEN 'yes' ELSE 'no' END,
       CASE WHEN t.result <> 'reactive' THEN 'not applicable'
            WHEN coalesce(r.reached, 0) >= 3 THEN 'yes' ELSE 'no' END,
       CASE WHEN t.result <> 'reactive' OR t.kind NOT IN ('hcv_antibody', 'hcv_rna') THEN 'not applicable'
            WHEN coalesce(r.reached, 0) >= 4 THEN 'yes' ELSE 'no' END,
       EXISTS (SELECT 1 FROM released AS g WHERE (g.team_id, g.quarter, g.kind, g.age_band, g.gender)
                                                 = (t.team_id, t.quarter, t.kind, t.age_band, t.gender))
  FROM salt
 CROSS JOIN tests AS t
  LEFT JOIN reached AS r ON r.test_id = t.id
 WHERE t.team_id = ANY(teams)
$$;
"""



def _previous() -> str:
    """Undone: exports 0004's function, as 0004 wrote it."""
    from importlib import import_module

    return import_module("exports.migrations.0004_export_tests").TESTS


class Migration(migrations.Migration):
    dependencies = [("exports", "0004_export_tests")]

    operations = [migrations.RunSQL(TESTS, _previous())]
