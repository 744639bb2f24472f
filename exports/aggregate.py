"""The aggregate report: per team and month, with each team's, each month's and the grand
total, every count protected by exports/suppression.py.

Counts (each its own table of teams x months with totals, protected on its own): contacts,
people seen, new people (first contact ever, with that team), people met anonymously (head
counts), each service type (contacts it was given at), naloxone kits (quantity), overdose
responses, referrals made, referrals attended (the month it was noted), goals achieved
(goals/stats.py), and people with a WHO-5 total. Counts of distinct people (people seen,
people with a WHO-5) do not add up over months or teams: their totals are counted, not
summed, and they are protected as if they added up (a reader can bound, never solve them).

The WHO-5 mean and the share reliably improved come from the same monthly rows as the
dashboards (dashboards/rollups.py PERSON_MONTHS: each person's latest total of the month, and
the reliable change since their first) and are shown only when at least 11 people are
behind them. A few queries per report, whatever the number of rows.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db import connection
from django.utils import timezone

from accounts.models import Team
from dashboards import rollups
from dashboards.sources import Scope
from encounters.models import ServiceType
from goals.stats import monthly_goal_numbers

from .datasets import service_column
from .suppression import SMALLEST_SHOWN, protect, with_totals

ALL_TEAMS = "(all teams)"
ALL_MONTHS = "(all months)"
NALOXONE = "naloxone-kit"

# (team, month) -> count; team None / month None: the totals of distinct counts.
Counts = dict[tuple[UUID | None, date | None], int]

CONTACTS = """
SELECT team_id, date_trunc('month', happened_at AT TIME ZONE %(zone)s)::date AS month, count(*),
       count(DISTINCT client_id), coalesce(sum(head_count) FILTER (WHERE client_id IS NULL), 0)
  FROM encounters_encounter
 WHERE team_id = ANY(%(teams)s::uuid[]) AND happened_at >= %(starts)s AND happened_at < %(ends)s
 GROUP BY GROUPING SETS ((1, 2), (1), (2), ())
"""

NEW_PEOPLE = """
SELECT team_id, date_trunc('month', happened_at AT TIME ZONE %(zone)s)::date, count(*)
  FROM (SELECT DISTINCT ON (client_id) client_id, team_id, happened_at
          FROM encounters_encounter WHERE client_id IS NOT NULL
         ORDER BY client_id, happened_at, id) AS first
 WHERE team_id = ANY(%(teams)s::uuid[]) AND happened_at >= %(starts)s AND happened_at < %(ends)s
 GROUP BY 1, 2
"""

SERVICES = """
SELECT e.team_id, date_trunc('month', e.happened_at AT TIME ZONE %(zone)s)::date, sp.service_type_id,
       count(*), sum(sp.quantity)
  FROM encounters_serviceprovided AS sp
  JOIN encounters_encounter AS e ON e.id = sp.encounter_id
 WHERE e.team_id = ANY(%(teams)s::uuid[]) AND e.happened_at >= %(starts)s AND e.happened_at < %(ends)s
 GROUP BY 1, 2, 3
"""

OVERDOSES = """
SELECT team_id, date_trunc('month', happened_at AT TIME ZONE %(zone)s)::date, count(*)
  FROM encounters_overdoseresponse
 WHERE team_id = ANY(%(teams)s::uuid[]) AND happened_at >= %(starts)s AND happened_at < %(ends)s
 GROUP BY 1, 2
"""

REFERRALS_MADE = """
SELECT team_id, date_trunc('month', created_at AT TIME ZONE %(zone)s)::date, count(*)
  FROM encounters_referral
 WHERE team_id = ANY(%(teams)s::uuid[]) AND created_at >= %(starts)s AND created_at < %(ends)s
 GROUP BY 1, 2
"""

REFERRALS_ATTENDED = """
SELECT r.team_id, date_trunc('month', u.at AT TIME ZONE %(zone)s)::date, count(DISTINCT r.id)
  FROM encounters_referralupdate AS u
  JOIN encounters_referral AS r ON r.id = u.referral_id
 WHERE u.status = 'attended' AND r.team_id = ANY(%(teams)s::uuid[]) AND u.at >= %(starts)s AND u.at < %(ends)s
 GROUP BY 1, 2
"""

WHO5 = """
SELECT team_id, month, count(DISTINCT client_id), avg(value)::float8,
       count(*) FILTER (WHERE category <> ''), count(*) FILTER (WHERE category = 'improved')
  FROM months
 WHERE measure = 'who5' AND team_id = ANY(%(teams)s::uuid[]) AND month >= %(first)s AND month <= %(last)s
 GROUP BY GROUPING SETS ((team_id, month), (team_id), (month), ())
