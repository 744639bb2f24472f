"""The one keyset paginator: a deep page costs what the first one does.

A list is ordered by a time and the row's id; the next page asks for rows after the last
one shown ("older than this"), which an index finds directly, where an OFFSET would read
and throw away every earlier row. The position travels as a signed cursor bound to what
the list is about (a person's code, a worker and a day, a team and a number of days): it
cannot be forged, replayed on another list, and carries no readable id or time in the URL.

Used by the contact lists and a person's timeline (encounters) and by who opened a
person's record (clients: audit events, whose ids are numbers, not UUIDs).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core import signing


@dataclass(frozen=True)
class Position:
    at: datetime
    pk: UUID | int


@dataclass(frozen=True)
class Page[T]:
    rows: list[T]
    next_cursor: str  # "" on the last page
    is_first: bool


def make_cursor(*, salt: str, scope: str, at: datetime, pk: UUID | int) -> str:
    return signing.dumps([scope, at.isoformat(), pk if isinstance(pk, int) else str(pk)], salt=salt, compress=True)


def read_cursor(token: str, *, salt: str, scope: str) -> Position | None:
    """The position in a cursor made for this list; None (the first page) for anything else."""
    if not token:
        return None
    try:
        made_for, at, pk = signing.loads(token, salt=salt)
        key = pk if isinstance(pk, int) else UUID(pk)
        return Position(datetime.fromisoformat(at), key) if made_for == scope else None
    except (signing.BadSignature, ValueError, TypeError):
        return None


def page_of[T](rows: list[T], *, size: int, salt: str, scope: str, at: str, first: bool) -> Page[T]:
    """`rows` holds up to size + 1 rows (one more tells whether another page follows);
    `at` names the attribute the list is ordered by (with `pk`)."""
    shown = rows[:size]
    if len(rows) <= size:
        return Page(shown, "", first)
    last = shown[-1]
    position: Any = last
    cursor = make_cursor(salt=salt, scope=scope, at=getattr(position, at), pk=position.pk)
    return Page(shown, cursor, first)
