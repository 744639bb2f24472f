"""The catalogue, managed in the app: service types, and each team's sites and quick buttons.

Who may change what:
- Service types are one catalogue for the whole organisation (exports and reports count
  them across teams), so only data admins add, rename, reorder or put them out of use.
- A team's sites and quick buttons are the team's daily working set: a new corner, the van's
  new stop, what the team hands out most. A data admin manages them for every team, and a
  supervisor for the teams they supervise, so a team lead need not wait for the data admin.
  Another team's pages answer 404 to a supervisor (no confirmation that the team exists);
  workers are refused (403).
None of these pages shows a person: a data admin sees only the catalogue here.
"""

from uuid import UUID

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import data_admin, role_required
from accounts.models import DATA_ADMIN, Membership
from accounts.types import AuthenticatedHttpRequest
from encounters.access import get_service_type, get_site_for_keeper, get_team_for_keeper, managed_teams
from encounters.forms.catalogue import MAX_ORDER, QuickButtonsForm, ServiceTypeForm, SiteForm
from encounters.models import ServiceType, Site, TeamService
from encounters.services import catalogue as services

# Sites and quick buttons: data admins (every team) and supervisors (their own teams).
team_catalogue_keeper = role_required(Membership.Role.SUPERVISOR, DATA_ADMIN)

ORDER_STEP = 10


def _grouped(service_types: list[ServiceType]) -> list[tuple[str, str, list[ServiceType]]]:
    """(category, its label, its types) for every category, in the catalogue's order."""
    return [
        (category.value, str(category.label), [kind for kind in service_types if kind.category == category])
        for category in ServiceType.Category
    ]


