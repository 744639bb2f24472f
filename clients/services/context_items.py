"""Context the person chooses to share (clients.ContextItem): read, noted, removed.

Each read and each change is one audit event with ids and the kind only, never the situation
or the words. Removing is a deletion, not a flag: when the person asks for an item to go, it
goes (the audit trail keeps that it existed and was removed, and by whom, never what it said).
"""

from datetime import date
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.context_items import CONTEXT_WORDS_MAX, ContextItem, kind_of
from clients.models import Client
from core.errors import Invalid, NotFound


def read_context(*, actor: User, client: Client) -> list[ContextItem]:
    """The person's items, for a worker who opened them: one query and one audit event."""
    items = list(ContextItem.objects.filter(client=client).for_section())
    record(action=AuditEvent.Action.CONTEXT_VIEWED, actor=actor, target=client, client_id=client.pk)
    return items


@transaction.atomic
def note_context(*, actor: User, client: Client, situation: str, words: str, noted_on: date) -> ContextItem:
    """Note one thing the person chose to share, on the day they said it."""
    kind = kind_of(situation)
    if not kind:
        raise Invalid(_("Choose what they shared from the list."))
    words = words.strip()
    if len(words) > CONTEXT_WORDS_MAX:
        raise Invalid(_("Their words can be up to %(max)d characters.") % {"max": CONTEXT_WORDS_MAX})
    if noted_on > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."))
    item = ContextItem.objects.create(
        client=client, kind=kind, situation=situation, words=words, noted_on=noted_on, created_by=actor
    )
    record(
        action=AuditEvent.Action.CONTEXT_RECORDED,
        actor=actor,
        target=item,
        client_id=client.pk,
        details={"kind": kind},
    )
    return item


@transaction.atomic
def remove_context(*, actor: User, client: Client, item_id: UUID) -> None:
    """Remove an item the person asked to be removed. Another person's item, or one removed
    already, is NotFound (it confirms nothing)."""
    item = ContextItem.objects.select_for_update().filter(client=client, pk=item_id).first()
    if item is None:
        raise NotFound
    kind = item.kind
    item.delete()
    record(
        action=AuditEvent.Action.CONTEXT_REMOVED,
        actor=actor,
        target=client,
        client_id=client.pk,
        details={"kind": kind, "item": str(item_id)},
    )
