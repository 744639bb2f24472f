"""Recording an overdose response, at a contact or on its own."""

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from clients.services.status import record_death
from core.errors import Invalid, NotFound
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
    naloxone_given_by: tuple[str, ...] = (),
    rescue_breathing: bool = False,
    cpr: bool = False,
    to_hospital: bool = False,
    mark_died: bool = False,
) -> OverdoseResponse:
    """Store the response and its audit event (one transaction).

    The fuller record: who gave naloxone (any of worker, peer, bystander, emergency
    services), rescue breathing, CPR, taken to hospital. An outcome of death can mark the
    person's record as died (`mark_died`: the `Died` status takes them out of follow-ups and
    reminders); that needs a person and the outcome `died`.

    `response_id` comes from the form when it is recorded on its own, so a retried
    submission (a double tap, a lost answer on a weak connection) returns the stored
    response instead of making a second one; an id of someone else's response is NotFound.
    At a contact the contact's own id does that job (encounters.services.contacts).
    """
    if response_id is not None and (earlier := _stored(response_id, actor)) is not None:
        return earlier
    _check_fuller(outcome=outcome, naloxone_given_by=naloxone_given_by, client=client, mark_died=mark_died)
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
                naloxone_given_by=sorted(set(naloxone_given_by)),
                rescue_breathing=rescue_breathing,
                cpr=cpr,
                to_hospital=to_hospital,
            )
            record(
                action=AuditEvent.Action.OVERDOSE_RECORDED,
                actor=actor,
                target=response,
                client_id=client.pk if client is not None else None,
            )
            if mark_died and client is not None:
                record_death(actor=actor, client=client)
    except IntegrityError:
        # The same submission raced itself: the first one won.
        earlier = _stored(response_id, actor) if response_id is not None else None
        if earlier is None:
            raise
        return earlier
    return response


def _check_fuller(*, outcome: str, naloxone_given_by: tuple[str, ...], client: Client | None, mark_died: bool) -> None:
    if any(given not in OverdoseResponse.GivenBy.values for given in naloxone_given_by):
        raise Invalid(_("Choose who gave naloxone from the list."))
    if mark_died and (client is None or outcome != OverdoseResponse.Outcome.DIED):
        raise Invalid(_("A record is marked as died only for a person named, when the outcome is that they died."))


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
    naloxone_given_by: tuple[str, ...] = ()
    rescue_breathing: bool = False
    cpr: bool = False
    to_hospital: bool = False
    mark_died: bool = False


# Fields added with the fuller record: left out of the canonical form at their defaults, so
# a contact submitted before they existed is still the same submission when sent again.
FULLER = {"naloxone_given_by": (), "rescue_breathing": False, "cpr": False, "to_hospital": False, "mark_died": False}


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
        naloxone_given_by=data.naloxone_given_by,
        rescue_breathing=data.rescue_breathing,
        cpr=data.cpr,
        to_hospital=data.to_hospital,
        mark_died=data.mark_died,
    )


def overdose_canonical(data: OverdoseDetails) -> dict[str, Any]:
    values = asdict(data)
    values["naloxone_given_by"] = sorted(set(data.naloxone_given_by))
    return {key: value for key, value in values.items() if key not in FULLER or value not in ((), [], False)}


def stored_overdose(encounter: Encounter) -> dict[str, Any] | None:
    response = OverdoseResponse.objects.filter(encounter=encounter).first()
    if response is None:
        return None
    details = OverdoseDetails(
        response.naloxone_doses,
        response.emergency_services,
        response.outcome,
        response.debrief,
        naloxone_given_by=tuple(response.naloxone_given_by),
        rescue_breathing=response.rescue_breathing,
        cpr=response.cpr,
        to_hospital=response.to_hospital,
        mark_died=response.outcome == OverdoseResponse.Outcome.DIED
        and response.client_id is not None
        and encounter.client is not None
        and encounter.client.status == Client.Status.DIED,
    )
    return overdose_canonical(details)
