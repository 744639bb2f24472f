"""A person's record: find, register, open.

Search goes by POST so that a name typed into the box never lands in a URL (and so in an
access log or the browser history).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import contact_logger
from accounts.roles import is_limited
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_client_for_user
from clients.forms import AliasOnlyRegistrationForm, ClientRegistrationForm, SearchForm
from clients.models import Client
from clients.sections import sections_for
from clients.services.duplicates import likely_duplicates
from clients.services.registration import record_client_viewed, register_client

LIST_SIZE = 25


@require_http_methods(["GET", "POST"])
@contact_logger
def client_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Recent people first; a search (POST) narrows to matches by code or name."""
    form = SearchForm(request.POST if request.method == "POST" else None)
    people = Client.objects.visible_to(request.user).current().for_list().recent_first()
    searching = form.is_bound and form.is_valid() and bool(form.cleaned_data["q"].strip())
    if searching:
        people = people.matching(form.cleaned_data["q"])
    context = {"form": form, "people": list(people[:LIST_SIZE]), "searching": searching}
    context["limited"] = is_limited(request.user)  # a distribution volunteer: codes and aliases only
    template = "clients/client_list.html#rows" if request.htmx else "clients/client_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@contact_logger
def client_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Likely duplicates in scope are shown before saving; "Register anyway" saves regardless.

    A distribution volunteer registers a person with a code and an alias only, and is shown
    no likely duplicates (their details are not the volunteer's to see).
    """
    limited = is_limited(request.user)
    form_class = AliasOnlyRegistrationForm if limited else ClientRegistrationForm
    form = form_class(request.POST if request.method == "POST" else None, user=request.user)
    duplicates: list[tuple[Client, float]] = []
    if request.method == "POST" and form.is_valid():
        details = {name: value for name, value in form.cleaned_data.items() if name != "agrees_to_record"}
        if "register_anyway" not in request.POST and not limited:
            duplicates = likely_duplicates(
                request.user,
                name=details["preferred_name"],
                year_of_birth=details["year_of_birth"],
                gender=details["gender"],
            )
        if not duplicates:
            client = register_client(actor=request.user, **details)
            messages.success(request, _("Person registered. Their code is %(code)s.") % {"code": client.code})
            return redirect("clients:detail", code=client.code)
    return render(request, "clients/client_register.html", {"form": form, "duplicates": duplicates})


@require_http_methods(["GET"])
@contact_logger
def client_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A person's page; a distribution volunteer's version shows the code, the aliases, the
    safety flags and the contacts they logged themselves (clients/sections.py), nothing more."""
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("clients:detail", code=client.code)
    record_client_viewed(actor=request.user, client=client)
    context = {"person": client, "sections": sections_for(client, request.user)}
    if is_limited(request.user):
        context["aliases"] = [alias.name for alias in client.aliases.all()]
        return render(request, "clients/client_detail_limited.html", context)
    return render(request, "clients/client_detail.html", context)
