"""Logging a contact: the one place it happens."""

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from encounters.models import Encounter, ServiceProvided, ServiceType, Site


def log_encounter(
    *,
    request: HttpRequest,
    encounter_id: uuid.UUID,
    worker: User,
    team: Team,
    client: Client | None,
    head_count: int,
    happened_at: datetime,
    site: Site | None,
    kind: str,
    services: dict[ServiceType, int],
) -> tuple[Encounter, bool]:
    """Store a contact and what was given; returns (encounter, created).

    The id comes from the form, so a retried submission (a double tap, a lost response on
    a weak connection) finds the stored contact instead of making a second one. An id that
    belongs to another worker's contact is treated as not found.
    """
    earlier = _stored(encounter_id, worker)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            encounter = Encounter.objects.create(
                id=encounter_id,
                worker=worker,
                team=team,
                client=client,
                head_count=1 if client is not None else head_count,
                happened_at=happened_at,
                site=site,
                kind=kind,
            )
            ServiceProvided.objects.bulk_create(
                ServiceProvided(encounter=encounter, service_type=service_type, quantity=quantity)
                for service_type, quantity in services.items()
                if quantity > 0
            )
            if client is not None:
                Client.objects.filter(pk=client.pk).mark_seen(happened_at)
            record(
                action=AuditEvent.Action.ENCOUNTER_CREATED,
                request=request,
                target=encounter,
                client_id=client.pk if client is not None else None,
            )
    except IntegrityError:
        # The same submission raced itself (two requests at once): the first one won.
        earlier = _stored(encounter_id, worker)
        if earlier is None:
            raise
        return earlier, False
    return encounter, True


def _stored(encounter_id: uuid.UUID, worker: User) -> Encounter | None:
    stored = Encounter.objects.filter(pk=encounter_id).only("id", "worker_id").first()
    if stored is not None and stored.worker_id != worker.pk:
        raise Http404
    return stored
