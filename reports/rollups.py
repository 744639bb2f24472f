"""Keeping the rollups (reports/models.py) fresh: incrementally, or rebuilt from scratch.

Why pending changes and not a timestamp watermark. A watermark (the largest `created_at` or
`updated_at` already taken in) finds new and corrected contacts, but not:
- the month a contact LEFT when a correction changed its time (only the new time is left to
  read), nor a contact or service deleted;
- a merge, which moves contacts and check-ins to another person with a plain UPDATE of
  `client_id` (no timestamp), changing "people seen" in months nobody touched;
- the services of a correction, which have no timestamp of their own.
So triggers note, for every statement that writes contacts or services, the (team, UTC
day) of the rows before and after (migration 0002), and for check-ins and their answers the
person (migration 0003), in `reports_pending_change`. The id of that table is the
watermark: a refresh takes the rows there, rewrites the cells they name from the source
tables, and deletes exactly those rows in the same transaction. A change committed while a
refresh runs stays pending for the next one (it was not visible to the refresh's DELETE),
so none is lost.

A cell is rewritten whole (delete its rows, insert its figures by one GROUPING SETS query
over the team's contacts in it, through encounter_team_when_idx), so a refresh costs what
was touched, not the history: a day's new contacts touch a day per team (two where the
programme's day straddles two UTC days), whose services are recomputed, and the month it
is in, whose contacts are recomputed (distinct people seen cannot be added up from days)
and whose services are summed from its days (a month's services, found through each of
its contacts, were the slowest part of a refresh at 2,000,000 contacts: bench/README.md).

One refresh at a time: a transaction-level advisory lock; a second caller waits (the
command) or returns at once (the background task).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from outcomes.change import RCI_THRESHOLD

# "Two or more check-ins at least 28 days apart": a person's reliable change counts from then.
CHANGE_MIN_DAYS = 28

LOCK_KEY = 4_240_617  # any constant: pg_advisory_xact_lock's key for "a refresh is running"

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
# figures: reports/sources.py) everyone with a check-in of these teams in a period (their
# whole history, for baselines).
PERSON_MONTHS = """
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
"""

PEOPLE = {
    "everyone": "true",
    "named": "c.client_id = ANY(%(clients)s::uuid[])",
    "in_period": """c.client_id IN (SELECT client_id FROM outcomes_checkin
                                     WHERE team_id = ANY(%(teams)s::uuid[])
                                       AND taken_at >= %(starts)s AND taken_at < %(ends)s)""",
}


def person_months(people: str) -> str:
    """PERSON_MONTHS for PEOPLE[people] (constant SQL: no value is ever put in here)."""
    return PERSON_MONTHS.replace("{people}", PEOPLE[people])


ROW = "client_id, measure, month, team_id, worker_id, value, category, next_month"
ALL_CHECK_IN_MONTHS = f"INSERT INTO reports_checkin_month ({ROW}) {person_months('everyone')}"  # noqa: S608

# A refresh writes only the rows that changed: the people's rows are made in a temporary
# table, rows no longer made are deleted, new or different ones inserted (a new check-in this
# month changes a row or two of a person's thirty; rewriting all of them cost the refresh
# its index upkeep and write-ahead log). Both statements return what a distribution counts,
# so a row whose category or next month alone changed leaves its distribution alone.
NEW_MONTHS = f"""
CREATE TEMPORARY TABLE reports_new_months ON COMMIT DROP AS {person_months("named")}
"""  # noqa: S608

SAME_ROW = """
n.client_id = m.client_id AND n.measure = m.measure AND n.month = m.month AND n.team_id = m.team_id
AND n.worker_id IS NOT DISTINCT FROM m.worker_id AND n.value = m.value AND n.category = m.category
AND n.next_month IS NOT DISTINCT FROM m.next_month
"""

DELETE_CHANGED = f"""
DELETE FROM reports_checkin_month AS m
 WHERE m.client_id = ANY(%(clients)s::uuid[])
   AND NOT EXISTS (SELECT 1 FROM reports_new_months AS n WHERE {SAME_ROW})
