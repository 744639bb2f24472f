"""Workflows on people's records; each writes its audit event."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import Event, record, record_many
from clients.models import Client, Consent, ConsentKind, new_code
from core.bulk import insert_new_rows, row_of

from .consent import NewConsent, record_consents
from .identity import add_aliases
from .names import search_names_of

CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class NewPerson:
    """One person of `register_clients`: what the registration form, or a row of an imported
    list, says about them. `aliases` are other names they are known by (an old code)."""

    home_team: Team
    preferred_name: str = ""
    year_of_birth: int | None = None
    gender: str = ""
    gender_self_described: str = ""
    consent_method: str = Consent.Method.VERBAL
    aliases: tuple[str, ...] = ()


def register_client(
    *,
    actor: User,
    home_team: Team,
    preferred_name: str = "",
    year_of_birth: int | None = None,
    gender: str = "",
    gender_self_described: str = "",
    consent_method: str = Consent.Method.VERBAL,
) -> Client:
    """Register a person who agreed to a record; that agreement is their first consent.

    A batch of one of `register_clients` (the registration page; an import gives many).
    """
    person = NewPerson(
        home_team=home_team,
        preferred_name=preferred_name,
        year_of_birth=year_of_birth,
        gender=gender,
        gender_self_described=gender_self_described,
        consent_method=consent_method,
    )
    return register_clients(actor=actor, people=[person])[0]


def register_clients(*, actor: User, people: Sequence[NewPerson]) -> list[Client]:
    """Register each person as the registration page registers one, in a fixed number of
    statements whatever their number (an import of a list of people); returns them in the
    order of `people`.

    Each gets a code of Alongside's own, search names, their agreement to a record as their
    first consent (`record_consents`), their aliases (`add_aliases`, the aliases' one path),
    and the audit events of each step: one CLIENT_CREATED per person, one CONSENT_RECORDED
    per consent, one CLIENT_CHANGED per alias (`audit.services.record_many`). Row-level
    security applies as to any insert: a person of a team outside the transaction's scope
    is refused, and with them the batch.

    Codes are random (`new_code`); one already taken (rare: 1 in millions per person), by
    anyone, even a person of a team this transaction may not see, or drawn twice in the
    batch, is drawn again (`_insert_with_free_codes`).
    """
    if not people:
        return []  # not even a savepoint
    with transaction.atomic():
        return _register(actor=actor, people=people)


def _register(*, actor: User, people: Sequence[NewPerson]) -> list[Client]:
    clients = [
        Client(
            code=new_code(),
            preferred_name=person.preferred_name,
            home_team=person.home_team,
            year_of_birth=person.year_of_birth,
            gender=person.gender,
            gender_self_described=(
                person.gender_self_described if person.gender == Client.Gender.SELF_DESCRIBED else ""
            ),
            created_by=actor,
            # As refresh_search_names makes them for a person without aliases (add_aliases
            # below refreshes those with some).
            search_names=search_names_of([person.preferred_name]),
        )
        for person in people
    ]
    _insert_with_free_codes(clients)
    record_many(
        action=AuditEvent.Action.CLIENT_CREATED,
        actor=actor,
        events=[Event(target=client, client_id=client.pk) for client in clients],
    )
    kind = ConsentKind.objects.get(slug=ConsentKind.RECORD_KEEPING)
    record_consents(
        actor=actor,
        decisions=[
            NewConsent(client, kind, Consent.Decision.GIVEN, person.consent_method)
            for client, person in zip(clients, people, strict=True)
        ],
    )
    add_aliases(
        actor=actor,
        aliases=[(client, name) for client, person in zip(clients, people, strict=True) for name in person.aliases],
    )
    return clients


def _insert_with_free_codes(clients: list[Client]) -> None:
    """Insert the people, each with a code nobody has: one INSERT that leaves out a row whose
    code is taken (`insert_new_rows`), then the same for those left out with new codes, at
    most CODE_ATTEMPTS times (IntegrityError after)."""
    waiting = {str(client.pk): client for client in clients}
    for attempt in range(CODE_ATTEMPTS):
        if attempt:
            for client in waiting.values():
                client.code = new_code()
        rows = [row_of(client) for client in waiting.values()]
        for pk in insert_new_rows(Client, rows, unique=["code"], returning="id"):
            client = waiting.pop(str(pk))
            client._state.adding, client._state.db = False, DEFAULT_DB_ALIAS
        if not waiting:
            return
    raise IntegrityError(f"no free code for a person after {CODE_ATTEMPTS} draws")


def record_client_viewed(*, actor: User, client: Client) -> None:
    record(action=AuditEvent.Action.CLIENT_VIEWED, actor=actor, target=client, client_id=client.pk)
