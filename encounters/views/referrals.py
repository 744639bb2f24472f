"""Referrals outside Log a contact: a person's referrals, one referral's page and its updates,
a referral noted on its own, and the "follow-ups due" lists of the worker and of the team.

Every view reaches referrals through ReferralQuerySet.visible_to (the person's current home
team; the follow-ups lists check it on their rows: see _due); a referral outside it, or one
that does not exist, is the same 404. Inside Log a
contact, they are its "referral" and "referral_updates" parts, saved by log_encounter
(encounters/parts.py) through the same services.

Follow-ups lists: open referrals due by today + 7 days, oldest date first (overdue ones lead),
a keyset page of PAGE_SIZE at a time through referral_open_followup_idx. Workers see the
team's list as well as their own: follow-up is shared work in a small team (a colleague
covers when someone is away), and it shows nothing a worker cannot already open.
"""

import uuid
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.models import User
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from clients import converters  # noqa: F401  (registers the <code:...> path converter)
from clients.access import get_client_for_user
from clients.models import Client
from encounters.access import get_referral_for_user
from encounters.forms.referrals import ReferralForm, ReferralUpdateForm
from encounters.models import Referral, ReferralQuerySet, ReferralUpdate
from encounters.services.referrals import make_referral, update_referral

SECTION_SIZE = 20
PAGE_SIZE = 50
COMING_DAYS = 7


def person_referrals(client: Client, user: User) -> dict[str, Any]:
    """The person's page: open referrals first (by follow-up date), then settled ones. One query."""
    referrals = list(Referral.objects.visible_to(user).filter(client=client).for_section()[: SECTION_SIZE + 1])
    shown = referrals[:SECTION_SIZE]
    return {
        "open": [referral for referral in shown if referral.is_open],
        "settled": [referral for referral in shown if not referral.is_open],
        "more": len(referrals) > SECTION_SIZE,
        "today": timezone.localdate(),
    }


def _page(request: AuthenticatedHttpRequest, referral: Referral, form: ReferralUpdateForm) -> HttpResponse:
    """The referral, its history and the update form (a view of the person's record: audited)."""
    record(action=AuditEvent.Action.CLIENT_VIEWED, actor=request.user, target=referral, client_id=referral.client_id)
    updates = ReferralUpdate.objects.filter(referral=referral).select_related("by").order_by("-at", "-id")
    context = {
        "referral": referral,
        "person": referral.client,
        "updates": list(updates),
        "form": form,
        "today": timezone.localdate(),
    }
    return render(request, "encounters/referral_detail.html", context)


@require_http_methods(["GET"])
@team_member
def referral_detail(request: AuthenticatedHttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    return _page(request, referral, ReferralUpdateForm(referral=referral))


@require_http_methods(["POST"])
@team_member
def referral_update(request: AuthenticatedHttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """A new status or follow-up date; bad input comes back on the referral's page, nothing stored."""
    referral = get_referral_for_user(request.user, referral_id)
    form = ReferralUpdateForm(request.POST, referral=referral)
    if not form.is_valid():
        return _page(request, referral, form)
    update_referral(
        actor=request.user,
        referral=referral,
        status=form.cleaned_data["status"],
        follow_up_on=form.cleaned_data["follow_up_on"],
        care_step=form.cleaned_data["care_step"],
    )
    messages.success(request, _("Referral updated."))
    return redirect("encounters:referral_detail", referral_id=referral.pk)


@require_http_methods(["GET", "POST"])
@team_member
def referral_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A referral noted on its own, not during a contact."""
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("encounters:referral_new", code=client.code)
    if request.method == "POST":
        form = ReferralForm(request.POST)
        if form.is_valid():
            referral = make_referral(actor=request.user, client=client, team=client.home_team, **form.cleaned_data)
            messages.success(request, _("Referral noted."))
            return redirect("encounters:referral_detail", referral_id=referral.pk)
    else:
        form = ReferralForm(initial=ReferralForm.initial_for_today())
    return render(request, "encounters/referral_new.html", {"person": client, "form": form})


def _after(token: str) -> tuple[date, uuid.UUID] | None:
    """The keyset position `<date>.<id>` of the last row shown; None (first page) if malformed."""
    on, _dot, pk = token.partition(".")
    try:
        return date.fromisoformat(on), uuid.UUID(pk)
    except ValueError:
        return None


def _followups(request: AuthenticatedHttpRequest, referrals: ReferralQuerySet, *, mine: bool) -> HttpResponse:
    today = timezone.localdate()
    position = _after(request.GET.get("after", ""))
    if position is not None:
        referrals = referrals.after(*position)
    fetched = list(referrals[: PAGE_SIZE + 1])
    more, fetched = len(fetched) > PAGE_SIZE, fetched[:PAGE_SIZE]
    last = fetched[-1] if fetched else None
    # The scope (visible_to) checked on the page's rows, not in SQL: see _due.
    teams = set(request.user.team_ids)
    rows = [referral for referral in fetched if referral.client.home_team_id in teams]
    context = {
        "mine": mine,
        "due": [referral for referral in rows if referral.follow_up_on and referral.follow_up_on <= today],
        "coming": [referral for referral in rows if referral.follow_up_on and referral.follow_up_on > today],
        "next": f"{last.follow_up_on}.{last.pk}" if more and last else "",
        "continued": position is not None,
        "days": COMING_DAYS,
    }
    return render(request, "encounters/referral_followups.html", context)


def _due(user: User) -> ReferralQuerySet:
    """Open referrals the user's teams follow up, due by today + COMING_DAYS.

    By `team` alone in SQL, so PostgreSQL walks referral_open_followup_idx in date order and
    stops after one page (0.2 ms with 100,000 referrals). With visible_to's join condition
    (the person's home team) it misjudged the rows and hashed every person of the team
    before sorting, a cost that grows with the team (7 ms, and 2.3 ms at a tenth of it). The
    team following an open referral is the person's team (a transfer moves it along), and
    _followups still drops any row whose person is not in the user's teams.
    """
    horizon = timezone.localdate() + timedelta(days=COMING_DAYS)
    return Referral.objects.due(user.team_ids, horizon)


@require_http_methods(["GET"])
@team_member
def followups_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open referrals the worker made or updated, due today or earlier, then the next 7 days."""
    touched = ReferralUpdate.objects.filter(referral=OuterRef("pk"), by=request.user)
    referrals = _due(request.user).filter(Q(created_by=request.user) | Exists(touched))
    return _followups(request, referrals, mine=True)


@require_http_methods(["GET"])
@team_member
def followups_team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every open referral of the user's teams due by today + 7 days, by date."""
    return _followups(request, _due(request.user), mine=False)


urlpatterns = [
    path("referrals/<uuid:referral_id>/", referral_detail, name="referral_detail"),
    path("referrals/<uuid:referral_id>/update/", referral_update, name="referral_update"),
    path("referrals/new/<code:code>/", referral_new, name="referral_new"),
    path("follow-ups/", followups_mine, name="followups_mine"),
    path("follow-ups/team/", followups_team, name="followups_team"),
]