RETURNING m.team_id, m.month, m.measure, m.worker_id, m.value
"""  # noqa: S608

INSERT_CHANGED = f"""
INSERT INTO reports_checkin_month ({ROW})
SELECT {ROW} FROM reports_new_months AS n
 WHERE NOT EXISTS (SELECT 1 FROM reports_checkin_month AS m WHERE {SAME_ROW})
RETURNING team_id, month, measure, worker_id, value
"""  # noqa: S608

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


@dataclass
class Refreshed:
    """What a refresh rewrote (for the command's output and the tests)."""

    contact_cells: set[tuple[UUID, date]] = field(default_factory=set)
    people: set[UUID] = field(default_factory=set)
    score_cells: set[tuple[UUID, date]] = field(default_factory=set)
    pending: int = 0
    skipped: bool = False


def local_days_of_utc_day(day: date) -> set[date]:
    """The programme's calendar days a UTC day overlaps (two unless the zone is UTC)."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    last = start + timedelta(days=1) - timedelta(microseconds=1)
    return {timezone.localtime(start).date(), timezone.localtime(last).date()}


def _zone() -> str:
    return timezone.get_current_timezone_name()


def rewrite_contact_cells(days: set[tuple[UUID, date]]) -> set[tuple[UUID, date]]:
    """Recompute these (team, day) cells' services, then the contacts and services of their
    months; returns the (team, month) cells rewritten."""
    if not days:
        return set()
    months = {(team, day.replace(day=1)) for team, day in days}
    ordered = sorted(days)
    by_day: dict[str, Any] = {
        "zone": _zone(),
        "teams": [str(team) for team, _ in ordered],
        "days": [day for _, day in ordered],
    }
    by_month = _cells({"zone": _zone()}, months)
    with connection.cursor() as cursor:
        cursor.execute(DELETE_SERVICE_DAYS, by_day)
        cursor.execute(INSERT_SERVICE_DAYS, by_day)
        cursor.execute(DELETE_SERVICES, by_month)
        cursor.execute(INSERT_SERVICES, by_month)
        cursor.execute(DELETE_CONTACTS, by_month)
        cursor.execute(INSERT_CONTACTS, by_month)
    return months


def _cells(params: dict[str, Any], cells: Iterable[tuple[UUID, date]]) -> dict[str, Any]:
    ordered = sorted(cells)
    return params | {"teams": [str(team) for team, _ in ordered], "months": [month for _, month in ordered]}


def person_months_params(
    *, people: Iterable[UUID] = (), teams: Iterable[UUID] = (), starts: Any = None, ends: Any = None
) -> dict[str, Any]:
    """Parameters of person_months(): the people named, or the teams and times "in_period" reads."""
    return {
        "zone": _zone(),
        "clients": [str(person) for person in people],
        "teams": [str(team) for team in teams],
        "starts": starts,
        "ends": ends,
        "threshold": RCI_THRESHOLD,
        "min_days": CHANGE_MIN_DAYS,
    }


def rewrite_people(people: set[UUID]) -> set[tuple[UUID, date]]:
    """Recompute these people's monthly check-in rows, write the ones that changed, then the
    distributions of the (team, month) cells where a row changed: a new check-in this month
    usually changes one row (and the previous month's `next_month`); only a new baseline
    changes a person's other months too."""
    if not people:
        return set()
    params = person_months_params(people=people)
    with connection.cursor() as cursor:
        cursor.execute(NEW_MONTHS, params)
        cursor.execute(DELETE_CHANGED, params)
        gone = Counter(_counted(row) for row in cursor.fetchall())
        cursor.execute(INSERT_CHANGED, params)
        added = Counter(_counted(row) for row in cursor.fetchall())
        cursor.execute("DROP TABLE reports_new_months")
        cells = {(team, month) for team, month, *_rest in (gone - added) + (added - gone)}
        if cells:
            cursor.execute(DELETE_SCORES, _cells({}, cells))
            cursor.execute(INSERT_SCORES, _cells({}, cells))
    return cells


def _counted(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """(team, month, measure, worker, value): what a distribution row counts."""
    team, month, measure, worker, value = row
    return (UUID(str(team)), month, measure, worker, value)


def rebuild_check_ins() -> set[tuple[UUID, date]]:
    """Every person's monthly rows and every distribution, from scratch."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_checkin_month")
        cursor.execute("DELETE FROM reports_monthly_team_scores")
        cursor.execute(ALL_CHECK_IN_MONTHS, person_months_params())
        cursor.execute(ALL_SCORES)
        cursor.execute("SELECT DISTINCT team_id, month FROM reports_monthly_team_scores")
        return {(UUID(str(team)), month) for team, month in cursor.fetchall()}


def _lock(*, wait: bool) -> bool:
    """Take the refresh lock, with settings for this transaction only:
    - no JIT compilation: a refresh is many small statements whose estimated cost can pass
      jit_above_cost, and compiling them took a second where running them took 80 ms;
    - sorts in memory (a month of a team's contacts: 6 MB went to disk at work_mem's 4 MB);
    - no wait for the commit to reach the disk: the rollups are derived data and the refresh
      is one transaction, so a crash loses it whole, pending changes included, and the next
      refresh does it again (a wait of 120 ms at 2,000,000 contacts: bench/README.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        row = cursor.fetchone()
        return bool(row and row[0])


def _mark_refreshed(*, rebuilt: bool) -> None:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reports_rollup_state (id, refreshed_at, rebuilt_at) VALUES (1, %(now)s, %(rebuilt)s)
            ON CONFLICT (id) DO UPDATE
               SET refreshed_at = EXCLUDED.refreshed_at,
                   rebuilt_at = coalesce(EXCLUDED.rebuilt_at, reports_rollup_state.rebuilt_at)
            """,
            {"now": now, "rebuilt": now if rebuilt else None},
        )


@transaction.atomic
def refresh(*, wait: bool = True) -> Refreshed:
    """Take in every pending change: rewrite the cells they touched. One transaction."""
    if not _lock(wait=wait):
        return Refreshed(skipped=True)
    with connection.cursor() as cursor:
        cursor.execute(TAKE_PENDING)
        pending = cursor.fetchall()
    result = Refreshed(pending=len(pending))
    days: set[tuple[UUID, date]] = set()
    for source, team_id, day, client_id in pending:
        if source == "contacts" and team_id is not None and day is not None:
            days |= {(UUID(str(team_id)), local) for local in local_days_of_utc_day(day)}
        elif source == "checkins" and client_id is not None:
            result.people.add(UUID(str(client_id)))
    result.contact_cells = rewrite_contact_cells(days)
    result.score_cells = rewrite_people(result.people)
    _mark_refreshed(rebuilt=False)
    return result


@transaction.atomic
def rebuild() -> Refreshed:
    """Every rollup from scratch (after a bulk load, or to check on the incremental path).

    Pending changes are taken first, so anything the rebuild cannot see yet stays pending.
    Rows are deleted, not truncated: dashboards keep reading the old figures until commit.
    """
    _lock(wait=True)
    zone = {"zone": _zone()}
    with connection.cursor() as cursor:
        cursor.execute(TAKE_PENDING)
        pending = len(cursor.fetchall())
        for table in ("reports_monthly_team_contacts", "reports_daily_team_services", "reports_monthly_team_services"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
        cursor.execute(ALL_CONTACTS, zone)
        cursor.execute(ALL_SERVICE_DAYS, zone)
        cursor.execute(ALL_SERVICES)
        cursor.execute("SELECT DISTINCT team_id, month FROM reports_monthly_team_contacts")
        cells = {(UUID(str(team)), month) for team, month in cursor.fetchall()}
    score_cells = rebuild_check_ins()
    _mark_refreshed(rebuilt=True)
    with connection.cursor() as cursor:
        # Fresh statistics, so the dashboards' reads use their indexes at once (a role that
        # does not own the tables gets a warning here, and autovacuum's ANALYZE later).
        for table in ROLLUP_TABLES:
            cursor.execute(f"ANALYZE {table}")
    return Refreshed(contact_cells=cells, score_cells=score_cells, pending=pending)
