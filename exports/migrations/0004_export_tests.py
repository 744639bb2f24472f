"""The tests dataset's rows (issue 16): one row per test (HIV, hepatitis C, hepatitis B,
syphilis) done by the export's teams, read through a definer function like every other
dataset (exports 0003, core/definer.py; health's rows are under row-level security, health 0004).

What it returns, and why (docs/privacy.md, "Test results"):

- `person_key`: a pseudonym made inside the call (as exports 0003), so the privacy ladder
  counts distinct people; never written to a file.
- `team_key`: the team as a pseudonym made inside the call, never written to a file either:
  the ladder groups each team's rows on their own (exports/privacy.py, `partition`), so an
  export of more teams never shows a group that an export of fewer teams could be subtracted
  from.
- only tests of calendar quarters the export covers whole (the file shows quarters): two
  exports of overlapping months never hold parts of one quarter that could be subtracted.
- the row's month (from the day of the test), the age band at the test, gender; no area, no
  site, no date finer than a month; the kind of test, how (rapid or by referral), its result;
  for a reactive test the linkage steps reached by the end of the export's period, as
  figures.py counts them (a step counts when it or a later step is recorded), 'yes' or 'no',
  'not applicable' where a step is not the test's (any step of a test that was not reactive;
  cured, but for hepatitis C).
- `released`: whether the test's group may be released at all, decided over every team's tests
  of the quarter (not only the export's), the same way for every export, so that no two
  exports can be combined to undo it: a group (team, quarter, test, age band, gender) is
  released when it holds at least 5 people (K_MIN) and 2 different results (L_DIVERSITY);
  and where the groups left out of a quarter's tests of one kind all share one result (the
  organisation view's cascade, which counts every test, would then tell that result: its
  count minus the file's), the released group of that quarter and kind with the fewest
  people is left out too (secondary suppression), so what is left out never shares one
  result. The export's own k (at least 5) is applied on top (exports/privacy.py).
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
  SELECT t.quarter, t.kind, count(DISTINCT t.result) AS results
    FROM tests AS t JOIN grouped AS g USING (team_id, quarter, kind, age_band, gender)
   WHERE NOT g.passes
   GROUP BY 1, 2
),
secondary AS (
  SELECT DISTINCT ON (g.quarter, g.kind) g.team_id, g.quarter, g.kind, g.age_band, g.gender
    FROM grouped AS g JOIN left_out AS l USING (quarter, kind)
   WHERE l.results < 2 AND g.passes
   ORDER BY g.quarter, g.kind, g.people, md5(g.team_id::text || g.age_band || g.gender)
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

DROP = "DROP FUNCTION IF EXISTS alongside_export_tests(uuid[], timestamptz, timestamptz, text);"


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0003_export_rows_by_definer"),
        ("health", "0005_prevention_vaccinations"),
    ]

    operations = [migrations.RunSQL(TESTS, DROP)]
