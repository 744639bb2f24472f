"""A contact's own page (also the confirmation after saving)."""

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts.decorators import contact_logger
from accounts.roles import is_limited
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from encounters.models import Encounter, ReferralUpdate


@require_http_methods(["GET"])
@contact_logger
def encounter_detail(request: AuthenticatedHttpRequest, encounter_id: UUID) -> HttpResponse:
    """The confirmation after saving, and the contact's own page. A distribution volunteer
    opens only the contacts they logged (another's is a 404: its note is not theirs to read)."""
    queryset = Encounter.objects.visible_to(request.user).for_timeline().select_related("client", "team")
    if is_limited(request.user):
        queryset = queryset.filter(worker=request.user)
    # Its overdose response, if any, comes in the same query (one-to-one).
    queryset = queryset.select_related("overdose_response__site")
    encounter = get_object_or_404(queryset, pk=encounter_id)
    record(
        action=AuditEvent.Action.ENCOUNTER_VIEWED, actor=request.user, target=encounter, client_id=encounter.client_id
    )
    # Referrals made or updated at this contact (one query).
    referral_updates = list(ReferralUpdate.objects.visible_to(request.user).at_contact(encounter))
    # None when there is none (a missing one-to-one raises; a template must not guess).
    overdose = getattr(encounter, "overdose_response", None)
    context = {"encounter": encounter, "referral_updates": referral_updates, "overdose": overdose}
    return render(request, "encounters/encounter_detail.html", context)


urlpatterns = [path("<uuid:encounter_id>/", encounter_detail, name="detail")]
