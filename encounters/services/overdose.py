"""Recording an overdose response, at a contact or on its own."""

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import NotFound
from encounters.models import Encounter, OverdoseResponse, Site


def record_overdose_response(
    *,
    actor: User,
    team: Team,
    happened_at: datetime,
    naloxone_doses: int,
    emergency_services: str,
    outcome: str,
    debrief: str = "",
    encounter: Encounter | None = None,
    client: Client | None = None,
    site: Site | None = None,
    response_id: uuid.UUID | None = None,
) -> OverdoseResponse:
    """Store the response and its audit event (one transaction).

    `response_id` comes from the form when it is recorded on its own, so a retried
    submission (a double tap, a lost answer on a weak connection) returns the stored
    response instead of making a second one; an id of someone else's response is NotFound.
    At a contact the contact's own id does that job (encounters.services.contacts).
    """
    if response_id is not None and (earlier := _stored(response_id, actor)) is not None:
        return earlier
    try:
        with transaction.atomic():
            response = OverdoseResponse.objects.create(
                id=response_id or uuid.uuid4(),
                team=team,
                created_by=actor,
                happened_at=happened_at,
                naloxone_doses=naloxone_doses,
                emergency_services=emergency_services,
                outcome=outcome,
                debrief=debrief,
                encounter=encounter,
                client=client,
                site=site,
            )
            record(
                action=AuditEvent.Action.OVERDOSE_RECORDED,
                actor=actor,
                target=response,
                client_id=client.pk if client is not None else None,
            )
    except IntegrityError:
        # The same submission raced itself: the first one won.
        earlier = _stored(response_id, actor) if response_id is not None else None
        if earlier is None:
            raise
        return earlier
    return response


def _stored(response_id: uuid.UUID, created_by: User) -> OverdoseResponse | None:
    stored = OverdoseResponse.objects.filter(pk=response_id).only("id", "created_by_id").first()
    if stored is not None and stored.created_by_id != created_by.pk:
        raise NotFound
    return stored


# A part of a contact (encounters/parts.py): the overdose response at it.


@dataclass(frozen=True)
class OverdoseDetails:
    naloxone_doses: int
    emergency_services: str
    outcome: str
    debrief: str = ""


def save_overdose_part(*, actor: User, encounter: Encounter, data: OverdoseDetails | None) -> None:
    """The response at a contact: the contact's team, time, site and person."""
    if data is None:
        return
    record_overdose_response(
        actor=actor,
        team=encounter.team,
        happened_at=encounter.happened_at,
        naloxone_doses=data.naloxone_doses,
        emergency_services=data.emergency_services,
        outcome=data.outcome,
        debrief=data.debrief,
        encounter=encounter,
        client=encounter.client,
        site=encounter.site,
    )


def overdose_canonical(data: OverdoseDetails) -> dict[str, Any]:
    return asdict(data)


def stored_overdose(encounter: Encounter) -> dict[str, Any] | None:
    response = OverdoseResponse.objects.filter(encounter=encounter).first()
    if response is None:
        return None
    details = OverdoseDetails(response.naloxone_doses, response.emergency_services, response.outcome, response.debrief)
    return overdose_canonical(details)
