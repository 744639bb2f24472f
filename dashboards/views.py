"""The supervisors' dashboard and the data admins' organisation view.

Both read the rollups (dashboards/rollups.py, refreshed every minute in the background) and a
few counts the indexes answer directly; neither shows a person served, so neither writes
an audit event (no one's record is opened).
"""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import data_admin, supervisor
from accounts.models import Membership, Team
from accounts.types import AuthenticatedHttpRequest
from core.dates import add_months
from core.replica import replica_reads
from health.education_figures import team_topics
from health.figures import team_cascade
from health.vaccination_figures import team_vaccinations
from privacy.models import Release, record_release

from . import layout
from .figures import dashboard as figures_for
from .forms import DashboardForm, OrganisationForm, period_code
from .hierarchy import default_period, year_figures
from .hierarchy import this_month as first_of_this_month
from .models import RollupState
from .organisation import context as organisation_context
from .organisation import periods_offered
from .sources import RollupSource

# The background refresh runs every minute (dashboards/tasks.py); figures older than this mean
# it is not running.
STALE_AFTER = timedelta(minutes=5)


def _freshness() -> dict[str, Any]:
    """When the rollups were last brought up to date, and whether that is too long ago. A GET
    only says so: the refresh runs from the worker on its schedule (dashboards/tasks.py), never
    from a page; `manage.py refresh_rollups --schedule` (idempotent: deployments run it at
    start, and may from cron) restarts a lost chain."""
    refreshed_at = RollupState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
    stale = refreshed_at is None or timezone.now() - refreshed_at > STALE_AFTER
    return {"refreshed_at": refreshed_at, "stale": stale}


def _staff(team_ids: list[UUID]) -> dict[int, str]:
    """Everyone in these teams, for the worker filter (one query)."""
    memberships = Membership.objects.filter(team_id__in=team_ids).select_related("user").order_by("user_id")
    return {m.user_id: m.user.get_full_name() or m.user.username for m in memberships}


@require_http_methods(["GET"])
@supervisor
@replica_reads
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The teams the user supervises: wellbeing, change, goals, contacts, services, overdose
    responses, caseloads and what needs doing now, for a period and optionally one worker."""
    team_ids = request.user.supervised_team_ids()
    teams: dict[UUID, str] = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    form = DashboardForm(request.GET or None, teams=teams, workers=_staff(team_ids), this_month=first_of_this_month())
    scope = form.scope()
    figures = figures_for(scope, source=RollupSource(), team_names=teams)
    cascade = team_cascade(list(scope.team_ids), scope.first, add_months(scope.last, 1))
    caption = _("Tests done in the period, and how many of the reactive ones have reached each step since.")
    topics = team_topics(list(scope.team_ids), scope.starts, scope.ends, scope.worker_id)
    topics_caption = _(
        "Safer-use topics talked about or practised in the period: contacts, people (registered), and contacts "
        "where it was practised."
    )
    chosen = {team: teams[team] for team in scope.team_ids}
    vaccinations = team_vaccinations(chosen, scope.first, add_months(scope.last, 1), scope.worker_id)
    vaccinations_caption = _(
        "Vaccine doses the team gave in the period, and the people they were given to (doses given elsewhere "
        "are not counted)."
    )
    context = layout.context(figures, organisation=False) | {
        "cascade": layout.cascade_table(cascade, caption=caption),
        "topics": layout.topics_table(topics, caption=topics_caption),
        "vaccinations": layout.vaccinations_table(vaccinations, caption=vaccinations_caption),
        "form": form,
        "teams": [teams[team] for team in scope.team_ids],
        "worker": form.workers.get(scope.worker_id or 0, ""),
        **_freshness(),
    }
    return render(request, "dashboards/dashboard.html", context)


@require_http_methods(["GET"])
@data_admin
@replica_reads
def organisation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every team's figures for a complete month, quarter or year, each through the protection
    layer (dashboards/hierarchy.py, privacy/): no person and no worker is named, counts are
    rounded, small ones show as "fewer than 11", and what would give one away is withheld.
    Every view is noted in the release register (its period, never its figures)."""
    teams: dict[UUID, str] = dict(Team.objects.values_list("pk", "name"))
    this_month = first_of_this_month()
    first_year = this_month.year - 2
    form = OrganisationForm(request.GET or None, periods=periods_offered(this_month, first_year))
    period = form.chosen() or default_period(this_month)
    year = year_figures(period[1].year, teams=teams, before=this_month)
    record_release(
        actor_id=request.user.pk,
        kind=Release.Kind.ORGANISATION_VIEW,
        parameters={"period": period_code(period), "teams": sorted(str(team) for team in teams)},
    )
    freshness = _freshness()
    if year.as_of is not None:  # read at most hourly (hierarchy.REBUILT_EVERY): as of then
        freshness["refreshed_at"] = year.as_of
    context = organisation_context(year, period, teams) | {"form": form, **freshness}
    return render(request, "dashboards/organisation.html", context)
