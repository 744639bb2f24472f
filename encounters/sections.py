"""A person's contacts: the section on their page, and the full timeline a page at a time.

Both read one keyset page (core/paging.py) through encounter_client_when_idx, so a
person with years of contacts costs what a person with three does.
"""

from typing import Any

from accounts.models import User
from accounts.roles import is_limited
from clients.models import Client
from core.paging import Page, Position, page_of

from .models import Encounter, EncounterQuerySet

TIMELINE_SIZE = 20
PAGE_SIZE = 25
# The section counts the person's contacts only up to this many ("more than 100"), so that
# counting stays as cheap as reading a page, however long the history.
COUNT_UP_TO = 100
CURSOR_SALT = "encounters.timeline.cursor"


def timeline(
    client: Client, user: User, *, size: int, before: Position | None = None, referrals: bool = False
) -> Page[Encounter]:
    """A page of the person's contacts, newest first, with their services (two queries; one
    more with the referrals made at each contact).

    The scope is `visible_to`'s, decided on the person (EncounterQuerySet.of_person); a
    distribution volunteer sees only the contacts they logged (accounts/roles.py).
    """
    encounters = _of_person(client, user).for_timeline()
    if referrals:
        encounters = encounters.with_referrals()
    if before is not None:
        encounters = encounters.older_than(before.at, before.pk)
    rows = list(encounters[: size + 1])
    return page_of(rows, size=size, salt=CURSOR_SALT, scope=client.code, at="happened_at", first=before is None)


def person_contacts(client: Client, user: User) -> dict[str, Any]:
    """The person's latest contacts and a capped count (three queries whatever the count)."""
    page = timeline(client, user, size=TIMELINE_SIZE)
    counted = _of_person(client, user)[: COUNT_UP_TO + 1].count()
    return {
        "encounters": page.rows,
        "older": page.next_cursor,
        "total": min(counted, COUNT_UP_TO),
        "more_than": counted > COUNT_UP_TO,
        "person": client,
    }


def _of_person(client: Client, user: User) -> EncounterQuerySet:
    contacts = Encounter.objects.of_person(client, user)
    return contacts.filter(worker=user) if is_limited(user) else contacts
