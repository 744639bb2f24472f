"""Consent: recording a decision, and reading the current state from the history."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import Event, record_many
from clients.models import Client, Consent, ConsentKind
from core.dates import add_months


def renewal_due(kind: ConsentKind, on: date) -> date:
    return add_months(on, kind.valid_months)


@dataclass(frozen=True)
class NewConsent:
    """One decision of `record_consents`."""

    client: Client
    kind: ConsentKind
    decision: str
    method: str


@transaction.atomic
def record_consent(
    *,
    actor: User,
    client: Client,
    kind: ConsentKind,
    decision: str,
    method: str,
) -> Consent:
    """Append a decision (history is never rewritten). Given consent gets a renewal date.

    A batch of one of `record_consents`."""
    return record_consents(actor=actor, decisions=[NewConsent(client, kind, decision, method)])[0]


@transaction.atomic(savepoint=False)  # inside the caller's transaction, or its own
def record_consents(*, actor: User, decisions: Sequence[NewConsent]) -> list[Consent]:
    """Append each decision as `record_consent` appends one, in two statements whatever their
    number (the agreement to a record of each person an import registers): the decisions,
    and one audit event each (`audit.services.record_many`)."""
    if not decisions:
        return []
    today = timezone.localdate()
    consents = Consent.objects.bulk_create(
        Consent(
            client=item.client,
            kind=item.kind,
            decision=item.decision,
            method=item.method,
            recorded_by=actor,
            expires_on=renewal_due(item.kind, today) if item.decision == Consent.Decision.GIVEN else None,
        )
        for item in decisions
    )
    record_many(
        action=AuditEvent.Action.CONSENT_RECORDED,
        actor=actor,
        events=[Event(target=consent, client_id=consent.client_id) for consent in consents],
    )
    return consents


SOON_DAYS = 30


@dataclass(frozen=True)
class ConsentState:
    """The current state of one kind of consent for a person: their latest decision."""

    kind: ConsentKind
    current: Consent | None
    today: date

    @property
    def status(self) -> str:
        return self.current.decision if self.current else "not_asked"

    @property
    def is_given(self) -> bool:
        return self.status == Consent.Decision.GIVEN

    @property
    def expired(self) -> bool:
        due = self.current.expires_on if self.current and self.is_given else None
        return due is not None and due < self.today

    @property
    def due_soon(self) -> bool:
        due = self.current.expires_on if self.current and self.is_given else None
        return due is not None and self.today <= due <= self.today + timedelta(days=SOON_DAYS)


def consent_history(client: Client) -> list[Consent]:
    """Every decision for the person, newest first (one query)."""
    return list(client.consents.select_related("kind", "recorded_by").order_by("-recorded_at", "-pk"))


def consent_states(kinds: list[ConsentKind], history: list[Consent]) -> list[ConsentState]:
    """One state per kind: the latest decision of that kind, or none ("not asked")."""
    today = timezone.localdate()
    latest: dict[int, Consent] = {}
    for consent in history:  # newest first: the first seen per kind is the current one
        latest.setdefault(consent.kind_id, consent)
    return [ConsentState(kind=kind, current=latest.get(kind.pk), today=today) for kind in kinds]


def refuses_record(client: Client) -> bool:
    """The person's latest record-keeping decision is declined or withdrawn (one query)."""
    latest = (
        client.consents.filter(kind__slug=ConsentKind.RECORD_KEEPING)
        .order_by("-recorded_at", "-pk")
        .values_list("decision", flat=True)
        .first()
    )
    return latest in {Consent.Decision.DECLINED, Consent.Decision.WITHDRAWN}


def expiring_consents(*, team_ids: list[UUID], limit: int) -> list[Consent]:
    """Current given consents of people in these teams whose renewal is due within 30 days
    or already past, soonest first (one query).

    "Current" is the latest decision for a person and kind: no later decision of the same
    kind exists (consent_latest_idx answers that subquery).
    """
    later = Consent.objects.filter(client=OuterRef("client"), kind=OuterRef("kind")).filter(
        Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    due = timezone.localdate() + timedelta(days=SOON_DAYS)
    consents = (
        Consent.objects.filter(
            client__home_team_id__in=team_ids,
            client__merged_into__isnull=True,
            kind__is_active=True,
            decision=Consent.Decision.GIVEN,
            expires_on__lte=due,
        )
        .exclude(Exists(later))
        .exclude(client__status=Client.Status.DIED)  # no reminders about a person who died
        .select_related("client", "client__home_team", "kind")
        .order_by("expires_on", "client__code", "kind__order")
    )
    return list(consents[:limit])
