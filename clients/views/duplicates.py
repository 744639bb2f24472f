"""Likely duplicate records: the supervisors' list of pairs, and "not the same person".

(Registering warns about likely duplicates too: clients/views/people.py, with the same
service, clients/services/duplicates.py.)
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import supervisor
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_client_for_supervisor
from clients.services.duplicates import PAIRS_SHOWN, dismiss_duplicate, duplicate_pairs
from core.errors import NotFound


@require_http_methods(["GET"])
@supervisor
def duplicate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pairs in the teams the user supervises, most alike first (at most PAIRS_SHOWN)."""
    context = {
        "pairs": duplicate_pairs(request.user),
        "limit": PAIRS_SHOWN,
        "several_teams": len(request.user.supervised_team_ids()) > 1,
    }
    return render(request, "clients/duplicate_list.html", context)


@require_http_methods(["POST"])
@supervisor
def duplicate_dismiss(request: AuthenticatedHttpRequest, code: str, other_code: str) -> HttpResponse:
    """Two records are different people: never suggest the pair again (audited)."""
    first = get_client_for_supervisor(request.user, code, current_code=True)
    second = get_client_for_supervisor(request.user, other_code, current_code=True)
    if first.pk == second.pk:
        raise NotFound
    dismiss_duplicate(actor=request.user, first=first, second=second)
    messages.success(request, _("Marked as different people. This pair will not be suggested again."))
    return redirect("clients:duplicate_list")


urlpatterns: list[URLPattern] = [
    path("duplicates/", duplicate_list, name="duplicate_list"),
    path("duplicates/<code:code>/<code:other_code>/dismiss/", duplicate_dismiss, name="duplicate_dismiss"),
]
