"""Referrals: made at a contact (or on their own) and followed up until they settle."""

import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from encounters.models import Encounter, Referral, ReferralUpdate


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
    referral = Referral.objects.create(
        client=client,
        team=team,
        to=to,
        partner=partner,
        status=status,
        follow_up_on=follow_up_on,
        created_by=actor,
        encounter=encounter,
    )
    ReferralUpdate.objects.create(
        referral=referral, status=status, follow_up_on=follow_up_on, encounter=encounter, by=actor
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
) -> Referral:
    """A new status (and follow-up date), from a later contact or on its own; history kept."""
    referral.status = status
    referral.follow_up_on = follow_up_on
    referral.updated_at = timezone.now()
    referral.save(update_fields=["status", "follow_up_on", "updated_at"])
    ReferralUpdate.objects.create(
        referral=referral, status=status, follow_up_on=follow_up_on, encounter=encounter, by=actor
    )
    record(
        action=AuditEvent.Action.REFERRAL_UPDATED,
        actor=actor,
        target=referral,
        client_id=referral.client_id,
        details={"status": status},
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
