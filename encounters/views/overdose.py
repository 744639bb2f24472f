"""Overdose responses recorded on their own (not during a logged contact), a response's page,
and the supervisors' list of the team's recent responses.

Responses are reached through OverdoseResponseQuerySet.visible_to: with a person, the
person's current home team; without one, the team that responded. At a contact, a response
is its "overdose" part, saved by log_encounter through the same service.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import supervisor, team_member
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client, normalise_code
from core.text import search_text, without_control_characters
from core.wording import suggest_wording
from encounters.access import get_overdose_response_for_user
from encounters.forms.overdose import NO_PERSON, OverdoseResponseForm
from encounters.models import OverdoseResponse
from encounters.services.overdose import record_overdose_response

PICKER_SIZE = 8
LATEST = 20
MONTHS = 12


@require_http_methods(["GET", "POST"])
@team_member
def overdose_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record an overdose response. A POST with `find` only searches for the person (htmx
    swaps the picker; without JavaScript the whole page comes back with everything kept)."""
    finding = request.method == "POST" and "find" in request.POST
    if request.method == "POST" and not finding:
        form = OverdoseResponseForm(request.POST, user=request.user)
        if form.is_valid():
            response = _save(request, form)
            messages.success(request, _("Overdose response saved."))
            suggest_wording(request, form.cleaned_data.get("debrief", ""))
            return redirect("encounters:overdose_detail", response_id=response.pk)
    elif finding:
        form = OverdoseResponseForm(initial=request.POST.dict(), user=request.user)
    else:
        form = OverdoseResponseForm(initial=OverdoseResponseForm.initial_for(request.user), user=request.user)
    search = search_text(request.POST.get("q", "") if finding else "")
    chosen_code = without_control_characters(str(form["who"].value() or ""))
    options = _picker_people(request, query=search.text, chosen_code=chosen_code)
    context = {
        "form": form,
        "query": search.text,
        "search_refused": search.refused,
        "chosen_code": chosen_code,
        "options": options,
        "no_person": NO_PERSON,
    }
    template = "encounters/overdose_new.html#picker" if finding and request.htmx else "encounters/overdose_new.html"
    return render(request, template, context)


def _save(request: AuthenticatedHttpRequest, form: OverdoseResponseForm) -> OverdoseResponse:
    data = form.cleaned_data
    return record_overdose_response(
        actor=request.user,
        response_id=data["id"],
        team=data["team"],
        client=data["who"],
        site=data["site"],
        happened_at=data["happened_at"],
        naloxone_doses=data["naloxone_doses"],
        emergency_services=data["emergency_services"],
        outcome=data["outcome"],
        debrief=data["debrief"],
        naloxone_given_by=tuple(data["naloxone_given_by"]),
        rescue_breathing=data["rescue_breathing"],
        cpr=data["cpr"],
        to_hospital=data["to_hospital"],
        mark_died=data["mark_died"],
    )


def _picker_people(request: AuthenticatedHttpRequest, *, query: str, chosen_code: str) -> list[Client]:
    """Search matches (or the team's most recent people), with the chosen person first."""
    people = Client.objects.visible_to(request.user).current()
    options = list((people.matching(query) if query else people.recent_first())[:PICKER_SIZE])
    if chosen_code and chosen_code != NO_PERSON and chosen_code not in {person.code for person in options}:
        chosen = people.filter(code=normalise_code(chosen_code)).first()
        if chosen is not None:
            options.insert(0, chosen)
    return options


@require_http_methods(["GET"])
@team_member
def overdose_detail(request: AuthenticatedHttpRequest, response_id: uuid.UUID) -> HttpResponse:
    response = get_overdose_response_for_user(request.user, response_id)
    if response.client_id is not None:
        # A response about a named person is part of their record: who opened it is audited.
        record(
            action=AuditEvent.Action.CLIENT_VIEWED, actor=request.user, target=response, client_id=response.client_id
        )
    return render(request, "encounters/overdose_detail.html", {"response": response})


@require_http_methods(["GET"])
@supervisor
def overdose_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The supervised teams' responses: counts per month for a year, and the latest ones.

    The counts are the teams' own work (every response they recorded, a person named or
    not, no person shown); the latest rows are those the user may open (visible_to).
    Both walk overdose_team_when_idx: a year's range, and the newest LATEST rows.
    """
    teams = request.user.supervised_team_ids()
    start = _months_back(timezone.localdate(), MONTHS - 1)
    since = datetime(start.year, start.month, 1, tzinfo=timezone.get_current_timezone())
    per_month = (
        OverdoseResponse.objects.filter(team_id__in=teams, happened_at__gte=since)
        .annotate(month=TruncMonth("happened_at"))
        .values("month")
        .annotate(
            responses=Count("id"),
            doses=Sum("naloxone_doses"),
            called=Count("id", filter=Q(emergency_services=OverdoseResponse.EmergencyServices.CALLED)),
        )
        .order_by()
    )
    latest = (
        OverdoseResponse.objects.visible_to(request.user)
        .filter(team_id__in=teams)
        .select_related("client", "site")
        .order_by("-happened_at", "-id")[:LATEST]
    )
    context = {"months": _fill_months(start, per_month), "latest": list(latest)}
    return render(request, "encounters/overdose_list.html", context)


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _fill_months(start: date, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every month from `start`, newest first, zero where nothing was recorded."""
    found = {timezone.localtime(row["month"]).date().replace(day=1): row for row in rows}
    empty = {"responses": 0, "doses": 0, "called": 0}
    months = [_months_back(start, -offset) for offset in range(MONTHS)]
    return [{**empty, **found.get(month, {}), "month": month} for month in reversed(months)]


urlpatterns = [
    path("overdose/", overdose_list, name="overdose_list"),
    path("overdose/new/", overdose_new, name="overdose_new"),
    path("overdose/<uuid:response_id>/", overdose_detail, name="overdose_detail"),
]
