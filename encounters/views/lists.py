"""Lists: a person's whole timeline, the worker's day, and people the team has not seen lately.

Each is a keyset page (core/paging.py): the next page starts after the last row shown,
through an index, so a deep page costs what the first does. "More" links work as plain
links; with htmx they append the next rows in place (the page's `rows` partial).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

import clients.converters  # noqa: F401 (registers the <code:...> converter)
from accounts.decorators import contact_logger, team_member
from accounts.models import User
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_client_for_user
from clients.models import Client
from clients.services.registration import record_client_viewed
from core.paging import Page, Position, page_of, read_cursor
from encounters.forms.lists import NotSeenForm
from encounters.models import Encounter, ServiceProvided
from encounters.sections import CURSOR_SALT, PAGE_SIZE, timeline

TODAY_SIZE = 50
TODAY_SALT = "encounters.today.cursor"
NOT_SEEN_SIZE = 50
NOT_SEEN_SALT = "encounters.not_seen.cursor"


def _template(request: AuthenticatedHttpRequest, name: str) -> str:
    """The next rows only, for htmx's "more" button; the whole page otherwise."""
    return f"{name}#rows" if request.htmx else name


@require_http_methods(["GET"])
@team_member
def encounter_timeline(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """All of a person's contacts, newest first, with services and referrals made at each."""
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("encounters:timeline", code=client.code)
    before = read_cursor(request.GET.get("before", ""), salt=CURSOR_SALT, scope=client.code)
    page = timeline(client, request.user, size=PAGE_SIZE, before=before, referrals=True)
    record_client_viewed(actor=request.user, client=client)
    context = {"person": client, "page": page, "encounters": page.rows}
    return render(request, _template(request, "encounters/encounter_timeline.html"), context)


@dataclass(frozen=True)
class ServiceTotal:
    label: str
    counts_quantity: bool
    given: int
    contacts: int


def day_bounds(day: Any) -> tuple[datetime, datetime]:
    """Midnight to midnight in the programme's time zone (ALONGSIDE_TIME_ZONE)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def service_totals(contacts: QuerySet[Encounter]) -> list[ServiceTotal]:
    """What was given at these contacts, per service (one query)."""
    rows = (
        ServiceProvided.objects.filter(encounter__in=contacts.values("pk"))
        .values("service_type__name", "service_type__counts_quantity", "service_type__order")
        .annotate(given=Sum("quantity"), contacts=Count("encounter_id"))
        .order_by("service_type__order", "service_type__name")
    )
    return [
        ServiceTotal(
            gettext(row["service_type__name"]), row["service_type__counts_quantity"], row["given"], row["contacts"]
        )
        for row in rows
    ]


@require_http_methods(["GET"])
@contact_logger
def encounter_today(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The worker's own contacts today, newest first, and what they gave today."""
    user, day = request.user, timezone.localdate()
    start, end = day_bounds(day)
    contacts = Encounter.objects.visible_to(user).filter(worker=user, happened_at__gte=start, happened_at__lt=end)
    scope = f"{user.pk}:{day.isoformat()}"
    before = read_cursor(request.GET.get("before", ""), salt=TODAY_SALT, scope=scope)
    rows = contacts.for_timeline().select_related("client")
    if before is not None:
        rows = rows.older_than(before.at, before.pk)
    page = page_of(
        list(rows[: TODAY_SIZE + 1]),
        size=TODAY_SIZE,
        salt=TODAY_SALT,
        scope=scope,
        at="happened_at",
        first=before is None,
    )
    context: dict[str, Any] = {"page": page, "day": day}
    if not request.htmx:
        context["totals"] = contacts.aggregate(contacts=Count("id"), people=Coalesce(Sum("head_count"), 0))
        context["services"] = service_totals(contacts)
    return render(request, _template(request, "encounters/encounter_today.html"), context)


def not_seen_in_team(user: User, team_id: Any, *, cutoff: datetime, before: Position | None) -> QuerySet[Client]:
    """Active people of one of the user's teams whose last contact (or registration, if never
    seen) is before `cutoff`, longest first: the order of client_team_not_seen_idx."""
    people = (
        Client.objects.visible_to(user)
        .filter(home_team_id=team_id)
        .current()
        .active()
        .annotate(seen_at=Coalesce("last_seen_at", "created_at"))
        .filter(seen_at__lt=cutoff)
        .only("id", "code", "preferred_name", "last_seen_at", "created_at", "home_team_id")
    )
    if before is not None:
        people = people.filter(seen_at__gte=before.at).exclude(seen_at=before.at, id__lte=before.pk)
    return people.order_by("seen_at", "id")


def not_seen(user: User, *, days: int, size: int, before: Position | None) -> Page[Client]:
    """People of the user's teams not seen in `days` days, longest first (one query).

    Each team is its own branch of a UNION ALL, each walking client_team_not_seen_idx in
    order and stopping after a page: with an IN list of teams PostgreSQL would read and sort
    everyone not seen in all of them.
    """
    cutoff = timezone.now() - timedelta(days=days)
    branches = [
        not_seen_in_team(user, team_id, cutoff=cutoff, before=before)[: size + 1] for team_id in sorted(user.team_ids)
    ]
    if not branches:
        return Page([], "", before is None)
    people, *others = branches
    if others:
        people = people.union(*others, all=True).order_by(F("seen_at").asc(), "id")[: size + 1]
    rows = list(people)
    scope = f"{user.pk}:{days}"
    return page_of(rows, size=size, salt=NOT_SEEN_SALT, scope=scope, at="seen_at", first=before is None)


@require_http_methods(["GET"])
@team_member
def people_not_seen(request: AuthenticatedHttpRequest) -> HttpResponse:
    """People of the user's teams not seen for N days (ALONGSIDE_NOT_SEEN_DAYS unless chosen)."""
    default = settings.ALONGSIDE_NOT_SEEN_DAYS
    form = NotSeenForm(request.GET if "days" in request.GET else None, initial={"days": default})
    days = form.cleaned_data["days"] if form.is_bound and form.is_valid() else default
    before = read_cursor(request.GET.get("before", ""), salt=NOT_SEEN_SALT, scope=f"{request.user.pk}:{days}")
    page = not_seen(request.user, days=days, size=NOT_SEEN_SIZE, before=before)
    context = {"form": form, "days": days, "page": page}
    return render(request, _template(request, "encounters/people_not_seen.html"), context)


urlpatterns: list[URLPattern] = [
    path("person/<code:code>/", encounter_timeline, name="timeline"),
    path("today/", encounter_today, name="today"),
    path("not-seen/", people_not_seen, name="not_seen"),
]
