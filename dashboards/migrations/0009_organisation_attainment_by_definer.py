"""Goal attainment in the organisation view, read through a definer function
(core/definer.py; docs/security.md, "Reading across teams").

A data admin's transaction has no team in its row-level scope, and goals, their reviews and
the people are under the policies, so the organisation view's goal attainment figures come
from `alongside_org_attainment`, which PostgreSQL runs as the tables' owner and which returns
(team, period) counts and their cell keys only: for each month, quarter and the year, the
people with a goal level rated in the period (each once, with their home team now), and of
those who also had one rated before it, how many had their Goal Attainment Scaling T-score
rise and how many did not (Kiresuk and Sherman, 1968; the rule of goals/stats.py and
dashboards/attainment.py: each goal's latest level known at a moment, weighted, rho given;
goals changed into another left out). No person, goal or words leave it.
"""

from django.db import migrations

ATTAINMENT = """
CREATE OR REPLACE FUNCTION alongside_org_attainment(zone text, first_day date, next_year date, ends timestamptz,
                                                    rho float8, epsilon float8)
RETURNS TABLE (level text, start date, team_id uuid, people bigint, keys float8, rose bigint, rose_keys float8,
               not_rose bigint, not_rose_keys float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH periods AS (
  SELECT 'month' AS level, d::date AS start, (d + interval '1 month')::date AS after
    FROM generate_series(first_day, first_day + interval '11 months', interval '1 month') AS d
  UNION ALL
  SELECT 'quarter', d::date, (d + interval '3 months')::date
    FROM generate_series(first_day, first_day + interval '9 months', interval '3 months') AS d
  UNION ALL
  SELECT 'year', first_day, next_year
), bounds AS (
  SELECT p.level, p.start, (p.start::timestamp AT TIME ZONE zone) AS starts,
         (p.after::timestamp AT TIME ZONE zone) AS ends FROM periods AS p
), rated AS (
  SELECT goal.client_id, person.home_team_id AS team_id, goal.id AS goal_id, goal.gas_weight AS w,
         review.gas, review.reviewed_at
    FROM goals_review AS review
    JOIN goals_goal AS goal ON goal.id = review.goal_id
    JOIN clients_client AS person ON person.id = goal.client_id
   WHERE person.home_team_id IS NOT NULL AND goal.status <> 'changed' AND review.gas IS NOT NULL
     AND review.reviewed_at < alongside_org_attainment.ends
), at_end AS (
  SELECT DISTINCT ON (b.level, b.start, r.goal_id) b.level, b.start, r.client_id, r.team_id, r.w, r.gas
    FROM bounds AS b JOIN rated AS r ON r.reviewed_at < b.ends
   ORDER BY b.level, b.start, r.goal_id, r.reviewed_at DESC
), at_start AS (
  SELECT DISTINCT ON (b.level, b.start, r.goal_id) b.level, b.start, r.client_id, r.w, r.gas
    FROM bounds AS b JOIN rated AS r ON r.reviewed_at < b.starts
   ORDER BY b.level, b.start, r.goal_id, r.reviewed_at DESC
), t_end AS (
  SELECT e.level, e.start, e.client_id, e.team_id,
         50 + 10 * sum(e.w * e.gas) / sqrt((1 - rho) * sum(e.w * e.w) + rho * sum(e.w) ^ 2) AS t
    FROM at_end AS e GROUP BY 1, 2, 3, 4
), t_start AS (
  SELECT s.level, s.start, s.client_id,
         50 + 10 * sum(s.w * s.gas) / sqrt((1 - rho) * sum(s.w * s.w) + rho * sum(s.w) ^ 2) AS t
    FROM at_start AS s GROUP BY 1, 2, 3
), per AS (
  SELECT e.level, e.start, e.team_id, e.client_id, s.t AS t0, e.t AS t1
    FROM t_end AS e
    LEFT JOIN t_start AS s ON s.level = e.level AND s.start = e.start AND s.client_id = e.client_id
   WHERE EXISTS (SELECT 1 FROM bounds AS b JOIN rated AS r ON r.reviewed_at >= b.starts AND r.reviewed_at < b.ends
                  WHERE b.level = e.level AND b.start = e.start AND r.client_id = e.client_id)
)
SELECT keyed.level, keyed.start, keyed.team_id, count(*), sum(keyed.k),
       count(*) FILTER (WHERE keyed.t1 > keyed.t0 + epsilon), sum(keyed.k) FILTER (WHERE keyed.t1 > keyed.t0 + epsilon),
       count(*) FILTER (WHERE keyed.t1 <= keyed.t0 + epsilon), sum(keyed.k) FILTER (WHERE keyed.t1 <= keyed.t0 + epsilon)
  FROM (SELECT per.*, alongside_record_key(per.client_id::text) AS k FROM per) AS keyed
 GROUP BY GROUPING SETS ((keyed.level, keyed.start, keyed.team_id), (keyed.level, keyed.start))
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_organisation_figures_by_definer"),
        ("goals", "0005_row_level_security"),
    ]

    operations = [
        migrations.RunSQL(
            ATTAINMENT,
            "DROP FUNCTION IF EXISTS alongside_org_attainment(text, date, date, timestamptz, float8, float8);",
        ),
    ]
