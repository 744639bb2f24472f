"""Keeping the rollups (reports/models.py) fresh: incrementally, or rebuilt from scratch.

Why pending changes and not a timestamp watermark. A watermark (the largest `created_at` or
`updated_at` already taken in) finds new and corrected contacts, but not:
- the month a contact LEFT when a correction changed its time (only the new time is left to
  read), nor a contact or service deleted;
- a merge, which moves contacts and check-ins to another person with a plain UPDATE of
  `client_id` (no timestamp), changing "people seen" in months nobody touched;
- the services of a correction, which have no timestamp of their own.
So triggers (migration 0002) note, for every statement that writes contacts or services,
the (team, UTC day) of the rows before and after, in `reports_pending_change`. The id of
that table is the watermark: a refresh takes the rows there, rewrites the (team, month)
cells they name from the source tables, and deletes exactly those rows in the same
transaction. A change committed while a refresh runs stays pending for the next one (it
was not visible to the refresh's DELETE), so none is lost.

A cell is rewritten whole (delete its rows, insert the month's figures by one GROUPING SETS
query over the team's contacts in the month, through encounter_team_when_idx), so a
refresh costs the months touched, not the history: a day's new contacts touch one month
per team (two around midnight at the turn of a month).

One refresh at a time: a transaction-level advisory lock; a second caller waits (the
command) or returns at once (the background task).
"""

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

DELETE_SERVICES = """
DELETE FROM reports_monthly_team_services AS r
 USING unnest(%(teams)s::uuid[], %(months)s::date[]) AS c(team_id, month)
 WHERE r.team_id = c.team_id AND r.month = c.month
"""

# The cells (team, month) to rewrite, each with its bounds in the programme's time zone; the
# whole team's row (worker NULL) and one per worker, in one pass over each month's contacts.
INSERT_CONTACTS = """
INSERT INTO reports_monthly_team_contacts
       (team_id, month, worker_id, contacts, anonymous_contacts, anonymous_people, people_seen)
SELECT c.team_id, c.month, e.worker_id, count(*),
       count(*) FILTER (WHERE e.client_id IS NULL),
       coalesce(sum(e.head_count) FILTER (WHERE e.client_id IS NULL), 0),
       count(DISTINCT e.client_id)
  FROM (SELECT c.team_id, c.month,
               (c.month::timestamp AT TIME ZONE %(zone)s) AS starts,
               ((c.month + interval '1 month')::timestamp AT TIME ZONE %(zone)s) AS ends
          FROM unnest(%(teams)s::uuid[], %(months)s::date[]) AS c(team_id, month)) AS c
  JOIN encounters_encounter AS e
    ON e.team_id = c.team_id AND e.happened_at >= c.starts AND e.happened_at < c.ends
 GROUP BY GROUPING SETS ((c.team_id, c.month), (c.team_id, c.month, e.worker_id))
"""

INSERT_SERVICES = """
INSERT INTO reports_monthly_team_services
       (team_id, month, worker_id, service_type_id, given, quantity, people)
SELECT c.team_id, c.month, e.worker_id, s.service_type_id, count(*), sum(s.quantity),
       count(DISTINCT e.client_id) + coalesce(sum(e.head_count) FILTER (WHERE e.client_id IS NULL), 0)
  FROM (SELECT c.team_id, c.month,
               (c.month::timestamp AT TIME ZONE %(zone)s) AS starts,
               ((c.month + interval '1 month')::timestamp AT TIME ZONE %(zone)s) AS ends
          FROM unnest(%(teams)s::uuid[], %(months)s::date[]) AS c(team_id, month)) AS c
  JOIN encounters_encounter AS e
    ON e.team_id = c.team_id AND e.happened_at >= c.starts AND e.happened_at < c.ends
  JOIN encounters_serviceprovided AS s ON s.encounter_id = e.id
 GROUP BY GROUPING SETS ((c.team_id, c.month, s.service_type_id),
                         (c.team_id, c.month, e.worker_id, s.service_type_id))
"""

# Every month of every team that has a contact (a full rebuild).
ALL_CONTACT_CELLS = """
SELECT DISTINCT team_id, date_trunc('month', happened_at AT TIME ZONE %(zone)s)::date
  FROM encounters_encounter
"""

