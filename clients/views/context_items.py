"""Context the person chooses to share (income, benefits, housing support): a small closed
section at the foot of the person's page that loads its items only when the worker opens it,
their page with the form to note one, and removing one when the person asks.

The person's page reads nothing of it (its query count does not change): the items are read,
and that read audited, only when the section is opened or this page is visited. A
distribution volunteer never sees it (the section has no limited template; the pages are
`team_member` only).
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.models import User
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_client_for_user
from clients.forms import ContextItemForm
from clients.models import Client
from clients.sections import PersonSection
from clients.services.context_items import note_context, read_context, remove_context


def load_context(client: Client, user: User) -> dict[str, Any]:
    """Nothing is read here (no query): the section loads its items when it is opened."""
    return {}


section = PersonSection(key="context", template="clients/_person_context.html", load=load_context)


@require_http_methods(["GET", "POST"])
@team_member
def client_context(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The items and the form to note one; for htmx (the section opened), the items only."""
    client = get_client_for_user(request.user, code)
    if client.code != code:  # merged: the record they joined
        return redirect("clients:context", code=client.code)
    form = ContextItemForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        note_context(
            actor=request.user,
            client=client,
            situation=form.cleaned_data["situation"],
            words=form.cleaned_data["words"],
            noted_on=form.cleaned_data["noted_on"],
        )
        messages.success(request, _("Noted."))
        return redirect("clients:context", code=client.code)
    context = {"person": client, "items": read_context(actor=request.user, client=client), "form": form}
    template = "clients/client_context.html#items" if request.htmx else "clients/client_context.html"
    return render(request, template, context)


@require_http_methods(["POST"])
@team_member
def context_remove(request: AuthenticatedHttpRequest, code: str, item_id: UUID) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("clients:context", code=client.code)
    remove_context(actor=request.user, client=client, item_id=item_id)
    messages.success(request, _("Removed, as they asked."))
    return redirect("clients:context", code=client.code)


urlpatterns: list[URLPattern] = [
    path("<code:code>/context/", client_context, name="context"),
    path("<code:code>/context/<uuid:item_id>/remove/", context_remove, name="context_remove"),
]
