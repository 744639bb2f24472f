"""The organisation view's figures read through definer functions (docs/security.md, "Reading
across teams": core/definer.py).

A data admin who is in no team has an empty row-level scope: the policies let their
transactions see no person and no row kept with a person. The organisation view (and the
aggregate export, and the API's figures) still needs every team's counts per month. Rather
than widening the data admin's scope to every team, which would put every team's rows in
reach of whatever else the request runs, the counts come from these functions: SECURITY
DEFINER, so they run as the tables' owner, whom the policies do not bind; each returns
(team, month or period) aggregates only, never a person's id, a row or a free text; their
search path is pinned. What they return then passes the one protection layer
(dashboards/hierarchy.py, privacy/) as before: the figures are the same numbers.

The SQL is the organisation view's own, as it read the tables directly until now
(tests/dashboards/test_definer_figures.py keeps that direct reading as the reference and
compares the two on seeded data). `alongside_record_key` is the cell-key method's record key
(privacy/cellkey.py, RECORD_KEY_SQL), one immutable function PostgreSQL inlines.
"""

from django.db import migrations

RECORD_KEY = """
CREATE OR REPLACE FUNCTION alongside_record_key(text) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (('x' || substr(md5($1), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
$$;
"""

# Counts of records that add up over months and teams, with their keys added up.
EVENTS = """
CREATE OR REPLACE FUNCTION alongside_org_events(zone text, first_day date, next_year date, starts timestamptz, ends timestamptz)
RETURNS TABLE (measure text, team_id uuid, month date, records bigint, keys float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT measure, team_id, month, count(*), sum(k) FROM (
  SELECT 'contacts' AS measure, team_id, date_trunc('month', happened_at AT TIME ZONE zone)::date AS month,
         alongside_record_key(id::text) AS k
    FROM encounters_encounter WHERE happened_at >= starts AND happened_at < ends
  UNION ALL
  SELECT 'anonymous_contacts', team_id, date_trunc('month', happened_at AT TIME ZONE zone)::date,
         alongside_record_key(id::text)
    FROM encounters_encounter WHERE client_id IS NULL AND happened_at >= starts AND happened_at < ends
  UNION ALL
  SELECT 'overdose_responses', team_id, date_trunc('month', happened_at AT TIME ZONE zone)::date,
         alongside_record_key(id::text)
    FROM encounters_overdoseresponse WHERE happened_at >= starts AND happened_at < ends
  UNION ALL
  SELECT 'reversed_by_staff', team_id, date_trunc('month', happened_at AT TIME ZONE zone)::date,
         alongside_record_key(id::text)
    FROM encounters_overdoseresponse
   WHERE outcome IN ('responsive', 'transported', 'declined_transport') AND happened_at >= starts AND happened_at < ends
  UNION ALL
  SELECT 'reversed_reported', team_id, month, alongside_record_key(id::text)
    FROM encounters_reportedreversal WHERE outcome = 'survived' AND month >= first_day AND month < next_year
  UNION ALL
  SELECT 'referrals_made', team_id, date_trunc('month', created_at AT TIME ZONE zone)::date,
         alongside_record_key(id::text)
    FROM encounters_referral WHERE created_at >= starts AND created_at < ends
  UNION ALL
  SELECT 'goals_set', team_id, date_trunc('month', created_at AT TIME ZONE zone)::date,
         alongside_record_key(id::text)
    FROM goals_goal WHERE created_at >= starts AND created_at < ends
  UNION ALL
  SELECT 'goals_achieved', team_id, date_trunc('month', status_on)::date, alongside_record_key(id::text)
    FROM goals_goal WHERE status = 'achieved' AND status_on >= first_day AND status_on < next_year
  UNION ALL
  SELECT 'service:' || sp.service_type_id::text, e.team_id, date_trunc('month', e.happened_at AT TIME ZONE zone)::date,
         alongside_record_key(sp.id::text)
    FROM encounters_serviceprovided AS sp JOIN encounters_encounter AS e ON e.id = sp.encounter_id
   WHERE e.happened_at >= starts AND e.happened_at < ends
) AS r GROUP BY 1, 2, 3
$$;
"""

