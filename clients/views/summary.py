"""The summary a person can take (issue 21): they choose what is on it and its language;
the discreet version, without the programme's name, is the default.

GET without `show`: the choices. GET with them: the one-page summary, printable (print.css)
or shown on the worker's phone. Team members only; another team's person is a 404.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.models import Membership, User
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_client_for_user
from clients.forms import SummaryForm
from clients.models import Client, ConsentKind
from clients.services.consent import consent_history, consent_states
from clients.services.summary import make_summary
from clients.summary import SummaryPart
from clients.views.records import trail_of


def programme_label(team_name: str) -> str:
    organisation = settings.ALONGSIDE_ORGANISATION_NAME
    return f"{organisation} · {team_name}" if organisation else team_name


@dataclass(frozen=True)
class ViewerGroup:
    """Who looked at or changed the record, by role and team: never a name."""

    role: str
    team: str  # the team's name; the discreet summary says "your team" / "another team"
    is_home_team: bool
    times: int
    first_at: datetime
    last_at: datetime


SYSTEM, FORMER = "system", "former"


def _role_of(actor_id: int | None, client: Client, memberships: dict[int, list[Membership]]) -> tuple[str, str, bool]:
    """(role, team name, is the person's team) of one actor now."""
    if actor_id is None:
        return SYSTEM, "", True
    theirs = memberships.get(actor_id, [])
    home = [membership for membership in theirs if membership.team_id == client.home_team_id]
    if not (home or theirs):
        return FORMER, "", False
    chosen = (home or theirs)[0]
    return chosen.role, chosen.team.name, chosen.team_id == client.home_team_id


def load_viewers(client: Client, user: User) -> dict[str, Any]:
    """Every opening or change of the record, grouped by role and team (two queries)."""
    by_actor = list(
        trail_of(client).values("actor_id").annotate(times=Count("id"), first_at=Min("at"), last_at=Max("at"))
    )
    memberships: dict[int, list[Membership]] = {}
    actor_ids = {row["actor_id"] for row in by_actor if row["actor_id"] is not None}
    for membership in Membership.objects.filter(user_id__in=actor_ids).select_related("team").order_by("pk"):
        memberships.setdefault(membership.user_id, []).append(membership)
    groups: dict[tuple[str, str, bool], ViewerGroup] = {}
    for row in by_actor:
        key = _role_of(row["actor_id"], client, memberships)
        seen = groups.get(key)
        groups[key] = ViewerGroup(
            *key,
            times=row["times"] + (seen.times if seen else 0),
            first_at=min(row["first_at"], seen.first_at) if seen else row["first_at"],
            last_at=max(row["last_at"], seen.last_at) if seen else row["last_at"],
        )
    return {"groups": sorted(groups.values(), key=lambda group: group.last_at, reverse=True)}


def load_consent(client: Client, user: User) -> dict[str, Any]:
    """The person's current decision for each kind of consent in use (two queries)."""
    return {"states": consent_states(list(ConsentKind.objects.filter(is_active=True)), consent_history(client))}


PARTS = [
    SummaryPart(
        key="consent",
        label=_("What you agreed to"),
        template="clients/_summary_consent.html",
        load=load_consent,
    ),
    SummaryPart(
        key="viewers",
        label=_("Who has looked at your record (by role and team, never a name)"),
        template="clients/_summary_viewers.html",
        load=load_viewers,
    ),
]


@require_http_methods(["GET"])
@team_member
def client_summary(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("clients:summary", code=client.code)
    form = SummaryForm(request.GET if "show" in request.GET else None)
    if not form.is_valid():
        return render(request, "clients/client_summary.html", {"person": client, "form": form})
    data = form.cleaned_data
    # In the person's language throughout: the parts' words (answers, dates) and the page.
    with translation.override(data["language"]):
        summary = make_summary(
            actor=request.user,
            client=client,
            parts=data["parts"],
            language=data["language"],
            programme_name=data["programme_name"],
        )
        context = {
            "person": client,
            "summary": summary,
            "discreet": not summary.programme_name,
            "programme": programme_label(client.home_team.name) if summary.programme_name else "",
            "today": timezone.localdate(),
        }
        return render(request, "clients/client_summary_page.html", context)


urlpatterns: list[URLPattern] = [
    path("<code:code>/summary/", client_summary, name="summary"),
]
