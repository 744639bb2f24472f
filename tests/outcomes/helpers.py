"""Check-ins for tests, stored as the service stores them (answers and total)."""

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from clients.models import Client
from outcomes.models import CheckIn, Instrument
from outcomes.services import record_check_in


def check_in(
    client: Client,
    instrument: Instrument,
    values: Sequence[int | None],
    *,
    by: User,
    at: datetime | None = None,
) -> CheckIn:
    """A check-in with `values` for the instrument's items in order (None: prefer not to say)."""
    items = list(instrument.items.all())
    answers = {item.pk: value for item, value in zip(items, values, strict=False)}
    return record_check_in(
        actor=by,
        client=client,
        instrument=instrument,
        answers=answers,
        taken_at=at or timezone.now(),
    )
