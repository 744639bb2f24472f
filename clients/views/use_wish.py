"""Their words on what they want from their relationship with drugs (clients.UseWish): a
section of the person's page, a page to write or change them, and deleting them. Only
when the organisation turns it on; otherwise the pages are not there (404) and the
section draws nothing."""

from typing import Any

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
from clients.forms import UseWishForm
from clients.models import Client, UseWish
from clients.sections import PersonSection
from clients.services.use_wish import delete_use_wish, set_use_wish, use_wishes_on
from core.errors import NotFound


def load_use_wish(client: Client, user: User) -> dict[str, Any]:
    """One query when the organisation has it on; none otherwise."""
    if not use_wishes_on():
        return {"on": False}
    return {"on": True, "wish": UseWish.objects.filter(client=client).first()}


section = PersonSection(key="use_wish", template="clients/_person_use_wish.html", load=load_use_wish)


def _person(request: AuthenticatedHttpRequest, code: str) -> Client:
    if not use_wishes_on():
        raise NotFound
    return get_client_for_user(request.user, code)


@require_http_methods(["GET", "POST"])
@team_member
def use_wish_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    client = _person(request, code)
    if client.code != code:
        return redirect("clients:use_wish_edit", code=client.code)
    wish = UseWish.objects.filter(client=client).first()
    initial = {"words": wish.words} if wish else None
    form = UseWishForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        set_use_wish(actor=request.user, client=client, words=form.cleaned_data["words"])
        messages.success(request, _("Their words are saved."))
        return redirect("clients:detail", code=client.code)
    return render(request, "clients/use_wish_edit.html", {"person": client, "form": form, "wish": wish})


@require_http_methods(["POST"])
@team_member
def use_wish_delete(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    client = _person(request, code)
    if delete_use_wish(actor=request.user, client=client):
        messages.success(request, _("Their words are deleted."))
    return redirect("clients:detail", code=client.code)


urlpatterns: list[URLPattern] = [
    path("<code:code>/their-words-on-use/", use_wish_edit, name="use_wish_edit"),
    path("<code:code>/their-words-on-use/delete/", use_wish_delete, name="use_wish_delete"),
]
