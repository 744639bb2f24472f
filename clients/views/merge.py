"""Merging two records of the same person, side by side, and undoing it (supervisors).

A supervisor starts from the person who stays (A): types the other record's code (POST,
so nothing but codes ever reaches a URL), compares the two side by side, chooses per detail
which value to keep, and merges. For 30 days A's page offers "Undo merge".
Only supervisors of both people's teams get here; anyone else in scope gets 403 from the
role decorator, and a person or merge outside the supervised teams is a 404.
"""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import recent_auth_required, supervisor
from accounts.models import User
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_client_for_supervisor, get_merge_for_supervisor
from clients.forms import MergeForm, MergeStartForm
from clients.models import Client, Merge
from clients.sections import PersonSection
from clients.services.merge import MergeError, merge_clients, moving_counts, undo_merge


def moving_rows(client: Client) -> list[tuple[str, int]]:
    rows = []
    for (model, _key), count in moving_counts(client):
        if count:
            label = _("records merged into it earlier") if model is Client else model._meta.verbose_name_plural
            rows.append((str(label), count))
    return rows


@require_http_methods(["GET", "POST"])
@supervisor
def merge_start(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Pick the record to merge into this one, by its code."""
    person = get_client_for_supervisor(request.user, code)
    if person.code != code:
        return redirect("clients:merge_start", code=person.code)
    form = MergeStartForm(request.POST if request.method == "POST" else None, person=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        return redirect("clients:merge", code=person.code, other_code=form.cleaned_data["other"].code)
    return render(request, "clients/client_merge_start.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
@supervisor
@recent_auth_required
def client_merge(request: AuthenticatedHttpRequest, code: str, other_code: str) -> HttpResponse:
    """The two records side by side; POST merges the second into the first."""
    survivor = get_client_for_supervisor(request.user, code)
    merged = get_client_for_supervisor(request.user, other_code)
    if survivor.pk == merged.pk:
        messages.error(request, _("A record cannot be merged with itself."))
        return redirect("clients:merge_start", code=survivor.code)
    if (survivor.code, merged.code) != (code, other_code):
        return redirect("clients:merge", code=survivor.code, other_code=merged.code)
    form = MergeForm(request.POST if request.method == "POST" else None, survivor=survivor, merged=merged)
    if request.method == "POST" and form.is_valid():
        try:
            choices = form.cleaned_data
            merge_clients(actor=request.user, survivor=survivor, merged=merged, field_choices=choices)
        except MergeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(merged)s is merged into %(kept)s.") % {"merged": merged.code, "kept": code})
            return redirect("clients:detail", code=survivor.code)
    records = [(survivor, _("stays")), (merged, _("merged into it"))]
    context = {"survivor": survivor, "merged": merged, "records": records, "form": form, "moving": moving_rows(merged)}
    return render(request, "clients/client_merge.html", context)


@require_http_methods(["POST"])
@supervisor
def merge_undo(request: AuthenticatedHttpRequest, merge_id: UUID) -> HttpResponse:
    """Give the merged person their own record back (within 30 days)."""
    merge = get_merge_for_supervisor(request.user, merge_id)
    try:
        merged = undo_merge(actor=request.user, merge=merge)
    except MergeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The merge is undone: %(code)s has its own record again.") % {"code": merged.code})
    return redirect("clients:detail", code=merge.survivor.code)


def load_section(client: Client, user: User) -> dict[str, Any]:
    """For supervisors of the person's team: the start form and the merges still undoable."""
    if client.home_team_id not in user.supervised_team_ids():
        return {"show": False}
    since = timezone.now() - timedelta(days=Merge.UNDO_DAYS)
    merges = (
        Merge.objects.filter(survivor=client, undone_at__isnull=True, merged_at__gte=since)
        .select_related("merged")
        .order_by("-merged_at")
    )
    return {"show": True, "form": MergeStartForm(person=client, user=user), "merges": list(merges)}


section = PersonSection(key="merge", template="clients/_person_merge.html", load=load_section)

urlpatterns: list[URLPattern] = [
    path("<code:code>/merge/", merge_start, name="merge_start"),
    path("<code:code>/merge/<code:other_code>/", client_merge, name="merge"),
    path("merges/<uuid:merge_id>/undo/", merge_undo, name="merge_undo"),
]