# Quantities per cell of the hierarchy, by who received them (a registered person, or an
# anonymous contact as one contributor): the total, how many contributors, the two largest,
# and the contributors' keys added up. The contributor itself never leaves the function.
QUANTITIES = """
CREATE OR REPLACE FUNCTION alongside_org_quantities(zone text, starts timestamptz, ends timestamptz, slugs text[])
RETURNS TABLE (slug text, team_id uuid, level text, start date, total bigint, contributors bigint,
               largest bigint[], keys float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH given AS (
  SELECT s.slug::text AS slug, e.team_id, date_trunc('month', e.happened_at AT TIME ZONE zone)::date AS month,
         coalesce(e.client_id, e.id) AS who, sum(sp.quantity) AS q
    FROM encounters_serviceprovided AS sp
    JOIN encounters_encounter AS e ON e.id = sp.encounter_id
    JOIN encounters_servicetype AS s ON s.id = sp.service_type_id
   WHERE s.slug = ANY(slugs) AND e.happened_at >= starts AND e.happened_at < ends
   GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT '(reach)', f.team_id, date_trunc('month', f.happened_at AT TIME ZONE zone)::date, coalesce(e.client_id, e.id),
         sum(f.people)
    FROM encounters_forothers AS f
    JOIN encounters_encounter AS e ON e.id = f.encounter_id
   WHERE f.happened_at >= starts AND f.happened_at < ends
   GROUP BY 1, 2, 3, 4
), levels AS (
  SELECT slug, team_id, 'month' AS level, month AS start, who, q FROM given
  UNION ALL SELECT slug, team_id, 'quarter', date_trunc('quarter', month)::date, who, sum(q)
              FROM given GROUP BY 1, 2, 4, 5
  UNION ALL SELECT slug, team_id, 'year', date_trunc('year', month)::date, who, sum(q) FROM given GROUP BY 1, 2, 4, 5
  UNION ALL SELECT slug, NULL, 'month', month, who, sum(q) FROM given GROUP BY 1, 4, 5
  UNION ALL SELECT slug, NULL, 'quarter', date_trunc('quarter', month)::date, who, sum(q) FROM given GROUP BY 1, 4, 5
  UNION ALL SELECT slug, NULL, 'year', date_trunc('year', month)::date, who, sum(q) FROM given GROUP BY 1, 4, 5
)
SELECT slug, team_id, level, start, sum(q)::bigint, count(*), (array_agg(q::bigint ORDER BY q DESC))[1:2],
       sum(alongside_record_key(who::text))
  FROM levels GROUP BY 1, 2, 3, 4
$$;
"""

# Distinct people seen per cell of the hierarchy (they do not add up over months or teams).
PEOPLE = """
CREATE OR REPLACE FUNCTION alongside_org_people(zone text, starts timestamptz, ends timestamptz)
RETURNS TABLE (team_id uuid, level text, start date, people bigint, keys float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH seen AS (
  SELECT DISTINCT team_id, client_id, date_trunc('month', happened_at AT TIME ZONE zone)::date AS month
    FROM encounters_encounter WHERE client_id IS NOT NULL AND happened_at >= starts AND happened_at < ends
), levels AS (
  SELECT team_id, month, date_trunc('quarter', month)::date AS quarter, date_trunc('year', month)::date AS year,
         client_id, alongside_record_key(client_id::text) AS k FROM seen
)
SELECT team_id, CASE WHEN GROUPING(month) = 0 THEN 'month' WHEN GROUPING(quarter) = 0 THEN 'quarter' ELSE 'year' END,
       coalesce(month, quarter, year), count(DISTINCT client_id), sum(DISTINCT k)
  FROM levels
 GROUP BY GROUPING SETS ((team_id, month), (team_id, quarter), (team_id, year), (month), (quarter), (year))
$$;
"""

# WHO-5: each person once per cell, with their latest total in its period (the dashboards'
# monthly rows), counted with that month's team; reliable change as the rollup computed it.
WHO5 = """
CREATE OR REPLACE FUNCTION alongside_org_who5(first_day date, next_year date)
RETURNS TABLE (level text, start date, team_id uuid, people bigint, keys float8, mean float8,
               improved bigint, improved_keys float8, no_change bigint, no_change_keys float8,
               worse bigint, worse_keys float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH m AS (
  SELECT client_id, team_id, month, value, category FROM reports_checkin_month
   WHERE measure = 'who5' AND month >= first_day AND month < next_year
), per AS (
  SELECT 'month' AS level, month AS start, client_id, team_id, value, category FROM m
  UNION ALL
  (SELECT DISTINCT ON (client_id, date_trunc('quarter', month)) 'quarter', date_trunc('quarter', month)::date,
          client_id, team_id, value, category FROM m ORDER BY client_id, date_trunc('quarter', month), month DESC)
  UNION ALL
  (SELECT DISTINCT ON (client_id) 'year', first_day, client_id, team_id, value, category
     FROM m ORDER BY client_id, month DESC)
)
SELECT level, start, team_id, count(*), sum(k), avg(value)::float8,
       count(*) FILTER (WHERE category = 'improved'), sum(k) FILTER (WHERE category = 'improved'),
       count(*) FILTER (WHERE category = 'no_change'), sum(k) FILTER (WHERE category = 'no_change'),
       count(*) FILTER (WHERE category = 'worse'), sum(k) FILTER (WHERE category = 'worse')
  FROM (SELECT per.*, alongside_record_key(client_id::text) AS k FROM per) AS keyed
 GROUP BY GROUPING SETS ((level, start, team_id), (level, start))
$$;
"""



class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_export_moves_to_exports"),
        ("encounters", "0009_referral_care_steps"),
        ("goals", "0005_row_level_security"),
    ]

    operations = [
        migrations.RunSQL(RECORD_KEY, "DROP FUNCTION IF EXISTS alongside_record_key(text);"),
        migrations.RunSQL(EVENTS, "DROP FUNCTION IF EXISTS alongside_org_events(text, date, date, timestamptz, timestamptz);"),
        migrations.RunSQL(
            QUANTITIES, "DROP FUNCTION IF EXISTS alongside_org_quantities(text, timestamptz, timestamptz, text[]);"
        ),
        migrations.RunSQL(PEOPLE, "DROP FUNCTION IF EXISTS alongside_org_people(text, timestamptz, timestamptz);"),
        migrations.RunSQL(WHO5, "DROP FUNCTION IF EXISTS alongside_org_who5(date, date);"),
    ]
