"""Drug-checking results and rights or safety incidents: the team's latest, and the form to
record one (linked to a person only if they want it). The lists name no one: a row shows
"linked to a person" at most, so reading them is not a read of anyone's record."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.types import AuthenticatedHttpRequest

from ..forms import DrugCheckForm, IncidentForm
from ..models import DrugCheck, Incident
from ..services.reports import record_drug_check, record_incident

RECENT = 25


@require_http_methods(["GET", "POST"])
@team_member
def drug_checks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team's latest drug-checking results, and a result to record."""
    form = DrugCheckForm(request.POST or None, user=request.user, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record_drug_check(
            actor=request.user,
            team=data["team"],
            checked_on=data["on"],
            method=data["method"],
            expected=data["expected"],
            strip_result=data["strip_result"],
            found=data["found"],
            plans=data["plans"],
            plans_words=data["plans_words"],
            client=data["person"],
        )
        messages.success(request, _("Drug-checking result saved."))
        return redirect("health:drug_checks")
    checks = DrugCheck.objects.visible_to(request.user).order_by("-checked_on", "-created_at")[:RECENT]
    return render(request, "health/drug_checks.html", {"form": form, "checks": list(checks)})


@require_http_methods(["GET", "POST"])
@team_member
def incidents(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team's latest rights and safety incidents, and one to record."""
    form = IncidentForm(request.POST or None, user=request.user, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record_incident(
            actor=request.user,
            team=data["team"],
            happened_on=data["on"],
            kind=data["kind"],
            area=data["area"],
            involved=data["involved"],
            help_given=data["help_given"],
            may_count=data["may_count"],
            client=data["person"],
        )
        messages.success(request, _("Incident recorded."))
        return redirect("health:incidents")
    found = Incident.objects.visible_to(request.user).order_by("-happened_on", "-created_at")[:RECENT]
    return render(request, "health/incidents.html", {"form": form, "incidents": list(found)})
