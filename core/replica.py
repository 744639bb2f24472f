"""Reads that may come from a streaming replica, and the rule that keeps them honest.

With `DATABASE_REPLICA_URL` set (docs/scaling.md), the dashboards, the organisation view and
the exports read from the replica: they are the heavy, read-only work, and moving them off
the primary leaves it to the workers logging contacts. Everything else reads from the
primary, as do these whenever the replica cannot be trusted:

- it is behind by more than `DATABASE_REPLICA_MAX_LAG` seconds (what it has not replayed
  yet is older than that), or
- it has not yet replayed the user's own last write (read-your-writes: after a request that
  wrote, the middleware below gives the browser the primary's WAL position in a cookie, and
  a replica read needs the replica to have replayed past it; GitLab's database load
  balancer sticks sessions to the primary the same way), or
- it does not answer (then it is not asked again for `DOWN_SECONDS`, so a dead replica
  costs one failed connection per process, not one per request).

The choice is made once per view or job (`replica_reads`): one query on the replica, then
every read inside goes to the same place, so a page never mixes two points in time. Writes
always go to the primary. Without a replica configured nothing here queries anything. Each
choice is logged at INFO ("replica read: replica" or "replica read: primary (why)"), which
is how bench/loadtest.py counts the share of reads the replica served.

The router is in settings.DATABASE_ROUTERS; `replica_reads` is a decorator for views and a
context manager for jobs. This module imports no app (core is the ground floor).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
# The cookie that carries the WAL position of a browser's last write (not secret: forging it
# only sends that browser's own reads to the primary).
WRITTEN_COOKIE = "alongside_written"
# Writes a user never reads back, so they need not send the user's reads to the primary: the
# release register's note of an organisation view a data admin saw (privacy/models.py).
NEVER_READ_BACK = ('"privacy_release"',)
WRITTEN_COOKIE_SECONDS = 300
LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")
DOWN_SECONDS = 10.0
# Statements that change rows (Django writes its SQL keywords in capitals).
WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b")

# Where reads go inside `replica_reads` (None: the default, the primary).
_reading_from: ContextVar[str | None] = ContextVar("alongside_reading_from", default=None)
_down_until = 0.0

# One question to the replica: is it a standby, how far behind is it (0 when it has replayed
# all it has received: an idle primary sends nothing, and the last replayed commit's age
# would otherwise grow forever), and has it replayed past the user's last write?
STATE_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
            ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 1e9)
       END,
       %s::pg_lsn IS NULL OR NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn
"""


def replica_configured() -> bool:
    return REPLICA in connections.settings


def reading_from() -> str | None:
    """The alias reads go to now ("replica" inside a replica_reads block that chose it)."""
    return _reading_from.get()


def read_alias(model: type[Model]) -> str:
    """The database a read of `model`'s rows goes to now (the replica inside `replica_reads`
    when it chose it), for SQL written by hand and the ORM reads that go with it."""
    return router.db_for_read(model) or DEFAULT_DB_ALIAS


def read_rows(model: type[Model], sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of a hand-written read of `model`'s tables, from where the router reads them."""
    with connections[read_alias(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def replica_usable(*, written_at: str | None = None) -> bool:
    """Whether the replica is up, within the lag limit, and past `written_at` (a WAL position)."""
    global _down_until  # one flag per process, on purpose
    if not replica_configured() or time.monotonic() < _down_until:
        return False
    after = written_at if written_at and LSN.match(written_at) else None
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(STATE_SQL, [after, after])
            _standby, lag, caught_up = cursor.fetchone()
    except DatabaseError:
        logger.warning("replica read: primary (the replica did not answer; not asked for %s s)", DOWN_SECONDS)
        connections[REPLICA].close()
        _down_until = time.monotonic() + DOWN_SECONDS
        return False
    if float(lag) > settings.DATABASE_REPLICA_MAX_LAG:
        logger.info("replica read: primary (the replica is %.1f s behind)", float(lag))
        return False
    if not caught_up:
        logger.info("replica read: primary (the replica has not replayed this user's last write)")
        return False
    logger.info("replica read: replica")
    return True


@contextmanager
def replica_block(*, written_at: str | None = None) -> Iterator[bool]:
    """Inside: reads go to the replica when it is usable (yields whether it was chosen)."""
    use = replica_usable(written_at=written_at)
    token = _reading_from.set(REPLICA if use else None)
    try:
        yield use
    finally:
        _reading_from.reset(token)


View = Callable[..., HttpResponse]


def replica_reads(view: View) -> View:
    """A view whose reads may come from the replica (dashboards, the organisation view)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not replica_configured():
            return view(request, *args, **kwargs)
        with replica_block(written_at=request.COOKIES.get(WRITTEN_COOKIE)):
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads go where `replica_block` chose (the primary outside one); writes and migrations
    to the primary only."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return _reading_from.get()

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the same rows on both servers

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == PRIMARY


class ReadYourWritesMiddleware:
    """After a request that wrote, remember the primary's WAL position in the browser.

    Only with a replica configured (otherwise it does nothing, not even a query). A write is
    an INSERT, UPDATE, DELETE or MERGE sent to the primary while the request ran (a search
    POSTs but writes nothing, so it costs nothing here). The position is the end of the
    primary's WAL once the request's transactions have committed, so it covers every write
    the request made, the session's included (this middleware sits outside the session's).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        wrote = False

        def watch(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any) -> Any:
            nonlocal wrote
            if not wrote:
                # SQL composed with psycopg2.sql (dashboards, exports) is read as its text.
                text = sql if isinstance(sql, str) else sql.as_string(context["cursor"].cursor)
                wrote = WRITE.search(text) is not None and not any(table in text for table in NEVER_READ_BACK)
            return execute(sql, params, many, context)

        with connections[PRIMARY].execute_wrapper(watch):
            response = self.get_response(request)
        if wrote and response.status_code < 500:
            try:
                with connections[PRIMARY].cursor() as cursor:
                    cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
                    position = cursor.fetchone()[0]
            except DatabaseError:
                return response
            response.set_cookie(
                WRITTEN_COOKIE,
                position,
                max_age=WRITTEN_COOKIE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
