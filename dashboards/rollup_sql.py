"""The rollups' SQL (dashboards/rollups.py runs it): constant statements whose values are
bound by the driver, never formatted in; the few pieces put together here are composed
with psycopg2.sql (SQL, Identifier) from constant SQL of this module."""

from psycopg2.sql import SQL, Composable, Identifier

DELETE_CONTACTS = """
DELETE FROM reports_monthly_team_contacts AS r
 USING unnest(%(teams)s::uuid[], %(months)s::date[]) AS c(team_id, month)
 WHERE r.team_id = c.team_id AND r.month = c.month
"""

# The month cells (team, month) to rewrite, each with its bounds in the programme's time
# zone: the whole team's row (worker NULL) and one per worker, in one pass over the month's
# contacts. Each cell is a LATERAL subquery behind OFFSET 0 (which keeps PostgreSQL from
# flattening it), so each is one range of encounter_team_when_idx (team, time): as a plain
# join PostgreSQL could not see the times the cells ask for, and read every contact.
INSERT_CONTACTS = """
INSERT INTO reports_monthly_team_contacts
       (team_id, month, worker_id, contacts, anonymous_contacts, anonymous_people, people_seen)
SELECT c.team_id, c.month, e.worker_id, count(*),
       count(*) FILTER (WHERE e.client_id IS NULL),
       coalesce(sum(e.head_count) FILTER (WHERE e.client_id IS NULL), 0),
       count(DISTINCT e.client_id)
  FROM unnest(%(teams)s::uuid[], %(months)s::date[]) AS c(team_id, month)
 CROSS JOIN LATERAL (
       SELECT e.client_id, e.head_count, e.worker_id
         FROM encounters_encounter AS e
        WHERE e.team_id = c.team_id
          AND e.happened_at >= (c.month::timestamp AT TIME ZONE %(zone)s)
          AND e.happened_at < ((c.month + interval '1 month')::timestamp AT TIME ZONE %(zone)s)
       OFFSET 0) AS e
 GROUP BY GROUPING SETS ((c.team_id, c.month), (c.team_id, c.month, e.worker_id))
"""

DELETE_SERVICE_DAYS = """
DELETE FROM reports_daily_team_services AS r
 USING unnest(%(teams)s::uuid[], %(days)s::date[]) AS c(team_id, day)
 WHERE r.team_id = c.team_id AND r.day = c.day
"""

# The day cells (team, day): the day's contacts (one index range each, as above) and the
# services given at them, found by their contact.
INSERT_SERVICE_DAYS = """
INSERT INTO reports_daily_team_services (team_id, day, worker_id, service_type_id, given, quantity, people)
SELECT c.team_id, c.day, e.worker_id, e.service_type_id, count(*), sum(e.quantity),
       count(DISTINCT e.client_id) + coalesce(sum(e.head_count) FILTER (WHERE e.client_id IS NULL), 0)
  FROM unnest(%(teams)s::uuid[], %(days)s::date[]) AS c(team_id, day)
 CROSS JOIN LATERAL (
       SELECT e.client_id, e.head_count, e.worker_id, s.service_type_id, s.quantity
         FROM encounters_encounter AS e
         JOIN encounters_serviceprovided AS s ON s.encounter_id = e.id
        WHERE e.team_id = c.team_id
          AND e.happened_at >= (c.day::timestamp AT TIME ZONE %(zone)s)
          AND e.happened_at < ((c.day + 1)::timestamp AT TIME ZONE %(zone)s)
       OFFSET 0) AS e
 GROUP BY GROUPING SETS ((c.team_id, c.day, e.service_type_id),
                         (c.team_id, c.day, e.worker_id, e.service_type_id))
"""

DELETE_SERVICES = """
DELETE FROM reports_monthly_team_services AS r
 USING unnest(%(teams)s::uuid[], %(months)s::date[]) AS c(team_id, month)
 WHERE r.team_id = c.team_id AND r.month = c.month
"""

# A month's services: its days added up (people: the busiest day's; see the model).
INSERT_SERVICES = """
INSERT INTO reports_monthly_team_services (team_id, month, worker_id, service_type_id, given, quantity, people)
SELECT d.team_id, c.month, d.worker_id, d.service_type_id, sum(d.given), sum(d.quantity), max(d.people)
  FROM unnest(%(teams)s::uuid[], %(months)s::date[]) AS c(team_id, month)
  JOIN reports_daily_team_services AS d
    ON d.team_id = c.team_id AND d.day >= c.month AND d.day < (c.month + interval '1 month')::date
 GROUP BY d.team_id, c.month, d.worker_id, d.service_type_id
"""

