"""A person's status changed by what happened, not by an edit of their details."""

from django.db import transaction
from django.db.models import F

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client


@transaction.atomic
def record_death(*, actor: User, client: Client) -> bool:
    """Mark the person's record as died (the existing `Died` status, which takes them out of
    the follow-up and "not seen" lists). Returns False when it already said so. The version
    goes up, so an edit drawn before this is a conflict, never a silent overwrite."""
    changed = Client.objects.filter(pk=client.pk).exclude(status=Client.Status.DIED)
    if not changed.update(status=Client.Status.DIED, version=F("version") + 1):
        return False
    client.status = Client.Status.DIED
    record(
        action=AuditEvent.Action.CLIENT_CHANGED,
        actor=actor,
        target=client,
        client_id=client.pk,
        details={"fields": ["status"]},
    )
    return True
