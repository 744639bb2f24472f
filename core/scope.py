"""The database's second wall: which teams' people the current transaction may see.

`Client.objects.visible_to(user)` (clients/models.py) is the first wall: every view starts
from it. PostgreSQL's row-level security is the second: the policies on the people and on
every table linked to a person (clients 0007 and the migrations after it, docs/security.md)
let the application's role see, change or add a row only when the person's CURRENT home team
is one of the teams named in the transaction's setting `alongside.teams` (a row with no
person, an anonymous contact, by the team in its own `team` column). The rule is
`clients.models.in_scope`, written a second time in SQL; a hypothesis test compares the two
on random data, transfers included (tests/security/test_row_level_security.py). So a query
that forgets its `visible_to` still sees nothing of another team.

The setting is made once per transaction with `set_config(..., true)`, PostgreSQL's
`SET LOCAL`: it ends with the transaction, so a server connection that PgBouncer lends to
someone else next (transaction mode) carries nothing over. Nothing is set on the session.

- A request: `TeamScopeMiddleware` answers every request inside one transaction whose
  scope is the signed-in user's teams (none for a data admin who is in no team, or for
  someone not signed in: they see no person).
- A command or a task names its scope itself, with `team_scope(EVERY_TEAM)` (all teams:
  `erase_inactive`, the rollups' refresh, the export worker, the demo loader) or the teams
  it works for. Outside any scope the application's role sees no person at all.
- A service that moves a person to a team the actor is not in (a transfer) widens the
  scope for its own transaction with `widened_scope`.
- Migrations run as the tables' owner, to whom the policies do not apply (they are not
  FORCEd); the application's role never owns a table (audit/roles.py).

The statement that sets the scope goes straight to the driver's cursor, not through
Django's: it is one per transaction, the same for every page, and it is not a query of the
page, so the pinned query counts (tests/*/test_query_counts_*.py) still count the page's
own queries. `current_teams()` reads it back (tests use it to see that it is set).

core imports no app: the team ids come in as values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from uuid import UUID

from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse

SETTING = "alongside.teams"
# Every team: commands and tasks that work for the whole organisation.
EVERY_TEAM = "*"

Teams = Iterable[UUID | str] | str


def _value(teams: Teams) -> str:
    if isinstance(teams, str):
        if teams != EVERY_TEAM:
            raise ValueError("a scope is a list of team ids or EVERY_TEAM")
        return EVERY_TEAM
    return ",".join(sorted(str(UUID(str(team))) for team in teams))


def _set(using: str, value: str) -> str:
    """Set the transaction's scope to `value`; return what it was."""
    connection = connections[using]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        # pooling-safe: set_config(..., true) is SET LOCAL, it ends with the transaction
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), set_config(%s, %s, true)",
            [SETTING, SETTING, value],
        )
        previous, _ = cursor.fetchone()
    return str(previous)


def set_scope(teams: Teams, *, using: str = "default") -> None:
    """Set the scope of the transaction the caller has opened (until it ends).

    For a job that runs its own transaction and must start it with something else (the
    export's SET TRANSACTION comes first); otherwise use `team_scope`.
    """
    if not connections[using].in_atomic_block:
        raise RuntimeError("set_scope needs a transaction (SET LOCAL would end at once)")
    _set(using, _value(teams))


def current_teams(using: str = "default") -> str:
    """The scope as the database sees it now ('' outside any scope)."""
    connection = connections[using]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting(%s, true), '')", [SETTING])
        (value,) = cursor.fetchone()
    return str(value)


@contextmanager
def team_scope(teams: Teams, *, using: str = "default") -> Iterator[None]:
    """Run the block in a transaction that may see the people of `teams` (ids or EVERY_TEAM).

    Inside a transaction already (a service called from a request, or a test's own
    transaction) no savepoint is made: the scope is set, and put back as it was when the
    block ends normally (when it raises, the enclosing transaction is rolled back anyway).
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using, savepoint=outermost):
        previous = _set(using, _value(teams))
        yield
        if not outermost and not connection.needs_rollback:
            _set(using, previous)


@contextmanager
def widened_scope(teams: Iterable[UUID], *, using: str = "default") -> Iterator[None]:
    """Add `teams` to the current scope for the block (inside a transaction already).

    For a service that must write a row another team will own: a transfer writes the
    person with their new home team, which the policies check against the scope.
    """
    current = current_teams(using)
    if current == EVERY_TEAM:
        yield
        return
    merged = {team for team in current.split(",") if team} | {str(team) for team in teams}
    with team_scope(merged, using=using):
        yield


def user_teams(request: HttpRequest) -> list[UUID]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(user.team_ids)


class TeamScopeMiddleware:
    """Answer each request in one transaction scoped to the signed-in user's teams.

    After AuthenticationMiddleware (it reads the user's team ids, loaded once per request)
    and SessionLimitsMiddleware (which ends stale sessions in its own writes). An answer of
    500 or more rolls the transaction back, as ATOMIC_REQUESTS does for an exception; other
    answers commit what the view did.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection = connections["default"]
        outermost = not connection.in_atomic_block
        with team_scope(user_teams(request)):
            response = self.get_response(request)
            if outermost and response.status_code >= 500:
                transaction.set_rollback(True)
        return response
