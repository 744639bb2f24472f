"""Supervisors' tools on a person's record: who viewed it, erasing identifying data, moving
the person to another team.

All of them are for supervisors of the person's own team: a supervisor of another team
gets 404 (like anyone outside the scope), a worker 403 (the rule is about the page).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_stubs_ext import StrOrPromise

from accounts.decorators import recent_auth_required, supervisor
from accounts.models import User
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from clients.access import get_client_for_supervisor
from clients.forms import EraseForm, TransferForm
from clients.models import Client
from clients.sections import PersonSection
from clients.services.erasure import erase_client
from clients.services.registration import record_client_viewed
from clients.services.transfer import transfer_client
from core.paging import Position, page_of, read_cursor

ON_PERSON_PAGE = 20
PAGE_SIZE = 50
REPORT_ROWS = 25
CURSOR_SALT = "clients.viewers.cursor"

# What the printed report says each action was, in words addressed to the person.
FOR_THE_PERSON: dict[str, StrOrPromise] = {
    AuditEvent.Action.CLIENT_VIEWED: _("Opened your record"),
    AuditEvent.Action.CLIENT_CREATED: _("Started your record"),
    AuditEvent.Action.CLIENT_CHANGED: _("Changed your details"),
    AuditEvent.Action.CONSENT_RECORDED: _("Noted what you agreed to"),
    AuditEvent.Action.FLAG_CHANGED: _("Changed a safety note"),
    AuditEvent.Action.ENCOUNTER_VIEWED: _("Opened a note of a contact with you"),
    AuditEvent.Action.ENCOUNTER_CREATED: _("Noted a contact with you"),
    AuditEvent.Action.ENCOUNTER_CHANGED: _("Corrected the note of a contact with you"),
    AuditEvent.Action.CLIENTS_MERGED: _("Joined two records about you into one"),
    AuditEvent.Action.MERGE_UNDONE: _("Separated two records that had been joined"),
    AuditEvent.Action.DUPLICATE_DISMISSED: _("Noted that another record is not about you"),
    AuditEvent.Action.CLIENT_TRANSFERRED: _("Moved your record to another team"),
    AuditEvent.Action.CLIENT_ERASED: _("Erased the details that could identify you"),
    AuditEvent.Action.VIEWERS_PRINTED: _("Printed this list for you"),
    AuditEvent.Action.SUMMARY_MADE: _("Made a summary of your record for you"),
    AuditEvent.Action.CONTEXT_VIEWED: _("Opened what you chose to share about your situation"),
    AuditEvent.Action.CONTEXT_RECORDED: _("Noted something you chose to share about your situation"),
    AuditEvent.Action.CONTEXT_REMOVED: _("Removed something you asked to be removed"),
}


@dataclass(frozen=True)
class Viewer:
    """One line of "who opened or changed the record": a staff member (or the system)."""

    name: str
    username: str

    @classmethod
    def of(cls, actor_id: int | None, users: dict[int, User]) -> "Viewer":
        if actor_id is None:
            return cls(str(_("The system (automatic)")), "")
        user = users.get(actor_id)
        if user is None:
            return cls(str(_("A former member of staff")), "")
        return cls(user.get_full_name() or user.username, user.username)


@dataclass(frozen=True)
class ViewerEvent:
    pk: int
    at: datetime
    action: str
    viewer: Viewer


def trail_of(client: Client) -> QuerySet[AuditEvent]:
    """The person's audit trail, with that of records merged into them (their history too).

    The merged records' ids come from a subquery in the same SELECT: no extra query.
    """
    merged = Client.objects.filter(merged_into=client).values("pk")
    return AuditEvent.objects.filter(Q(client_id=client.pk) | Q(client_id__in=merged))


def users_by_id(actor_ids: set[int | None]) -> dict[int, User]:
    """Audit events keep actors as plain ids (no foreign key): the users in one query."""
    ids = {actor_id for actor_id in actor_ids if actor_id is not None}
    return User.objects.only("id", "username", "first_name", "last_name").in_bulk(ids)


def viewer_events(client: Client, *, limit: int, before: Position | None = None) -> list[ViewerEvent]:
    """The person's audit trail, newest first, keyset-paged on (at, id): two queries."""
    events = trail_of(client).order_by("-at", "-id")
    if before is not None:
        events = events.filter(Q(at__lt=before.at) | Q(at=before.at, id__lt=before.pk))
    rows = list(events.only("id", "at", "actor_id", "action")[:limit])
    users = users_by_id({event.actor_id for event in rows})
    return [
        ViewerEvent(event.pk, event.at, event.get_action_display(), Viewer.of(event.actor_id, users)) for event in rows
    ]


def load_records(client: Client, user: User) -> dict[str, Any]:
    """Supervisors of the person's team: the latest events (two queries). Others: nothing."""
    if client.home_team_id not in user.supervised_team_ids():
        return {"supervises": False}
    return {"supervises": True, "events": viewer_events(client, limit=ON_PERSON_PAGE)}