"""


def _who5_sql() -> str:
    """The dashboards' monthly check-in rows of everyone with a check-in of the teams in the
    period (dashboards/rollups.py), grouped for the report."""
    build = getattr(rollups, "person_months", None)
    months = build("in_period") if build is not None else rollups.PERSON_MONTHS
    return "WITH months AS (" + months + ")" + WHO5


@dataclass(frozen=True)
class Report:
    header: list[str]
    rows: list[list[Any]]
    # For the privacy summary: how many counts were hidden as small, and how many more.
    primary: int
    secondary: int


def _params(scope: Scope) -> dict[str, Any]:
    return {
        "zone": timezone.get_current_timezone_name(),
        "teams": [str(team) for team in scope.team_ids],
        "starts": scope.starts,
        "ends": scope.ends,
    }


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _uuid(value: Any) -> UUID | None:
    return UUID(str(value)) if value is not None else None


def build(*, team_ids: Sequence[UUID], first: date, last: date) -> Report:
    scope = Scope(tuple(team_ids), first, last)
    params = _params(scope)
    teams = list(Team.objects.filter(pk__in=team_ids).order_by("name").values_list("pk", "name"))
    months = scope.months
    counts: dict[str, Counts] = defaultdict(dict)
    distinct = {"people_seen", "who5_people"}
    for team, month, contacts, people, anonymous in _fetch(CONTACTS, params):
        key = (_uuid(team), month)
        counts["contacts"][key] = contacts
        counts["people_seen"][key] = people
        counts["people_met_anonymously"][key] = anonymous
    for team, month, n in _fetch(NEW_PEOPLE, params):
        counts["new_people"][(_uuid(team), month)] = n
    services = list(ServiceType.objects.order_by("order", "slug").values_list("pk", "slug"))
    slugs = dict(services)
    for team, month, service, given, quantity in _fetch(SERVICES, params):
        slug = slugs[UUID(str(service))]
        counts[service_column(UUID(str(service)))][(_uuid(team), month)] = given
        if slug == NALOXONE:
            counts["naloxone_kits"][(_uuid(team), month)] = quantity
    for name, sql in (
        ("overdose_responses", OVERDOSES),
        ("referrals_made", REFERRALS_MADE),
        ("referrals_attended", REFERRALS_ATTENDED),
    ):
        for team, month, n in _fetch(sql, params):
            counts[name][(_uuid(team), month)] = n
    for row in monthly_goal_numbers(team_ids=team_ids, since=first, until=last):
        counts["goals_achieved"][(row.team_id, row.month)] = row.achieved
    who5: dict[tuple[UUID | None, date | None], tuple[float, int, int]] = {}
    who5_params = rollups.person_months_params(teams=team_ids, starts=scope.starts, ends=scope.ends) | {
        "first": first,
        "last": last,
    }
    for team, month, people, mean, with_change, improved in _fetch(_who5_sql(), who5_params):
        key = (_uuid(team), month)
        counts["who5_people"][key] = people
        who5[key] = (mean, with_change, improved)

    count_names = [
        "contacts",
        "people_seen",
        "new_people",
        "people_met_anonymously",
        *[service_column(pk) for pk, _slug in services],
        "naloxone_kits",
        "overdose_responses",
        "referrals_made",
        "referrals_attended",
        "goals_achieved",
        "who5_people",
    ]
    team_keys: list[UUID] = [pk for pk, _name in teams]
    shown: dict[str, list[list[str]]] = {}
    primary = secondary = 0
    for name in count_names:
        table = counts[name]
        cells = [[table.get((team, month), 0) for month in months] for team in team_keys]
        if name in distinct:
            grid = with_totals(
                cells,
                row_totals=[table.get((team, None), 0) for team in team_keys],
                column_totals=[table.get((None, month), 0) for month in months],
                grand_total=table.get((None, None), 0),
            )
        else:
            grid = with_totals(cells)
        protected = protect(grid)
        primary += sum(1 for why in protected.hidden.values() if why == "primary")
        secondary += sum(1 for why in protected.hidden.values() if why == "secondary")
        shown[name] = [[protected.shown(i, j) for j in range(len(months) + 1)] for i in range(len(team_keys) + 1)]

    header = ["team", "month", *count_names, "who5_mean", "who5_share_reliably_improved"]
    rows = []
    labels = [name for _pk, name in teams] + [ALL_TEAMS]
    keys: list[UUID | None] = [*team_keys, None]
    month_labels = [f"{month:%Y-%m}" for month in months] + [ALL_MONTHS]
    month_keys: list[date | None] = [*months, None]
    for i, (label, team) in enumerate(zip(labels, keys, strict=True)):
        for j, (month_label, month) in enumerate(zip(month_labels, month_keys, strict=True)):
            mean, with_change, improved = who5.get((team, month), (None, 0, 0))
            people = counts["who5_people"].get((team, month), 0)
            rows.append(
                [
                    label,
                    month_label,
                    *[_number(shown[name][i][j]) for name in count_names],
                    _figure(mean, people, decimals=1),
                    _figure(improved / with_change if with_change else None, with_change, decimals=3),
                ]
            )
    return Report(header, rows, primary, secondary)


def _number(text: str) -> int | str:
    return int(text) if text.lstrip("-").isdigit() else text


def _figure(value: float | None, people: int, *, decimals: int) -> float | str:
    """A mean or share: shown only when at least 11 people are behind it."""
    if value is None or people == 0:
        return ""
    if people < SMALLEST_SHOWN:
        return "<11"
    return round(value, decimals)


def lines(report: Report) -> Iterator[list[Any]]:
    yield report.header
    yield from report.rows