# One row per person, measure and month: the month's latest total of each instrument with
# totals (with its reliable change since the person's baseline: outcomes/change.py, done
# the same way in float8), and the month's latest answer given to each item of an
# instrument without a total. Ties in time: the later saved, then the larger id.
#
# Whose check-ins: everyone's, the people named, or (the live figures: reports/sources.py)
# everyone with a check-in of these teams in a period (their whole history: baselines).
# psycopg2 puts the booleans in as literals, so PostgreSQL drops the branches not taken.
PERSON_MONTHS = """
WITH check_in AS (
    SELECT c.id, c.client_id, c.team_id, c.recorded_by_id, c.taken_at, c.created_at, c.total,
           i.slug, i.scoring, i.total_min, i.total_max, i.higher_is_better,
           i.sd::float8 AS sd, i.reliability::float8 AS reliability,
           date_trunc('month', c.taken_at AT TIME ZONE %(zone)s)::date AS month
      FROM outcomes_checkin AS c
      JOIN outcomes_instrument AS i ON i.id = c.instrument_id
     WHERE %(everyone)s OR c.client_id = ANY(%(clients)s::uuid[])
        OR c.client_id IN (SELECT client_id FROM outcomes_checkin
                            WHERE %(in_period)s AND team_id = ANY(%(teams)s::uuid[])
                              AND taken_at >= %(starts)s AND taken_at < %(ends)s)
), scored AS (
    SELECT * FROM check_in WHERE total IS NOT NULL
), latest AS (
    SELECT DISTINCT ON (client_id, slug, month) *
      FROM scored
     ORDER BY client_id, slug, month, taken_at DESC, created_at DESC, id DESC
), changed AS (
    SELECT l.*,
           (CASE WHEN l.higher_is_better THEN 1 ELSE -1 END) * (l.total::float8 - b.total::float8)
           / sqrt(2 * (l.sd * sqrt(1 - l.reliability)) ^ 2) AS towards_better,
           l.taken_at - b.taken_at >= make_interval(days => %(min_days)s) AS far_enough
      FROM latest AS l
     CROSS JOIN LATERAL (
           SELECT s.taken_at, s.total
             FROM scored AS s
            WHERE s.client_id = l.client_id AND s.slug = l.slug
              AND s.total_min IS NOT DISTINCT FROM l.total_min AND s.total_max IS NOT DISTINCT FROM l.total_max
              AND s.higher_is_better = l.higher_is_better
            ORDER BY s.taken_at, s.created_at, s.id
            LIMIT 1) AS b
)
(SELECT client_id, slug AS measure, month, team_id, recorded_by_id AS worker_id, total AS value,
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
  ORDER BY c.client_id, c.slug, item.key, c.month, c.taken_at DESC, c.created_at DESC, c.id DESC)
"""

ROW = "client_id, measure, month, team_id, worker_id, value, category"
CHECK_IN_MONTHS = f"INSERT INTO reports_checkin_month ({ROW}) {PERSON_MONTHS} RETURNING {ROW}"  # noqa: S608
ALL_CHECK_IN_MONTHS = f"INSERT INTO reports_checkin_month ({ROW}) {PERSON_MONTHS}"  # noqa: S608

DELETE_PEOPLE = f"DELETE FROM reports_checkin_month WHERE client_id = ANY(%(clients)s::uuid[]) RETURNING {ROW}"  # noqa: S608

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


@dataclass
class Refreshed:
    """What a refresh rewrote (for the command's output and the tests)."""

    contact_cells: set[tuple[UUID, date]] = field(default_factory=set)
    people: set[UUID] = field(default_factory=set)
    score_cells: set[tuple[UUID, date]] = field(default_factory=set)
    pending: int = 0
    skipped: bool = False


