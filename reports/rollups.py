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

TAKE_PENDING = "DELETE FROM reports_pending_change RETURNING source, team_id, day, client_id"


@dataclass
class Refreshed:
    """What a refresh rewrote (for the command's output and the tests)."""

    contact_cells: set[tuple[UUID, date]] = field(default_factory=set)
    pending: int = 0
    skipped: bool = False


def months_of_utc_day(day: date) -> set[date]:
    """The local calendar months a UTC day overlaps (two when a local month starts in it)."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    first, last = timezone.localtime(start), timezone.localtime(start + timedelta(days=1) - timedelta(microseconds=1))
    return {first.date().replace(day=1), last.date().replace(day=1)}


def _zone() -> str:
    return timezone.get_current_timezone_name()


def rewrite_contact_cells(cells: Iterable[tuple[UUID, date]]) -> None:
    """Recompute the contacts and services rollups of these (team, month) cells."""
    ordered = sorted(cells)
    if not ordered:
        return
    params: dict[str, Any] = {
        "teams": [str(team) for team, _ in ordered],
        "months": [month for _, month in ordered],
        "zone": _zone(),
    }
    with connection.cursor() as cursor:
        cursor.execute(DELETE_CONTACTS, params)
        cursor.execute(DELETE_SERVICES, params)
        cursor.execute(INSERT_CONTACTS, params)
        cursor.execute(INSERT_SERVICES, params)


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
    for source, team_id, day, _client_id in pending:
        if source == "contacts" and team_id is not None and day is not None:
            result.contact_cells |= {(UUID(str(team_id)), month) for month in months_of_utc_day(day)}
    rewrite_contact_cells(result.contact_cells)
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
    _mark_refreshed(rebuilt=True)
    return Refreshed(contact_cells=cells, pending=pending)
