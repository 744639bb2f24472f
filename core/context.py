"""Who is acting, and from where: a service's `actor` and the audit context.

Every service takes an `actor` (keyword-only): the signed-in user for a page, or a
`SystemActor` naming the command or task for work nobody did by hand
(`SystemActor("erase_inactive")`). It never takes the request: a command, a task, the API
and offline sync call a service exactly as a view does.

Where the request came from (its IP address, a fingerprint of its session, its request id)
is not an argument either. `AuditContextMiddleware` (core/middleware.py) puts it in a
context variable for the length of each request; `audit.services.record` reads it, so every
audit event written while answering a request carries it, however deep the call that wrote
it. Commands and tasks run with the empty context (no address, no request id), or set their
own with `audit_context(...)` (a task could carry the request id of the page that queued
it).

core imports no app, so it cannot name `accounts.User`: `Actor` is the small protocol both
a user and a system actor meet (`pk` is None for a system actor).
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Actor(Protocol):
    """Whoever a service acts for: `accounts.User`, or a `SystemActor`."""

    @property
    def pk(self) -> Any: ...


@dataclass(frozen=True)
class SystemActor:
    """A command or task acting on its own, named for the audit trail (no user id)."""

    name: str

    @property
    def pk(self) -> None:
        return None

    @property
    def is_authenticated(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"system:{self.name}"


def system_actor_name(actor: Actor | None) -> str:
    """The name of a system actor; "" for a user or nobody."""
    return actor.name if isinstance(actor, SystemActor) else ""


@dataclass(frozen=True)
class AuditContext:
    """Where the current work comes from. Empty outside a request."""

    ip: str | None = None
    request_id: str = ""
    # A one-way fingerprint of the session key, never the key itself (a session key is a
    # credential): enough to tell which events one session wrote.
    session: str = ""
    # The API token the request came with (its id, never its secret): the API's
    # authentication sets it (`acting_through_token`), and every event written while the
    # request is answered names it, so a token's use can be traced and revoked.
    api_token: str = ""


EMPTY = AuditContext()
_current: ContextVar[AuditContext] = ContextVar("alongside_audit_context", default=EMPTY)


def current_audit_context() -> AuditContext:
    return _current.get()


@contextmanager
def audit_context(context: AuditContext) -> Iterator[AuditContext]:
    """Run the block with `context` as the audit context; the previous one comes back after."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def acting_through_token(token_id: str) -> None:
    """Name the API token of the current request in the audit context, until the request
    ends (the middleware's `audit_context` block restores the context it found)."""
    _current.set(replace(_current.get(), api_token=token_id))


def session_fingerprint(session_key: str | None) -> str:
    """16 hex characters of SHA-256 of the session key ("" without a session)."""
    if not session_key:
        return ""
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]
