"""Keeping the rollups (dashboards/models.py) fresh: incrementally, or rebuilt from scratch.

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
from psycopg2.sql import SQL, Identifier

from outcomes.change import RCI_THRESHOLD

from .rollup_sql import (
    ALL_CHECK_IN_MONTHS,
    ALL_CONTACTS,
    ALL_SCORES,
    ALL_SERVICE_DAYS,
    ALL_SERVICES,
    DELETE_CHANGED,
    DELETE_CONTACTS,
    DELETE_SCORES,
    DELETE_SERVICE_DAYS,
    DELETE_SERVICES,
    INSERT_CHANGED,
    INSERT_CONTACTS,
    INSERT_SCORES,
    INSERT_SERVICE_DAYS,
    INSERT_SERVICES,
    NEW_MONTHS,
    PERSON_MONTHS,
    ROLLUP_TABLES,
    TAKE_PENDING,
    person_months,
)

# "Two or more check-ins at least 28 days apart": a person's reliable change counts from then.
CHANGE_MIN_DAYS = 28

LOCK_KEY = 4_240_617  # any constant: pg_advisory_xact_lock's key for "a refresh is running"

__all__ = ["PERSON_MONTHS", "person_months", "person_months_params", "refresh", "rebuild"]


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
            cursor.execute(SQL("DELETE FROM {}").format(Identifier(table)))
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
            cursor.execute(SQL("ANALYZE {}").format(Identifier(table)))
    return Refreshed(contact_cells=cells, score_cells=score_cells, pending=pending)