@require_http_methods(["GET"])
@team_catalogue_keeper
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Service types by category (data admins) and the teams whose sites and buttons the user keeps."""
    teams = managed_teams(request.user).annotate(
        sites_in_use=Count("sites", filter=Q(sites__is_active=True), distinct=True),
        quick_buttons=Count("quick_services", distinct=True),
    )
    context = {
        "teams": list(teams),
        "categories": _grouped(list(ServiceType.objects.all())) if request.user.is_data_admin else [],
    }
    return render(request, "encounters/catalogue/catalogue.html", context)


@require_http_methods(["GET", "POST"])
@data_admin
def service_type_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new service type; its short name (slug) is made from the name and never changes."""
    last = ServiceType.objects.aggregate(last=Max("order"))["last"] or 0
    initial = {"order": min(last + ORDER_STEP, MAX_ORDER), "counts_quantity": True}
    form = ServiceTypeForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        service_type = services.add_service_type(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Service type added."))
        return _to_catalogue(service_type)
    return render(request, "encounters/catalogue/service_type_form.html", {"form": form, "service_type": None})


@require_http_methods(["GET", "POST"])
@data_admin
def service_type_edit(request: AuthenticatedHttpRequest, service_type_id: UUID) -> HttpResponse:
    service_type = get_service_type(service_type_id)
    form = ServiceTypeForm(request.POST if request.method == "POST" else None, instance=service_type)
    if form.is_valid():
        changed = services.change_service_type(actor=request.user, service_type=service_type, **form.cleaned_data)
        messages.success(request, _("Changes saved.") if changed else _("Nothing was changed."))
        return _to_catalogue(service_type)
    context = {"form": form, "service_type": service_type}
    return render(request, "encounters/catalogue/service_type_form.html", context)


@require_http_methods(["POST"])
@data_admin
def service_type_active(request: AuthenticatedHttpRequest, service_type_id: UUID) -> HttpResponse:
    """Out of use, or back in use. Never deleted: past contacts keep showing it."""
    service_type = get_service_type(service_type_id)
    is_active = request.POST.get("active") == "1"
    services.set_service_type_active(actor=request.user, service_type=service_type, is_active=is_active)
    if is_active:
        messages.success(request, _("Back in use."))
    else:
        messages.success(request, _("Out of use. Past contacts still show it."))
    return _to_catalogue(service_type)


@require_http_methods(["POST"])
@data_admin
def service_type_move(request: AuthenticatedHttpRequest, service_type_id: UUID) -> HttpResponse:
    """One place up or down within its category: works with one thumb and without JavaScript."""
    service_type = get_service_type(service_type_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.move_service_type(actor=request.user, service_type=service_type, offset=offset)
    return _to_catalogue(service_type)


def _to_catalogue(service_type: ServiceType) -> HttpResponse:
    """Back to the list, at the service type's category."""
    return redirect(f"{reverse('encounters:catalogue')}#category-{service_type.category}")


@require_http_methods(["GET"])
@team_catalogue_keeper
def team_catalogue(request: AuthenticatedHttpRequest, team_id: UUID) -> HttpResponse:
    """A team's sites (in use first) and its quick buttons, in order."""
    team = get_team_for_keeper(request.user, team_id)
    context = {
        "team": team,
        "sites": list(Site.objects.filter(team=team).order_by("-is_active", "name")),
        "buttons": list(TeamService.objects.filter(team=team).select_related("service_type")),
    }
    return render(request, "encounters/catalogue/team.html", context)


@require_http_methods(["GET", "POST"])
@team_catalogue_keeper
def site_new(request: AuthenticatedHttpRequest, team_id: UUID) -> HttpResponse:
    team = get_team_for_keeper(request.user, team_id)
    form = SiteForm(request.POST if request.method == "POST" else None, team=team)
    if form.is_valid():
        services.add_site(actor=request.user, team=team, **form.cleaned_data)
        messages.success(request, _("Site added."))
        return redirect("encounters:team_catalogue", team_id=team.pk)
    return render(request, "encounters/catalogue/site_form.html", {"form": form, "team": team, "site": None})


@require_http_methods(["GET", "POST"])
@team_catalogue_keeper
def site_edit(request: AuthenticatedHttpRequest, site_id: UUID) -> HttpResponse:
    site = get_site_for_keeper(request.user, site_id)
    form = SiteForm(request.POST if request.method == "POST" else None, team=site.team, instance=site)
    if form.is_valid():
        changed = services.change_site(actor=request.user, site=site, **form.cleaned_data)
        messages.success(request, _("Changes saved.") if changed else _("Nothing was changed."))
        return redirect("encounters:team_catalogue", team_id=site.team_id)
    context = {"form": form, "team": site.team, "site": site}
    return render(request, "encounters/catalogue/site_form.html", context)


@require_http_methods(["POST"])
@team_catalogue_keeper
def site_active(request: AuthenticatedHttpRequest, site_id: UUID) -> HttpResponse:
    """Out of use (no longer offered on Log a contact), or back in use. Never deleted."""
    site = get_site_for_keeper(request.user, site_id)
    is_active = request.POST.get("active") == "1"
    services.set_site_active(actor=request.user, site=site, is_active=is_active)
    if is_active:
        messages.success(request, _("Back in use."))
    else:
        messages.success(request, _("Out of use. Past contacts still show it."))
    return redirect("encounters:team_catalogue", team_id=site.team_id)


@require_http_methods(["GET", "POST"])
@team_catalogue_keeper
def quick_buttons(request: AuthenticatedHttpRequest, team_id: UUID) -> HttpResponse:
    """Which service types the team sees as large buttons on Log a contact, and in what order."""
    team = get_team_for_keeper(request.user, team_id)
    rows = TeamService.objects.filter(team=team, service_type__is_active=True).order_by("order")
    positions = {pk: position for position, pk in enumerate(rows.values_list("service_type_id", flat=True), 1)}
    in_use = list(ServiceType.objects.filter(is_active=True))
    # The team's buttons first, in their order; then the rest of the catalogue.
    choices = sorted(in_use, key=lambda kind: positions.get(kind.pk, len(positions) + 1))
    form = QuickButtonsForm(request.POST if request.method == "POST" else None, choices=choices, positions=positions)
    if form.is_valid():
        services.set_quick_buttons(
            actor=request.user, team=team, service_type_ids=form.chosen_ids(), choosable=[kind.pk for kind in in_use]
        )
        messages.success(request, _("Quick buttons saved."))
        return redirect("encounters:team_catalogue", team_id=team.pk)
    return render(request, "encounters/catalogue/quick_buttons.html", {"form": form, "team": team})


urlpatterns = [
    path("catalogue/", catalogue, name="catalogue"),
    path("catalogue/services/new/", service_type_new, name="service_type_new"),
    path("catalogue/services/<uuid:service_type_id>/", service_type_edit, name="service_type_edit"),
    path("catalogue/services/<uuid:service_type_id>/active/", service_type_active, name="service_type_active"),
    path("catalogue/services/<uuid:service_type_id>/move/", service_type_move, name="service_type_move"),
    path("catalogue/teams/<uuid:team_id>/", team_catalogue, name="team_catalogue"),
    path("catalogue/teams/<uuid:team_id>/sites/new/", site_new, name="site_new"),
    path("catalogue/teams/<uuid:team_id>/quick-buttons/", quick_buttons, name="quick_buttons"),
    path("catalogue/sites/<uuid:site_id>/", site_edit, name="site_edit"),
    path("catalogue/sites/<uuid:site_id>/active/", site_active, name="site_active"),
]
