"""Safety flags ("do not visit alone", an allergy): shown first on the person's page and
beside their name when logging a contact with them."""

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
from clients.access import get_client_for_user, get_flag_of
from clients.forms import FlagForm
from clients.models import Client
from clients.sections import PersonSection
from clients.services.flags import active_flags_of, add_flag, end_flag
from core.wording import suggest_wording


def load_flags(client: Client, user: User) -> dict[str, Any]:
    """The top of the person's page: active flags (one query) and the form to add one."""
    return {"flags": active_flags_of(client), "form": FlagForm()}


section = PersonSection(
    key="flags",
    template="clients/_person_flags.html",
    load=load_flags,
    limited_template="clients/_person_flags_limited.html",
)


@require_http_methods(["POST"])
@team_member
def flag_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    if client.code != code:  # merged: nothing is stored against the old code
        return redirect("clients:detail", code=client.code)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return render(request, "clients/flag_add.html", {"person": client, "form": form})
    add_flag(actor=request.user, client=client, **form.cleaned_data)
    messages.success(request, _("Safety flag added."))
    suggest_wording(request, form.cleaned_data["text"])
    return redirect("clients:detail", code=client.code)


@require_http_methods(["POST"])
@team_member
def flag_end(request: AuthenticatedHttpRequest, code: str, flag_id: int) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("clients:detail", code=client.code)
    flag = get_flag_of(client, flag_id)
    end_flag(actor=request.user, client=client, flag=flag)
    messages.success(request, _("Safety flag ended."))
    return redirect("clients:detail", code=client.code)


urlpatterns: list[URLPattern] = [
    path("<code:code>/flags/add/", flag_add, name="flag_add"),
    path("<code:code>/flags/<int:flag_id>/end/", flag_end, name="flag_end"),
]
