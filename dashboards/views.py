"""The supervisors' dashboard and the data admins' organisation view.

Both read the rollups (dashboards/rollups.py, refreshed every minute in the background) and a
few counts the indexes answer directly; neither shows a person served, so neither writes
an audit event (no one's record is opened).
"""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.decorators import data_admin, supervisor
from accounts.models import Membership, Team
from accounts.types import AuthenticatedHttpRequest
from core.replica import replica_reads

from . import layout, tasks
from .figures import dashboard as figures_for
from .forms import DashboardForm, PeriodForm
from .models import RollupState
from .sources import RollupSource, Scope


def _this_month() -> date:
    return timezone.localdate().replace(day=1)


# The background refresh runs every minute (dashboards/tasks.py); figures older than this mean
# it is not running.
STALE_AFTER = timedelta(minutes=5)


def _freshness() -> dict[str, Any]:
    """When the rollups were last brought up to date, and whether that is too long ago. Then
    the background refresh is (re)started, if no run is waiting (a lost chain, or a deployment
    that never ran `refresh_rollups --schedule`): idempotent, so a GET may do it."""
    refreshed_at = RollupState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
    stale = refreshed_at is None or timezone.now() - refreshed_at > STALE_AFTER
    if stale:
        tasks.schedule(at=timezone.now())
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
    form = DashboardForm(request.GET or None, teams=teams, workers=_staff(team_ids), this_month=_this_month())
    scope = form.scope()
    figures = figures_for(scope, source=RollupSource(), team_names=teams)
    context = layout.context(figures, organisation=False) | {
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
    """Every team's figures, anonymised: no person and no worker is named, and any figure
    about 1 to 10 people shows as "fewer than 11" (dashboards/privacy.py)."""
    teams: dict[UUID, str] = dict(Team.objects.values_list("pk", "name"))
    form = PeriodForm(request.GET or None, this_month=_this_month())
    first, last = form.months()
    figures = figures_for(Scope(tuple(teams), first, last), source=RollupSource(), team_names=teams, organisation=True)
    context = layout.context(figures, organisation=True) | {"form": form, **_freshness()}
    return render(request, "dashboards/organisation.html", context)
