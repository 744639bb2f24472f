"""Safety flags: what every worker must know before meeting a person."""

from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import OuterRef, Q
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client, ClientQuerySet, SafetyFlag


def is_active(today: date | None = None) -> Q:
    """Not ended, and not past its until-date (a flag is still shown on that day)."""
    today = today or timezone.localdate()
    return Q(ended_at__isnull=True) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def active_flags_of(client: Client) -> list[SafetyFlag]:
    """The person's active flags, newest first (one query)."""
    return list(SafetyFlag.objects.filter(is_active(), client=client))


def active_flag_texts() -> ArraySubquery:
    """Annotation for a list of people: the texts of each one's active flags, oldest first.

    A subquery in the same SELECT rather than a prefetch: no extra query at all, and the
    count stays the same when the list is empty (a prefetch only runs for a non-empty list).
    """
    flags = SafetyFlag.objects.filter(is_active(), client=OuterRef("pk")).order_by("created_at", "pk")
    return ArraySubquery(flags.values("text"))


def with_active_flags(people: ClientQuerySet) -> ClientQuerySet:
    """`people` with `active_flags` (list of texts) on each."""
    return people.annotate(active_flags=active_flag_texts())


@transaction.atomic
def add_flag(*, actor: User, client: Client, text: str, expires_on: date | None) -> SafetyFlag:
    flag = SafetyFlag.objects.create(client=client, text=text, expires_on=expires_on, created_by=actor)
    record(
        action=AuditEvent.Action.FLAG_CHANGED,
        actor=actor,
        target=flag,
        client_id=client.pk,
        details={"change": "added"},
    )
    return flag


@transaction.atomic
def end_flag(*, actor: User, client: Client, flag: SafetyFlag) -> SafetyFlag:
    """End a flag (kept for the record, no longer shown). Ending it twice changes nothing."""
    if flag.ended_at is not None:
        return flag
    flag.ended_at = timezone.now()
    flag.save(update_fields=["ended_at"])
    record(
        action=AuditEvent.Action.FLAG_CHANGED,
        actor=actor,
        target=flag,
        client_id=client.pk,
        details={"change": "ended"},
    )
    return flag
