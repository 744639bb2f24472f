"""The "right now" counts of the dashboards (not a period): per team, three queries."""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client, Consent
from clients.services.consent import SOON_DAYS
from encounters.models import Referral

from .shapes import NowCounts


def now_counts(team_ids: Sequence[UUID]) -> dict[UUID, NowCounts]:
    """Per team, right now: people not seen for ALONGSIDE_NOT_SEEN_DAYS days (active, not
    merged: client_team_not_seen_idx), consents due for renewal within 30 days or past (as
    clients:consents_expiring lists them), open referrals due for follow-up today or earlier
    (referral_open_followup_idx). Three queries."""
    cutoff = timezone.now() - timedelta(days=settings.ALONGSIDE_NOT_SEEN_DAYS)
    not_seen = dict(
        Client.objects.filter(home_team_id__in=team_ids, status=Client.Status.ACTIVE, merged_into__isnull=True)
        .annotate(seen_at=Coalesce("last_seen_at", "created_at"))
        .filter(seen_at__lt=cutoff)
        .values("home_team_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("home_team_id", "n")
    )
    consents = {
        team: (n, people)
        for team, n, people in _consents_due(team_ids)
        .values_list("client__home_team_id")
        .annotate(n=Count("id"), people=Count("client_id", distinct=True))
        .order_by()
    }
    today = timezone.localdate()
    followups = {
        team: (n, people)
        for team, n, people in Referral.objects.open()
        .filter(team_id__in=team_ids, follow_up_on__lte=today)
        .exclude(client__status=Client.Status.DIED)
        .values_list("team_id")
        .annotate(n=Count("id"), people=Count("client_id", distinct=True))
        .order_by()
    }
    counts = {}
    for team in team_ids:
        consents_due, consents_people = consents.get(team, (0, 0))
        followups_due, followups_people = followups.get(team, (0, 0))
        counts[team] = NowCounts(not_seen.get(team, 0), consents_due, followups_due, consents_people, followups_people)
    return counts


def _consents_due(team_ids: Sequence[UUID]) -> QuerySet[Consent]:
    """clients.services.consent.expiring_consents' rows, unsorted and unlimited, for counting
    (tests/dashboards/test_figures.py checks that the two agree)."""
    later = Consent.objects.filter(client=OuterRef("client"), kind=OuterRef("kind")).filter(
        Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    due = timezone.localdate() + timedelta(days=SOON_DAYS)
    return (
        Consent.objects.filter(
            client__home_team_id__in=team_ids,
            client__merged_into__isnull=True,
            kind__is_active=True,
            decision=Consent.Decision.GIVEN,
            expires_on__lte=due,
        )
        .exclude(Exists(later))
        .exclude(client__status=Client.Status.DIED)
    )


def total(counts: Iterable[NowCounts]) -> NowCounts:
    total = NowCounts()
    for each in counts:
        total = NowCounts(
            total.not_seen + each.not_seen,
            total.consents_due + each.consents_due,
            total.followups_due + each.followups_due,
            total.consents_people + each.consents_people,
            total.followups_people + each.followups_people,
        )
    return total
