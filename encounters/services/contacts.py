"""Logging a contact: the one place it happens."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import NotFound
from encounters.models import Encounter, Referral, ServiceProvided, ServiceType, Site

from .overdose import record_overdose_response
from .referrals import make_referral, update_referral


@transaction.atomic
def log_encounter(
    *,
    actor: User,
    encounter_id: uuid.UUID,
    team: Team,
    client: Client | None,
    head_count: int,
    happened_at: datetime,
    site: Site | None,
    kind: str,
    services: dict[ServiceType, int],
    age_band: str = "",
    gender: str = "",
    note: str = "",
    extras: "ContactExtras | None" = None,
) -> tuple[Encounter, bool]:
    """Store a contact, what was given and its extras; returns (encounter, created).

    One transaction: all of it is stored, or none of it. The extras (a referral made,
    referrals followed up, an overdose response) need a registered person and run only when
    the contact is new, so a retried submission adds no second referral or response.

    The id comes from the form, so a retried submission (a double tap, a lost response on
    a weak connection) finds the stored contact instead of making a second one. An id that
    belongs to another worker's contact is treated as not found. A rough age band and
    gender are kept for anonymous contacts only (a registered person has their own).
    """
    if extras and client is None:
        raise ValueError("Referrals and overdose responses at a contact need a registered person.")
    earlier = already_logged(encounter_id=encounter_id, worker=actor)
    if earlier is not None:
        return earlier, False
    anonymous = client is None
    try:
        with transaction.atomic():
            encounter = Encounter.objects.create(
                id=encounter_id,
                worker=actor,
                team=team,
                client=client,
                head_count=head_count if anonymous else 1,
                happened_at=happened_at,
                site=site,
                kind=kind,
                age_band=age_band if anonymous else "",
                gender=gender if anonymous else "",
                note=note,
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
                actor=actor,
                target=encounter,
                client_id=client.pk if client is not None else None,
            )
    except IntegrityError:
        # The same submission raced itself (two requests at once): the first one won.
        earlier = already_logged(encounter_id=encounter_id, worker=actor)
        if earlier is None:
            raise
        return earlier, False
    if extras and client is not None:
        _record_extras(actor=actor, encounter=encounter, team=team, client=client, extras=extras)
    return encounter, True


def already_logged(*, encounter_id: uuid.UUID, worker: User) -> Encounter | None:
    """The contact stored under this id by this worker, if any (NotFound if another worker's)."""
    stored = Encounter.objects.filter(pk=encounter_id).only("id", "worker_id").first()
    if stored is not None and stored.worker_id != worker.pk:
        raise NotFound
    return stored


@dataclass(frozen=True)
class NewReferral:
    to: str
    partner: str
    status: str
    follow_up_on: date | None


@dataclass(frozen=True)
class ReferralChange:
    """A new status for one of the person's open referrals (the same status: a new date)."""

    referral: Referral
    status: str
    follow_up_on: date | None


@dataclass(frozen=True)
class OverdoseDetails:
    naloxone_doses: int
    emergency_services: str
    outcome: str
    debrief: str


@dataclass(frozen=True)
class ContactExtras:
    """What else happened at a contact with a registered person, saved with it."""

    referral: NewReferral | None = None
    referral_changes: Sequence[ReferralChange] = field(default_factory=tuple)
    overdose: OverdoseDetails | None = None

    def __bool__(self) -> bool:
        return self.referral is not None or bool(self.referral_changes) or self.overdose is not None


def _record_extras(*, actor: User, encounter: Encounter, team: Team, client: Client, extras: ContactExtras) -> None:
    """The referral made, referrals followed up and overdose response of a new contact."""
    happened_at, site = encounter.happened_at, encounter.site
    if extras.referral is not None:
        new = extras.referral
        make_referral(
            actor=actor,
            client=client,
            team=team,
            to=new.to,
            partner=new.partner,
            status=new.status,
            follow_up_on=new.follow_up_on,
            encounter=encounter,
        )
    for change in extras.referral_changes:
        update_referral(
            actor=actor,
            referral=change.referral,
            status=change.status,
            follow_up_on=change.follow_up_on,
            encounter=encounter,
        )
    if extras.overdose is not None:
        response = extras.overdose
        record_overdose_response(
            actor=actor,
            team=team,
            happened_at=happened_at,
            naloxone_doses=response.naloxone_doses,
            emergency_services=response.emergency_services,
            outcome=response.outcome,
            debrief=response.debrief,
            encounter=encounter,
            client=client,
            site=site,
        )
