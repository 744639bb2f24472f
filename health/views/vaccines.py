"""A team's own vaccines, kept by its supervisors: add, rename (or change the course or note),
retire, bring back.

The built-in vaccines (hepatitis A and B, tetanus, flu, COVID-19) are the same for every team;
these are the others a team offers, named in the team's words and shown as typed in every
language. Only the team's supervisors change them (workers and volunteers record doses at a
contact and cannot change the list; another team's vaccine or team is a 404; data admins are
refused: the names are the team's). A vaccine is never deleted: retired, it is no longer
offered on Log a contact, and every dose given keeps showing it.
"""

from uuid import UUID

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import supervisor
from accounts.models import Team
from accounts.types import AuthenticatedHttpRequest
from core.errors import Invalid

from ..access import get_team_for_vaccines, get_team_vaccine_for_keeper
from ..prevention import TeamVaccine
from ..prevention_forms import TeamVaccineForm
from ..services import prevention as services

FORM = "health/team_vaccine_form.html"


@require_http_methods(["GET"])
@supervisor
def team_vaccine_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each team the user supervises with its own vaccines, in use first (two queries)."""
    team_ids = request.user.supervised_team_ids()
    vaccines = list(
        TeamVaccine.objects.of_teams(team_ids).annotate(given=Count("doses_given")).order_by("-is_active", "name", "pk")
    )
    teams = [
        (team, [vaccine for vaccine in vaccines if vaccine.team_id == team.pk])
        for team in Team.objects.filter(pk__in=team_ids).order_by("name", "pk")
    ]
    return render(request, "health/team_vaccine_list.html", {"teams": teams})


@require_http_methods(["GET", "POST"])
@supervisor
def team_vaccine_new(request: AuthenticatedHttpRequest, team_id: UUID) -> HttpResponse:
    team = get_team_for_vaccines(request.user, team_id)
    form = TeamVaccineForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.add_team_vaccine(actor=request.user, team=team, **form.cleaned_data)
        except Invalid as refusal:
            form.add_error("name", refusal.message)
        else:
            messages.success(request, _("Vaccine added."))
            return redirect("health:team_vaccine_list")
    return render(request, FORM, {"form": form, "team": team, "vaccine": None})


@require_http_methods(["GET", "POST"])
@supervisor
def team_vaccine_edit(request: AuthenticatedHttpRequest, team_vaccine_id: UUID) -> HttpResponse:
    """Rename it, or change its course or note: doses already given show the new name."""
    vaccine = get_team_vaccine_for_keeper(request.user, team_vaccine_id)
    initial = {"name": vaccine.name, "doses": vaccine.doses, "note": vaccine.note}
    form = TeamVaccineForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            changed = services.change_team_vaccine(actor=request.user, team_vaccine=vaccine, **form.cleaned_data)
        except Invalid as refusal:
            form.add_error("name", refusal.message)
        else:
            messages.success(request, _("Changes saved.") if changed else _("Nothing was changed."))
            return redirect("health:team_vaccine_list")
    return render(request, FORM, {"form": form, "team": vaccine.team, "vaccine": vaccine})


@require_http_methods(["POST"])
@supervisor
def team_vaccine_active(request: AuthenticatedHttpRequest, team_vaccine_id: UUID) -> HttpResponse:
    """Retired, or back in use. Never deleted: doses given still show it."""
    vaccine = get_team_vaccine_for_keeper(request.user, team_vaccine_id)
    is_active = request.POST.get("active") == "1"
    services.set_team_vaccine_active(actor=request.user, team_vaccine=vaccine, is_active=is_active)
    if is_active:
        messages.success(request, _("Back in use."))
    else:
        messages.success(request, _("Retired. Doses given still show it."))
    return redirect("health:team_vaccine_list")
