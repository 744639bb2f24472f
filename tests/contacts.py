"""Logging a contact in tests the way the app does: through the one save path."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.models import User
from clients.models import Client
from encounters.models import ServiceType, Site
from encounters.services.contacts import ContactLogged, log_encounter


def log_contact(
    actor: User,
    person: Client,
    *,
    encounter_id: uuid.UUID | None = None,
    site: Site | None = None,
    happened_at: datetime | None = None,
    note: str = "",
    kind: str = "street",
    services: Mapping[ServiceType, int] | None = None,
    parts: Mapping[str, Any] | None = None,
) -> ContactLogged:
    """A contact with `person` (their home team), logged by `actor` with `parts`."""
    return log_encounter(
        actor=actor,
        encounter_id=encounter_id or uuid.uuid4(),
        team=person.home_team,
        client=person,
        head_count=1,
        happened_at=happened_at or timezone.now().replace(microsecond=0),
        site=site,
        kind=kind,
        services=services or {},
        note=note,
        parts=parts,
    )
