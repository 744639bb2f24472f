"""What a person wants from their relationship with drugs, in their words (clients.UseWish).

Off unless the organisation turns it on: with ALONGSIDE_USE_WISHES unset, nothing here
exists (NotFound, like a page that is not there). Written only with the person; changed
or deleted whenever they ask. The audit trail records that it changed, never the words.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import USE_WISH_MAX, Client, UseWish
from core.errors import Invalid, NotFound


def use_wishes_on() -> bool:
    return bool(settings.ALONGSIDE_USE_WISHES)


def _check_on() -> None:
    if not use_wishes_on():
        raise NotFound


@transaction.atomic
def set_use_wish(*, actor: User, client: Client, words: str) -> UseWish:
    """Write or change their words (the one note per person)."""
    _check_on()
    words = words.strip()
    if not words or len(words) > USE_WISH_MAX:
        raise Invalid(_("Write what they want in their own words (up to %(max)d characters).") % {"max": USE_WISH_MAX})
    wish, created = UseWish.objects.update_or_create(
        client=client, defaults={"words": words, "updated_at": timezone.now(), "updated_by": actor}
    )
    details = {"change": "written" if created else "changed"}
    record(action=AuditEvent.Action.USE_WISH_CHANGED, actor=actor, target=client, client_id=client.pk, details=details)
    return wish


@transaction.atomic
def delete_use_wish(*, actor: User, client: Client) -> bool:
    """Delete their words; False when there were none."""
    _check_on()
    deleted, _rows = UseWish.objects.filter(client=client).delete()
    if deleted:
        record(
            action=AuditEvent.Action.USE_WISH_CHANGED,
            actor=actor,
            target=client,
            client_id=client.pk,
            details={"change": "deleted"},
        )
    return bool(deleted)