def months_of_utc_day(day: date) -> set[date]:
    """The local calendar months a UTC day overlaps (two when a local month starts in it)."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    first, last = timezone.localtime(start), timezone.localtime(start + timedelta(days=1) - timedelta(microseconds=1))
    return {first.date().replace(day=1), last.date().replace(day=1)}


def _zone() -> str:
    return timezone.get_current_timezone_name()


def rewrite_contact_cells(cells: set[tuple[UUID, date]]) -> None:
    """Recompute the contacts and services rollups of these (team, month) cells."""
    if not cells:
        return
    params = _cells({"zone": _zone()}, cells)
    with connection.cursor() as cursor:
        cursor.execute(DELETE_CONTACTS, params)
        cursor.execute(DELETE_SERVICES, params)
        cursor.execute(INSERT_CONTACTS, params)
        cursor.execute(INSERT_SERVICES, params)


def _cells(params: dict[str, Any], cells: Iterable[tuple[UUID, date]]) -> dict[str, Any]:
    ordered = sorted(cells)
    return params | {"teams": [str(team) for team, _ in ordered], "months": [month for _, month in ordered]}


def person_months_params(
    *, people: Iterable[UUID] | None = None, teams: Iterable[UUID] = (), starts: Any = None, ends: Any = None
) -> dict[str, Any]:
    """PERSON_MONTHS' parameters: everyone's (people None), these people's, or with `starts`
    and `ends`, everyone with a check-in of `teams` in that time."""
    in_period = starts is not None
    return {
        "zone": _zone(),
        "everyone": people is None and not in_period,
        "clients": [str(person) for person in people or []],
        "in_period": in_period,
        "teams": [str(team) for team in teams],
        "starts": starts,
        "ends": ends,
        "threshold": RCI_THRESHOLD,
        "min_days": CHANGE_MIN_DAYS,
    }


def rewrite_people(people: set[UUID]) -> set[tuple[UUID, date]]:
    """Recompute these people's monthly check-in rows, then the distributions of the (team,
    month) cells where a row changed: a new check-in this month usually changes one row, and
    only when it moves a baseline do a person's other months change too."""
    if not people:
        return set()
    params = person_months_params(people=people)
    with connection.cursor() as cursor:
        cursor.execute(DELETE_PEOPLE, params)
        before = {_row(row) for row in cursor.fetchall()}
        cursor.execute(CHECK_IN_MONTHS, params)
        after = {_row(row) for row in cursor.fetchall()}
        cells = {(row[3], row[2]) for row in before ^ after}
        if cells:
            cursor.execute(DELETE_SCORES, _cells({}, cells))
            cursor.execute(INSERT_SCORES, _cells({}, cells))
    return cells


def _row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A CheckInMonth row as the cursor gives it, with its ids as UUIDs."""
    client, measure, month, team, worker, value, category = row
    return (UUID(str(client)), measure, month, UUID(str(team)), worker, value, category)


def rebuild_check_ins() -> set[tuple[UUID, date]]:
    """Every person's monthly rows and every distribution, from scratch."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_checkin_month")
        cursor.execute("DELETE FROM reports_monthly_team_scores")
        cursor.execute(ALL_CHECK_IN_MONTHS, person_months_params(people=None))
        cursor.execute(ALL_SCORES)
        cursor.execute("SELECT DISTINCT team_id, month FROM reports_monthly_team_scores")
        return {(UUID(str(team)), month) for team, month in cursor.fetchall()}


def _lock(*, wait: bool) -> bool:
    with connection.cursor() as cursor:
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
    for source, team_id, day, client_id in pending:
        if source == "contacts" and team_id is not None and day is not None:
            result.contact_cells |= {(UUID(str(team_id)), month) for month in months_of_utc_day(day)}
        elif source == "checkins" and client_id is not None:
            result.people.add(UUID(str(client_id)))
    rewrite_contact_cells(result.contact_cells)
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
    with connection.cursor() as cursor:
        cursor.execute(TAKE_PENDING)
        pending = len(cursor.fetchall())
        cursor.execute("DELETE FROM reports_monthly_team_contacts")
        cursor.execute("DELETE FROM reports_monthly_team_services")
        cursor.execute(ALL_CONTACT_CELLS, {"zone": _zone()})
        cells = {(UUID(str(team)), month) for team, month in cursor.fetchall()}
    rewrite_contact_cells(cells)
    score_cells = rebuild_check_ins()
    _mark_refreshed(rebuilt=True)
    return Refreshed(contact_cells=cells, score_cells=score_cells, pending=pending)
