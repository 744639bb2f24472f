"""A contact's own page (also the confirmation after saving)."""

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts.decorators import contact_logger
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from encounters.access import get_encounter_for_user
from encounters.models import ReferralUpdate


@require_http_methods(["GET"])
@contact_logger
def encounter_detail(request: AuthenticatedHttpRequest, encounter_id: UUID) -> HttpResponse:
    """The confirmation after saving, and the contact's own page. A distribution volunteer
    opens only the contacts they logged (another's is a 404: its note is not theirs to read;
    encounters/access.py)."""
    encounter = get_encounter_for_user(request.user, encounter_id)
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
