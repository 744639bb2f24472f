"""Access helpers: one instrument for a page, or NotFound. Instruments are the organisation's
(not about a person); a person's check-ins are reached through the person
(clients.access.get_client_for_user) and CheckIn.objects.visible_to."""

from uuid import UUID

from core.errors import NotFound

from .models import Instrument


def get_offered_instrument(slug: str) -> Instrument:
    """The current version of an instrument offered for check-ins, with its items."""
    instrument = Instrument.objects.offered().filter(slug=slug).first()
    if instrument is None:
        raise NotFound
    return instrument


def get_current_instrument(instrument_id: UUID) -> Instrument:
    """The current version of an instrument, offered or not, with its items (data admins)."""
    instrument = Instrument.objects.current().prefetch_related("items").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound
    return instrument
