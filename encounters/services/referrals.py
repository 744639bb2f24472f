"""Referrals: made at a contact (or on their own) and followed up until they settle."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid
from encounters.models import CARE, Encounter, Referral, ReferralUpdate
from encounters.parts import person_of


@transaction.atomic
def make_referral(
    *,
    actor: User,
    client: Client,
    team: Team,
    to: str,
    partner: str = "",
    status: str = Referral.Status.SUGGESTED,
    follow_up_on: date | None = None,
    encounter: Encounter | None = None,
) -> Referral:
    care_step = Referral.CareStep.REFERRED if to in CARE else ""
    referral = Referral.objects.create(
        client=client,
        team=team,
        to=to,
        partner=partner,
        status=status,
        follow_up_on=follow_up_on,
        care_step=care_step,
        created_by=actor,
        encounter=encounter,
    )
    ReferralUpdate.objects.create(
        referral=referral, status=status, follow_up_on=follow_up_on, care_step=care_step, encounter=encounter, by=actor
    )
    record(
        action=AuditEvent.Action.REFERRAL_MADE,
        actor=actor,
        target=referral,
        client_id=client.pk,
        details={"to": to, "status": status},
    )
    return referral


@transaction.atomic
def update_referral(
    *,
    actor: User,
    referral: Referral,
    status: str,
    follow_up_on: date | None,
    encounter: Encounter | None = None,
    care_step: str = "",
) -> Referral:
    """A new status (and follow-up date), from a later contact or on its own; history kept.

    `care_step`: for a referral to care, the step it has reached (referred, assessed,
    started, continuing); "" keeps the step it had."""
    if care_step and (not referral.is_to_care or care_step not in Referral.CareStep.values):
        raise Invalid(_("Steps in care are for referrals to treatment and other care."))
    referral.status = status
    referral.follow_up_on = follow_up_on
    referral.care_step = care_step or referral.care_step
    referral.updated_at = timezone.now()
    referral.save(update_fields=["status", "follow_up_on", "care_step", "updated_at"])
    ReferralUpdate.objects.create(
        referral=referral,
        status=status,
        follow_up_on=follow_up_on,
        care_step=referral.care_step,
        encounter=encounter,
        by=actor,
    )
    details = {"status": status} | ({"care_step": care_step} if care_step else {})
    record(
        action=AuditEvent.Action.REFERRAL_UPDATED,
        actor=actor,
        target=referral,
        client_id=referral.client_id,
        details=details,
    )
    return referral


def follow_person_to_team(client_ids: list[uuid.UUID], to_team: Team) -> int:
    """A transferred person's open referrals: the receiving team follows them up now.

    Runs inside `transfer_client` (registered in encounters/apps.py). Only open referrals
    move: `team` of a settled one stays the team that followed it to the end, for team
    numbers. Visibility needs no move (ReferralQuerySet.visible_to goes by the person's
    current team); the team's "follow-ups due" list is what reads `team`, through
    referral_open_followup_idx, so without this the referrals would fall out of every list.
    """
    return Referral.objects.open().filter(client_id__in=client_ids).exclude(team=to_team).update(team=to_team)


# Parts of a contact (encounters/parts.py): a referral made at it, and referrals followed up.


@dataclass(frozen=True)
class NewReferral:
    """A referral made at a contact (the "referral" part)."""

    to: str
    partner: str = ""
    status: str = Referral.Status.MADE
    follow_up_on: date | None = None


@dataclass(frozen=True)
class ReferralChange:
    """A new status for one of the person's open referrals, told at a contact (the same
    status: a new follow-up date). The "referral_updates" part is a tuple of these."""

    referral_id: uuid.UUID
    status: str
    follow_up_on: date | None = None


def save_referral_part(*, actor: User, encounter: Encounter, data: NewReferral | None) -> None:
    if data is None:
        return
    make_referral(
        actor=actor,
        client=person_of(encounter),
        team=encounter.team,
        to=data.to,
        partner=data.partner,
        status=data.status,
        follow_up_on=data.follow_up_on,
        encounter=encounter,
    )


def referral_canonical(data: NewReferral) -> dict[str, Any]:
    follow_up = data.follow_up_on.isoformat() if data.follow_up_on else None
    return {"to": data.to, "partner": data.partner, "status": data.status, "follow_up_on": follow_up}


def stored_referral(encounter: Encounter) -> dict[str, Any] | None:
    """The referral made at the contact, as it was made (its first update), if any."""
    first = (
        ReferralUpdate.objects.filter(referral__encounter=encounter, encounter=encounter)
        .select_related("referral")
        .order_by("at", "pk")
        .first()
    )
    if first is None:
        return None
    made = NewReferral(first.referral.to, first.referral.partner, first.status, first.follow_up_on)
    return referral_canonical(made)


def save_referral_updates_part(*, actor: User, encounter: Encounter, data: Sequence[ReferralChange] | None) -> None:
    """Each change is one conditional UPDATE: the referral must still be open and the
    person's, else nothing of the contact is stored (Invalid)."""
    if not data:
        return
    ids = [change.referral_id for change in data]
    if len(set(ids)) != len(ids):
        raise Invalid(_("A referral was followed up twice in one contact. Check their open referrals and save again."))
    now = timezone.now()
    for change in data:
        updated = (
            Referral.objects.open()
            .filter(pk=change.referral_id, client=person_of(encounter))
            .update(status=change.status, follow_up_on=change.follow_up_on, updated_at=now)
        )
        if updated != 1:
            raise Invalid(
                _(
                    "A referral you updated is not open for this person any more (or it belongs to someone "
                    "else). Check their open referrals and save again."
                )
            )
        ReferralUpdate.objects.create(
            referral_id=change.referral_id,
            status=change.status,
            follow_up_on=change.follow_up_on,
            encounter=encounter,
            by=actor,
        )
        record(
            action=AuditEvent.Action.REFERRAL_UPDATED,
            actor=actor,
            target=Referral(pk=change.referral_id),
            client_id=encounter.client_id,
            details={"status": change.status},
        )


def referral_updates_canonical(data: Sequence[ReferralChange]) -> list[list[Any]]:
    return sorted(
        [str(change.referral_id), change.status, change.follow_up_on.isoformat() if change.follow_up_on else None]
        for change in data
    )


def stored_referral_updates(encounter: Encounter) -> list[list[Any]]:
    """Referrals made before the contact and followed up at it."""
    updates = ReferralUpdate.objects.filter(encounter=encounter).exclude(referral__encounter=encounter)
    return referral_updates_canonical(
        [ReferralChange(update.referral_id, update.status, update.follow_up_on) for update in updates]
    )
