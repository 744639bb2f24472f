"""Recording a consent decision."""

from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client, Consent, ConsentKind
from core.dates import add_months


def renewal_due(kind: ConsentKind, on: date) -> date:
    return add_months(on, kind.valid_months)


@transaction.atomic
def record_consent(
    *,
    request: HttpRequest,
    client: Client,
    kind: ConsentKind,
    decision: str,
    method: str,
    recorded_by: User,
) -> Consent:
    """Append a decision (history is never rewritten). Given consent gets a renewal date."""
    today = timezone.localdate()
    consent = Consent.objects.create(
        client=client,
        kind=kind,
        decision=decision,
        method=method,
        recorded_by=recorded_by,
        expires_on=renewal_due(kind, today) if decision == Consent.Decision.GIVEN else None,
    )
    record(action=AuditEvent.Action.CONSENT_RECORDED, request=request, target=consent, client_id=client.pk)
    return consent
