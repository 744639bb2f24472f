"""The organisation view's figures as JSON, for data admins (GET /api/v1/figures).

The same figures the organisation view prints, from the same protected hierarchy
(dashboards/hierarchy.py `year_figures`, through the protection layer in privacy/): counts
rounded by the cell-key method, 1 to 10 as "fewer than 11" (no number), quantities withheld
when too few people received them, and whatever the audit withholds so that a smaller number
cannot be worked out. Never a raw count: the API returns exactly the cached protected
figures the page shows, so nothing the two give together says more than either. Each call
is noted in the release register (its period, never its figures) and audited.

Beside the organisation view's team columns: contacts per built-in safer-use topic and doses
per built-in vaccine, a team's own vaccines together as "other" (never by name), for every
team and the organisation, as the aggregate export gives them.
"""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from accounts.models import Team
from audit.models import AuditEvent
from audit.services import record
from core import errors
from core.dates import add_months
from dashboards.forms import parse_period, period_code
from dashboards.hierarchy import year_figures
from dashboards.organisation import TEAM_COLUMNS, periods_offered
from health.education_figures import TOPIC_MEASURES
from health.vaccination_figures import VACCINE_MEASURES
from privacy.figures import Protected
from privacy.models import Release, record_release
from privacy.rules import PROTECTION_INTERVAL, THRESHOLD

from . import problems
from .auth import data_admin

# The organisation view's team columns, then its safer-use topics and vaccinations: for every
# team too, as the aggregate export gives them (the hierarchy protects and audits every team's
# figure and the organisation's together: docs/privacy.md).
MEASURES = [measure for measure, _decimals in TEAM_COLUMNS] + TOPIC_MEASURES + VACCINE_MEASURES
YEARS_OFFERED = 3


class Figure(Schema):
    value: float | None = Field(description="Null when not published (see status)")
    status: str = Field(
        description="zero, rounded, exact (worked out from rounded counts), small, withheld or few_people"
    )
    words: str = Field(description="The status in words, in the caller's language")


class TeamFigures(Schema):
    team: UUID | None = Field(description="Null for the whole organisation")
    name: str
    figures: dict[str, Figure]


class Protection(Schema):
    threshold: int = Field(description="Counts below this show as small, with no number")
    interval: int = Field(description="Published counts move by at most this much")


class Figures(Schema):
    period: str = Field(description="YYYY (a year), YYYY-Qn (a quarter) or YYYY-MM (a month)")
    measures: list[str] = Field(
        description="The figures of each team, in order: the organisation view's team columns, then "
        "topics:<key> (contacts where a built-in safer-use topic was talked about or practised) and "
        "vaccines:<key> (doses of a built-in vaccine the team gave; vaccines:other, the vaccines teams "
        "added themselves, all together and never by name)"
    )
    protection: Protection
    withheld: int = Field(description="Figures the audit withheld this year so that none can be worked out")
    teams: list[TeamFigures]


router = Router(tags=["figures"])


def _figure(found: Protected) -> dict[str, Any]:
    value = found.value if found.published else None
    return {"value": float(value) if value is not None else None, "status": found.status, "words": found.words}


@router.get(
    "/figures",
    response={200: Figures, **{status: problems.Problem for status in (400, 401, 403, 422, 429)}},
    url_name="figures",
    summary="The organisation's protected figures for a period (data admins)",
)
def figures(request: HttpRequest, period: str = "") -> dict[str, Any]:
    """Every team's figures and the organisation's for a complete month, quarter or year (the
    last complete month when no period is given), each through the protection layer."""
    user = data_admin(request)
    this_month = timezone.localdate().replace(day=1)
    offered = periods_offered(this_month, this_month.year - (YEARS_OFFERED - 1))
    chosen = parse_period(period) if period else ("month", add_months(this_month, -1))
    if chosen not in offered:
        raise errors.Invalid(_("Ask for a complete month, quarter or year of the last three years, e.g. 2026-11."))
    kind, first = chosen
    teams: dict[UUID, str] = dict(Team.objects.values_list("pk", "name"))
    year = year_figures(first.year, teams=teams, before=this_month)
    code = period_code(chosen)
    record_release(
        actor_id=user.pk,
        kind=Release.Kind.ORGANISATION_VIEW,
        parameters={"period": code, "teams": sorted(str(team) for team in teams), "via": "api"},
    )
    record(action=AuditEvent.Action.API_FIGURES_READ, actor=user, details={"period": code})
    rows = [
        {"team": team, "name": name, "figures": {m: _figure(year.get(m, team, chosen)) for m in MEASURES}}
        for team, name in sorted(teams.items(), key=lambda item: item[1])
        if team in year.teams
    ]
    whole = {m: _figure(year.get(m, None, chosen)) for m in MEASURES}
    rows.append({"team": None, "name": _("The organisation"), "figures": whole})
    return {
        "period": code,
        "measures": MEASURES,
        "protection": {"threshold": THRESHOLD, "interval": PROTECTION_INTERVAL},
        "withheld": year.withheld,
        "teams": rows,
    }
