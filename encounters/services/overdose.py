"""Recording an overdose response, at a contact or on its own."""

from datetime import datetime

from django.db import transaction
from django.http import HttpRequest

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from encounters.models import Encounter, OverdoseResponse, Site


@transaction.atomic
def record_overdose_response(
    *,
    request: HttpRequest,
    team: Team,
    created_by: User,
    happened_at: datetime,
    naloxone_doses: int,
    emergency_services: str,
    outcome: str,
    debrief: str = "",
    encounter: Encounter | None = None,
    client: Client | None = None,
    site: Site | None = None,
) -> OverdoseResponse:
    response = OverdoseResponse.objects.create(
        team=team,
        created_by=created_by,
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
        request=request,
        target=response,
        client_id=client.pk if client is not None else None,
    )
    return response
