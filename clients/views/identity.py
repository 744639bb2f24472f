"""Identity: the other names a person uses, pronouns, languages, how to reach them.

All of it optional and identifying. Changes are audited by field name, never by value.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.models import User
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_alias_of, get_client_for_user
from clients.forms import AliasForm, IdentityForm
from clients.models import Client
from clients.sections import PersonSection
from clients.services.consent import refuses_record
from clients.services.identity import IDENTITY_FIELDS, add_alias, remove_alias, update_identity
from clients.services.registration import record_client_viewed
from core.versioning import EditConflict, conflict_rows


def load_identity(client: Client, user: User) -> dict[str, Any]:
    """The person's page section: one query (the aliases)."""
    reachable = client.contact_preference not in {"", Client.ContactPreference.NO_CONTACT}
    has_method = reachable or bool(client.contact_details)
    return {
        "aliases": list(client.aliases.all()),
        "leave_no_message": has_method and not client.may_leave_message,
        "may_leave_message": has_method and client.may_leave_message,
    }


section = PersonSection(key="identity", template="clients/_person_identity.html", load=load_identity)


def _edit_page(
    request: AuthenticatedHttpRequest,
    client: Client,
    *,
    heading: str = "",
    form: IdentityForm | None = None,
    alias_form: AliasForm | None = None,
) -> HttpResponse:
    aliases = list(client.aliases.all())
    context = {
        "person": client,
        "heading": heading or client.display_name,
        "form": form or IdentityForm(instance=client),
        "alias_form": alias_form or AliasForm(known_names=[]),
        "aliases": aliases,
        "refuses_record": refuses_record(client),
    }
    return render(request, "clients/client_edit.html", context)


@require_http_methods(["GET", "POST"])
@team_member
def client_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    if client.code != code:  # merged: edit the record it was merged into, from a fresh page
        return redirect("clients:edit", code=client.code)
    if request.method == "GET":
        record_client_viewed(actor=request.user, client=client)
        return _edit_page(request, client)
    heading = client.display_name  # before the form copies typed values onto the instance
    form = IdentityForm(request.POST, instance=client)
    if not form.is_valid():
        return _edit_page(request, client, heading=heading, form=form)
    version = form.cleaned_data["version"]
    try:
        changed = update_identity(actor=request.user, client=client, version=version, changes=form.cleaned_data)
    except EditConflict:
        return _conflict(request, code, form)
    # Nothing to change on a newer version: a repeated submission of a saved edit.
    saved = changed or version != client.version
    messages.success(request, _("Saved.") if saved else _("Nothing changed."))
    return redirect("clients:detail", code=client.code)


def _conflict(request: AuthenticatedHttpRequest, code: str, typed: IdentityForm) -> HttpResponse:
    """Both versions side by side, and the form again with what they typed on top of the
    saved version: saving it replaces the other person's edit knowingly."""
    current = get_client_for_user(request.user, code)
    saved = {name: getattr(current, name) for name in IDENTITY_FIELDS}
    heading = current.display_name  # before the form below copies typed values onto it
    differs = {name for name in IDENTITY_FIELDS if typed.cleaned_data[name] != saved[name]}
    if not differs:  # the newer save is this same edit (a double tap racing itself)
        messages.success(request, _("Saved."))
        return redirect("clients:detail", code=current.code)
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = IdentityForm(data, instance=current)
    labels = [(name, typed.fields[name].label) for name in IDENTITY_FIELDS]
    rows = conflict_rows(labels, yours=typed.cleaned_data, saved=saved, differs=differs, shown=shown)
    record_client_viewed(actor=request.user, client=current)
    context = {"person": current, "heading": heading, "form": form, "rows": rows}
    return render(request, "clients/client_conflict.html", context, status=409)


def shown(values: dict[str, Any], name: str) -> Any:
    """One detail as a person reads it."""
    value = values[name]
    if name == "gender":
        return Client.Gender(value).label if value else ""
    if name == "contact_preference":
        return Client.ContactPreference(value).label
    if name == "may_leave_message":
        return _("A message may be left.") if value else _("Leave no message.")
    return "" if value is None else value


@require_http_methods(["POST"])
@team_member
def alias_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("clients:edit", code=client.code)
    known = [client.preferred_name, *client.aliases.values_list("name", flat=True)]
    form = AliasForm(request.POST, known_names=known)
    if not form.is_valid():
        return _edit_page(request, client, alias_form=form)
    add_alias(actor=request.user, client=client, name=form.cleaned_data["name"])
    messages.success(request, _("Name added."))
    return redirect("clients:edit", code=client.code)


@require_http_methods(["POST"])
@team_member
def alias_remove(request: AuthenticatedHttpRequest, code: str, alias_id: int) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("clients:edit", code=client.code)
    alias = get_alias_of(client, alias_id)
    remove_alias(actor=request.user, client=client, alias=alias)
    messages.success(request, _("Name removed."))
    return redirect("clients:edit", code=client.code)


urlpatterns: list[URLPattern] = [
    path("<code:code>/edit/", client_edit, name="edit"),
    path("<code:code>/aliases/add/", alias_add, name="alias_add"),
    path("<code:code>/aliases/<int:alias_id>/remove/", alias_remove, name="alias_remove"),
]