section = PersonSection(key="records", template="clients/_person_records.html", load=load_records)


@require_http_methods(["GET"])
@supervisor
def client_viewers(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Everyone who opened or changed the record, newest first, a page at a time."""
    client = get_client_for_supervisor(request.user, code)
    if client.code != code:
        return redirect("clients:viewers", code=client.code)
    # A signed "older than this" cursor bound to the person (core/paging.py): it cannot be
    # forged or replayed on another person's trail, and the URL carries no readable id or time.
    before = read_cursor(request.GET.get("before", ""), salt=CURSOR_SALT, scope=client.code)
    page = page_of(
        viewer_events(client, limit=PAGE_SIZE + 1, before=before),
        size=PAGE_SIZE,
        salt=CURSOR_SALT,
        scope=client.code,
        at="at",
        first=before is None,
    )
    record_client_viewed(actor=request.user, client=client)
    context = {"person": client, "events": page.rows, "older": page.next_cursor, "paged": not page.is_first}
    return render(request, "clients/client_viewers.html", context)


@dataclass(frozen=True)
class ReportLine:
    viewer: Viewer
    action: str
    times: int
    first_at: datetime
    last_at: datetime


@require_http_methods(["GET"])
@supervisor
def client_viewers_print(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A one-page report for the person: who did what with their record, and when.

    One line per member of staff and action (how many times, first and last time), most
    recent first, so a long history still fits a page. Nothing about anyone else, no ids.
    """
    client = get_client_for_supervisor(request.user, code)
    if client.code != code:
        return redirect("clients:viewers_print", code=client.code)
    groups = list(
        trail_of(client)
        .values("actor_id", "action")
        .annotate(times=Count("id"), first_at=Min("at"), last_at=Max("at"))
        .order_by("-last_at", "action")[: REPORT_ROWS + 1]
    )
    users = users_by_id({group["actor_id"] for group in groups})
    lines = [
        ReportLine(
            viewer=Viewer.of(group["actor_id"], users),
            action=str(FOR_THE_PERSON.get(group["action"], group["action"])),
            times=group["times"],
            first_at=group["first_at"],
            last_at=group["last_at"],
        )
        for group in groups[:REPORT_ROWS]
    ]
    record(action=AuditEvent.Action.VIEWERS_PRINTED, actor=request.user, target=client, client_id=client.pk)
    context = {"person": client, "lines": lines, "more": len(groups) > REPORT_ROWS, "today": timezone.localdate()}
    return render(request, "clients/client_viewers_print.html", context)


@require_http_methods(["GET", "POST"])
@supervisor
@recent_auth_required
def client_erase(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    client = get_client_for_supervisor(request.user, code)
    if client.code != code:
        return redirect("clients:erase", code=client.code)
    form = EraseForm(request.POST if request.method == "POST" else None, client=client)
    if request.method == "POST" and form.is_valid():
        erase_client(actor=request.user, client=client)
        messages.success(request, _("Identifying data erased. Contacts and check-ins stay, without a name."))
        return redirect("clients:detail", code=client.code)
    counts = client_counts(client)
    return render(request, "clients/client_erase.html", {"person": client, "form": form, **counts})


def client_counts(client: Client) -> dict[str, int]:
    """How many other names and safety flags the person has (one query)."""
    counted = Client.objects.filter(pk=client.pk).aggregate(
        aliases=Count("aliases", distinct=True), flags=Count("flags", distinct=True)
    )
    return {"alias_count": counted["aliases"], "flag_count": counted["flags"]}


@require_http_methods(["GET", "POST"])
@supervisor
@recent_auth_required
def client_transfer(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Any team of the organisation may receive the person (why: clients/services/transfer.py)."""
    client = get_client_for_supervisor(request.user, code)
    if client.code != code:
        return redirect("clients:transfer", code=client.code)
    form = TransferForm(request.POST if request.method == "POST" else None, client=client)
    if request.method == "POST" and form.is_valid():
        team = form.cleaned_data["team"]
        transfer_client(actor=request.user, client=client, to_team=team)
        messages.success(request, _("%(code)s is now with %(team)s.") % {"code": client.code, "team": team.name})
        if team.pk in request.user.team_ids:
            return redirect("clients:detail", code=client.code)
        return redirect(reverse("clients:list"))
    return render(request, "clients/client_transfer.html", {"person": client, "form": form})


urlpatterns: list[URLPattern] = [
    path("<code:code>/viewers/", client_viewers, name="viewers"),
    path("<code:code>/viewers/print/", client_viewers_print, name="viewers_print"),
    path("<code:code>/erase/", client_erase, name="erase"),
    path("<code:code>/transfer/", client_transfer, name="transfer"),
]