# A rebuild: everything at once, in one pass over each table (hashing beats a range per cell
# when every cell is wanted).
ALL_CONTACTS = """
INSERT INTO reports_monthly_team_contacts
       (team_id, month, worker_id, contacts, anonymous_contacts, anonymous_people, people_seen)
SELECT team_id, month, worker_id, count(*), count(*) FILTER (WHERE client_id IS NULL),
       coalesce(sum(head_count) FILTER (WHERE client_id IS NULL), 0), count(DISTINCT client_id)
  FROM (SELECT team_id, worker_id, client_id, head_count,
               date_trunc('month', happened_at AT TIME ZONE %(zone)s)::date AS month
          FROM encounters_encounter) AS e
 GROUP BY GROUPING SETS ((team_id, month), (team_id, month, worker_id))
"""

ALL_SERVICE_DAYS = """
INSERT INTO reports_daily_team_services (team_id, day, worker_id, service_type_id, given, quantity, people)
SELECT team_id, day, worker_id, service_type_id, count(*), sum(quantity),
       count(DISTINCT client_id) + coalesce(sum(head_count) FILTER (WHERE client_id IS NULL), 0)
  FROM (SELECT e.team_id, e.worker_id, e.client_id, e.head_count, s.service_type_id, s.quantity,
               (e.happened_at AT TIME ZONE %(zone)s)::date AS day
          FROM encounters_encounter AS e
          JOIN encounters_serviceprovided AS s ON s.encounter_id = e.id) AS e
 GROUP BY GROUPING SETS ((team_id, day, service_type_id), (team_id, day, worker_id, service_type_id))
"""

ALL_SERVICES = """
INSERT INTO reports_monthly_team_services (team_id, month, worker_id, service_type_id, given, quantity, people)
SELECT team_id, date_trunc('month', day)::date, worker_id, service_type_id, sum(given), sum(quantity), max(people)
  FROM reports_daily_team_services
 GROUP BY team_id, date_trunc('month', day)::date, worker_id, service_type_id
"""

# One row per person, measure and month: the month's latest total of each instrument with
# totals (with its reliable change since the person's baseline: outcomes/change.py, done
# the same way in float8), and the month's latest answer given to each item of an
# instrument without a total. Ties in time: the later saved, then the larger id. A baseline
# is the first total on the same range (versions whose totals compare: NULL ranges never
# occur with a total, the sentinel only keeps the join an equality PostgreSQL can hash).
#
# Whose check-ins ({people}, one of PEOPLE): everyone's, the people named, or (the live
# figures: dashboards/sources.py) everyone with a check-in of these teams in a period (their
# whole history, for baselines).
PERSON_MONTHS = SQL("""
WITH check_in AS (
    SELECT c.id, c.client_id, c.team_id, c.recorded_by_id, c.taken_at, c.created_at, c.total,
           i.slug, i.scoring, i.higher_is_better, i.sd::float8 AS sd, i.reliability::float8 AS reliability,
           coalesce(i.total_min, -999999) AS low, coalesce(i.total_max, -999999) AS high,
           date_trunc('month', c.taken_at AT TIME ZONE %(zone)s)::date AS month
      FROM outcomes_checkin AS c
      JOIN outcomes_instrument AS i ON i.id = c.instrument_id
     WHERE {people}
), scored AS (
    SELECT * FROM check_in WHERE total IS NOT NULL
), latest AS (
    SELECT DISTINCT ON (client_id, slug, month) *
      FROM scored
     ORDER BY client_id, slug, month, taken_at DESC, created_at DESC, id DESC
), baseline AS (
    SELECT DISTINCT ON (client_id, slug, low, high, higher_is_better)
           client_id, slug, low, high, higher_is_better, taken_at, total
      FROM scored
     ORDER BY client_id, slug, low, high, higher_is_better, taken_at, created_at, id
), changed AS (
    SELECT l.*,
           (CASE WHEN l.higher_is_better THEN 1 ELSE -1 END) * (l.total::float8 - b.total::float8)
           / sqrt(2 * (l.sd * sqrt(1 - l.reliability)) ^ 2) AS towards_better,
           l.taken_at - b.taken_at >= make_interval(days => %(min_days)s) AS far_enough
      FROM latest AS l
      JOIN baseline AS b
        ON b.client_id = l.client_id AND b.slug = l.slug AND b.low = l.low AND b.high = l.high
       AND b.higher_is_better = l.higher_is_better
)
SELECT u.*, lead(u.month) OVER (PARTITION BY u.client_id, u.measure ORDER BY u.month) AS next_month
  FROM ((SELECT client_id, slug AS measure, month, team_id, recorded_by_id AS worker_id, total AS value,
                CASE WHEN NOT far_enough OR towards_better IS NULL THEN ''
                     WHEN towards_better > %(threshold)s THEN 'improved'
                     WHEN towards_better < -%(threshold)s THEN 'worse'
                     ELSE 'no_change' END AS category
           FROM changed)
        UNION ALL
        (SELECT DISTINCT ON (c.client_id, c.slug, item.key, c.month)
                c.client_id, c.slug || '.' || item.key, c.month, c.team_id, c.recorded_by_id, a.value, ''
           FROM check_in AS c
           JOIN outcomes_answer AS a ON a.check_in_id = c.id
           JOIN outcomes_instrumentitem AS item ON item.id = a.item_id
          WHERE c.scoring = 'none' AND a.value IS NOT NULL
          ORDER BY c.client_id, c.slug, item.key, c.month, c.taken_at DESC, c.created_at DESC, c.id DESC)) AS u
""")

