"""Consent: the current state per kind on the person's page, recording a decision, and
the supervisors' list of consents due for renewal."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import supervisor, team_member
from accounts.models import User
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_client_for_user
from clients.forms import ConsentRecordForm
from clients.models import Client, Consent, ConsentKind
from clients.sections import PersonSection
from clients.services.consent import (
    SOON_DAYS,
    consent_history,
    consent_states,
    expiring_consents,
    record_consent,
)

EXPIRING_LIMIT = 500
REFUSED = {Consent.Decision.DECLINED, Consent.Decision.WITHDRAWN}


def active_kinds() -> list[ConsentKind]:
    return list(ConsentKind.objects.filter(is_active=True))


def load_consent(client: Client, user: User) -> dict[str, Any]:
    """The person's page section: two queries (kinds in use, the person's decisions)."""
    kinds = active_kinds()
    history = consent_history(client)
    states = consent_states(kinds, history)
    record_keeping = next((state for state in states if state.kind.slug == ConsentKind.RECORD_KEEPING), None)
    return {
        "states": states,
        "history": history,
        "refuses_record": record_keeping is not None and record_keeping.status in REFUSED,
        "form": ConsentRecordForm(kinds=kinds),
        "soon_days": SOON_DAYS,
    }


section = PersonSection(key="consent", template="clients/_person_consent.html", load=load_consent)


@require_http_methods(["POST"])
@team_member
def consent_record(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    if client.code != code:  # merged: nothing is stored against the old code
        return redirect("clients:detail", code=client.code)
    form = ConsentRecordForm(request.POST, kinds=active_kinds())
    if not form.is_valid():
        return render(request, "clients/consent_record.html", {"person": client, "form": form})
    consent = record_consent(actor=request.user, client=client, **form.cleaned_data)
    if consent.kind.slug == ConsentKind.RECORD_KEEPING and consent.decision in REFUSED:
        messages.warning(request, _("Recorded. Stop recording identifying details; anonymous contacts still work."))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("clients:detail", code=client.code)


@require_http_methods(["GET"])
@supervisor
def consents_expiring(request: AuthenticatedHttpRequest) -> HttpResponse:
    """People in the teams the user supervises whose consent is due for renewal within
    30 days or already past, soonest first."""
    team_ids = request.user.supervised_team_ids()
    consents = expiring_consents(team_ids=team_ids, limit=EXPIRING_LIMIT)
    context = {
        "consents": consents,
        "today": timezone.localdate(),
        "limit": EXPIRING_LIMIT,
        "several_teams": len(team_ids) > 1,
        "soon_days": SOON_DAYS,
    }
    return render(request, "clients/consents_expiring.html", context)


urlpatterns: list[URLPattern] = [
    path("consents/expiring/", consents_expiring, name="consents_expiring"),
    path("<code:code>/consents/record/", consent_record, name="consent_record"),
]