PEOPLE = {
    "everyone": SQL("true"),
    "named": SQL("c.client_id = ANY(%(clients)s::uuid[])"),
    "in_period": SQL("""c.client_id IN (SELECT client_id FROM outcomes_checkin
                                     WHERE team_id = ANY(%(teams)s::uuid[])
                                       AND taken_at >= %(starts)s AND taken_at < %(ends)s)"""),
}


def person_months(people: str) -> Composable:
    """PERSON_MONTHS for PEOPLE[people] (constant SQL: no value is ever put in here)."""
    return PERSON_MONTHS.format(people=PEOPLE[people])


ROW = SQL(", ").join(
    Identifier(name)
    for name in ("client_id", "measure", "month", "team_id", "worker_id", "value", "category", "next_month")
)
ALL_CHECK_IN_MONTHS = SQL("INSERT INTO reports_checkin_month ({row}) {months}").format(
    row=ROW, months=person_months("everyone")
)

# A refresh writes only the rows that changed: the people's rows are made in a temporary
# table, rows no longer made are deleted, new or different ones inserted (a new check-in this
# month changes a row or two of a person's thirty; rewriting all of them cost the refresh
# its index upkeep and write-ahead log). Both statements return what a distribution counts,
# so a row whose category or next month alone changed leaves its distribution alone.
NEW_MONTHS = SQL("CREATE TEMPORARY TABLE reports_new_months ON COMMIT DROP AS {months}").format(
    months=person_months("named")
)

SAME_ROW = SQL("""
n.client_id = m.client_id AND n.measure = m.measure AND n.month = m.month AND n.team_id = m.team_id
AND n.worker_id IS NOT DISTINCT FROM m.worker_id AND n.value = m.value AND n.category = m.category
AND n.next_month IS NOT DISTINCT FROM m.next_month
""")

DELETE_CHANGED = SQL("""
DELETE FROM reports_checkin_month AS m
 WHERE m.client_id = ANY(%(clients)s::uuid[])
   AND NOT EXISTS (SELECT 1 FROM reports_new_months AS n WHERE {same_row})
RETURNING m.team_id, m.month, m.measure, m.worker_id, m.value
""").format(same_row=SAME_ROW)

INSERT_CHANGED = SQL("""
INSERT INTO reports_checkin_month ({row})
SELECT {row} FROM reports_new_months AS n
 WHERE NOT EXISTS (SELECT 1 FROM reports_checkin_month AS m WHERE {same_row})
RETURNING team_id, month, measure, worker_id, value
""").format(row=ROW, same_row=SAME_ROW)

DELETE_SCORES = """
DELETE FROM reports_monthly_team_scores AS r
 USING unnest(%(teams)s::uuid[], %(months)s::date[]) AS c(team_id, month)
 WHERE r.team_id = c.team_id AND r.month = c.month
"""

# A team's month and each worker's part of it (check-ins whose worker is unknown count for
# the team only: GROUPING() keeps a NULL worker from posing as the team's row).
INSERT_SCORES = """
INSERT INTO reports_monthly_team_scores (team_id, month, worker_id, measure, value, people)
SELECT m.team_id, m.month, m.worker_id, m.measure, m.value, count(*)
  FROM reports_checkin_month AS m
  JOIN unnest(%(teams)s::uuid[], %(months)s::date[]) AS c(team_id, month)
    ON m.team_id = c.team_id AND m.month = c.month
 GROUP BY GROUPING SETS ((m.team_id, m.month, m.measure, m.value),
                         (m.team_id, m.month, m.worker_id, m.measure, m.value))
HAVING NOT (GROUPING(m.worker_id) = 0 AND m.worker_id IS NULL)
"""

ALL_SCORES = """
INSERT INTO reports_monthly_team_scores (team_id, month, worker_id, measure, value, people)
SELECT team_id, month, worker_id, measure, value, count(*)
  FROM reports_checkin_month
 GROUP BY GROUPING SETS ((team_id, month, measure, value), (team_id, month, worker_id, measure, value))
HAVING NOT (GROUPING(worker_id) = 0 AND worker_id IS NULL)
"""

TAKE_PENDING = "DELETE FROM reports_pending_change RETURNING source, team_id, day, client_id"
ROLLUP_TABLES = [
    "reports_monthly_team_contacts",
    "reports_daily_team_services",
    "reports_monthly_team_services",
    "reports_checkin_month",
    "reports_monthly_team_scores",
]
