"""Every figure of a calendar year that may leave the teams, protected together.

The organisation view and the aggregate export show only figures of this hierarchy: per
team and for the whole organisation, per calendar month, per complete calendar quarter and
per complete calendar year (a period still running has months only). Because the set of
figures is fixed, the protection layer (privacy/) can protect all of them at once: each
count is perturbed by the cell-key method, small counts show as "fewer than 11", quantities
are judged by who received them, and the audit withholds what would let a protected count
be worked out from any combination of them (privacy/audit.py). Two outputs that show the
same figure show the same number, so asking again, or for an overlapping period, tells
nothing new.

Built on demand from the source tables (a few grouped queries for the year) and kept in
Django's cache until the rollups next change (`version`), so the organisation view reads a
year's protected figures at the cost of a cache lookup.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import add_months
from encounters.models import ServiceType
from health.figures import cascade_events_sql, incident_events_sql
from privacy.audit import Cell, withhold_until_safe
from privacy.cellkey import combine, record_key_sql
from privacy.figures import Protected, Status, protect_count, protect_mean, protect_quantity, protect_share

from .models import RollupState

MONTH, QUARTER, YEAR = "month", "quarter", "year"
Team = UUID | None  # None: the whole organisation
Period = tuple[str, date]  # (MONTH/QUARTER/YEAR, first day)
Key = tuple[Team, Period]

# Counts of records that add up over months and teams (audited together).
EVENTS: dict[str, Any] = {
    "contacts": _("Contacts"),
    "anonymous_contacts": _("Anonymous contacts"),
    "overdose_responses": _("Overdose responses"),
    "referrals_made": _("Referrals made"),
    "goals_set": _("Goals set"),
    "goals_achieved": _("Goals achieved"),
}
QUANTITIES = {"naloxone_kits": ("naloxone-kit", _("Naloxone kits")), "syringes": ("sterile-syringes", _("Syringes"))}
PEOPLE = {"people_seen": _("People seen"), "who5_people": _("People with a WHO-5 total")}
DERIVED = {"who5_mean", "share_improved"}
CHANGE = {"improved": _("Reliably improved"), "no_change": _("No reliable change"), "worse": _("Reliably worse")}

ZONE = "%(zone)s"
MONTH_OF = "date_trunc('month', {at} AT TIME ZONE %(zone)s)::date"
IN_YEAR = "{at} >= %(starts)s AND {at} < %(ends)s"


def _month(at: str) -> str:
    return MONTH_OF.format(at=at)


def _in_year(at: str) -> str:
    return IN_YEAR.format(at=at)


# One row per (measure, team, month): how many records and their keys added up. Constant
# SQL of this module; the year's bounds and the zone are parameters.
EVENTS_SQL = f"""
SELECT measure, team_id, month, count(*), sum(k) FROM (
  SELECT 'contacts' AS measure, team_id, {_month("happened_at")} AS month, {record_key_sql("id")} AS k
    FROM encounters_encounter WHERE {_in_year("happened_at")}
  UNION ALL
  SELECT 'anonymous_contacts', team_id, {_month("happened_at")}, {record_key_sql("id")}
    FROM encounters_encounter WHERE client_id IS NULL AND {_in_year("happened_at")}
  UNION ALL
  SELECT 'overdose_responses', team_id, {_month("happened_at")}, {record_key_sql("id")}
    FROM encounters_overdoseresponse WHERE {_in_year("happened_at")}
  UNION ALL
  SELECT 'referrals_made', team_id, {_month("created_at")}, {record_key_sql("id")}
    FROM encounters_referral WHERE {_in_year("created_at")}
  UNION ALL
  SELECT 'goals_set', team_id, {_month("created_at")}, {record_key_sql("id")}
    FROM goals_goal WHERE {_in_year("created_at")}
  UNION ALL
  SELECT 'goals_achieved', team_id, date_trunc('month', status_on)::date, {record_key_sql("id")}
    FROM goals_goal WHERE status = 'achieved' AND status_on >= %(first)s AND status_on < %(after)s
  UNION ALL
  SELECT 'service:' || sp.service_type_id::text, e.team_id, {_month("e.happened_at")}, {record_key_sql("sp.id")}
    FROM encounters_serviceprovided AS sp JOIN encounters_encounter AS e ON e.id = sp.encounter_id
   WHERE {_in_year("e.happened_at")}
  UNION ALL{cascade_events_sql(record_key_sql("t.id"))}
  UNION ALL{incident_events_sql(record_key_sql("i.id"))}
) AS r GROUP BY 1, 2, 3
"""  # noqa: S608

# Quantities per cell of the hierarchy, by who received them (a registered person, or an
# anonymous contact as one contributor): the total, how many contributors, the two largest.
QUANTITIES_SQL = f"""
WITH given AS (
  SELECT s.slug, e.team_id, {_month("e.happened_at")} AS month,
         coalesce(e.client_id, e.id) AS who, sum(sp.quantity) AS q
    FROM encounters_serviceprovided AS sp
    JOIN encounters_encounter AS e ON e.id = sp.encounter_id
    JOIN encounters_servicetype AS s ON s.id = sp.service_type_id
   WHERE s.slug = ANY(%(slugs)s) AND {_in_year("e.happened_at")}
   GROUP BY 1, 2, 3, 4
), levels AS (
  SELECT slug, team_id, 'month' AS level, month AS start, who, q FROM given
  UNION ALL SELECT slug, team_id, 'quarter', date_trunc('quarter', month)::date, who, sum(q)
              FROM given GROUP BY 1, 2, 4, 5
  UNION ALL SELECT slug, team_id, 'year', date_trunc('year', month)::date, who, sum(q) FROM given GROUP BY 1, 2, 4, 5
  UNION ALL SELECT slug, NULL, 'month', month, who, sum(q) FROM given GROUP BY 1, 4, 5
  UNION ALL SELECT slug, NULL, 'quarter', date_trunc('quarter', month)::date, who, sum(q) FROM given GROUP BY 1, 4, 5
  UNION ALL SELECT slug, NULL, 'year', date_trunc('year', month)::date, who, sum(q) FROM given GROUP BY 1, 4, 5
)
SELECT slug, team_id, level, start, sum(q)::bigint, count(*), (array_agg(q::bigint ORDER BY q DESC))[1:2],
       sum({record_key_sql("who")})
  FROM levels GROUP BY 1, 2, 3, 4
"""  # noqa: S608

# Distinct people per cell of the hierarchy (they do not add up over months or teams).
PEOPLE_SQL = f"""
WITH seen AS (
  SELECT DISTINCT team_id, client_id, {_month("happened_at")} AS month
    FROM encounters_encounter WHERE client_id IS NOT NULL AND {_in_year("happened_at")}
), levels AS (
  SELECT team_id, month, date_trunc('quarter', month)::date AS quarter, date_trunc('year', month)::date AS year,
         client_id, {record_key_sql("client_id")} AS k FROM seen
)
SELECT team_id, CASE WHEN GROUPING(month) = 0 THEN 'month' WHEN GROUPING(quarter) = 0 THEN 'quarter' ELSE 'year' END,
       coalesce(month, quarter, year), count(DISTINCT client_id), sum(DISTINCT k)
  FROM levels
 GROUP BY GROUPING SETS ((team_id, month), (team_id, quarter), (team_id, year), (month), (quarter), (year))
"""  # noqa: S608

# WHO-5: each person once per cell, with their latest total in its period (the dashboards'
# monthly rows, reports_checkin_month), counted with that month's team; reliable change as
# the rollup computed it (outcomes/change.py).
WHO5_SQL = f"""
WITH m AS (
  SELECT client_id, team_id, month, value, category FROM reports_checkin_month
   WHERE measure = 'who5' AND month >= %(first)s AND month < %(after)s
), per AS (
  SELECT 'month' AS level, month AS start, client_id, team_id, value, category FROM m
  UNION ALL
  (SELECT DISTINCT ON (client_id, date_trunc('quarter', month)) 'quarter', date_trunc('quarter', month)::date,
          client_id, team_id, value, category FROM m ORDER BY client_id, date_trunc('quarter', month), month DESC)
  UNION ALL
  (SELECT DISTINCT ON (client_id) 'year', %(first)s::date, client_id, team_id, value, category
     FROM m ORDER BY client_id, month DESC)
)
SELECT level, start, team_id, count(*), sum(k), avg(value)::float8,
       count(*) FILTER (WHERE category = 'improved'), sum(k) FILTER (WHERE category = 'improved'),
       count(*) FILTER (WHERE category = 'no_change'), sum(k) FILTER (WHERE category = 'no_change'),
       count(*) FILTER (WHERE category = 'worse'), sum(k) FILTER (WHERE category = 'worse')
  FROM (SELECT per.*, {record_key_sql("client_id")} AS k FROM per) AS keyed
 GROUP BY GROUPING SETS ((level, start, team_id), (level, start))
"""  # noqa: S608


@dataclass
class Year:
    """One calendar year's protected figures: `figures[measure][(team, period)]`."""

    year: int
    teams: list[UUID]
    periods: list[Period]
    figures: dict[str, dict[Key, Protected]] = field(default_factory=dict)
    # The true values of the audited figures: never shown; for measuring the accuracy cost
    # (bench/privacy_accuracy.py). Cached with the figures, in the server's cache only.
    truth: dict[str, dict[Key, int]] = field(default_factory=dict)
    withheld: int = 0

    def get(self, measure: str, team: Team, period: Period) -> Protected:
        """A figure; one with no records is 0 (a mean or share of nobody: nothing)."""
        nothing = Protected(None, Status.ZERO) if measure in DERIVED else Protected(0, Status.ZERO)
        return self.figures.get(measure, {}).get((team, period), nothing)


def complete_periods(year: int, *, before: date) -> list[Period]:
    """The year's months before `before`, its quarters and the year itself when complete."""
    months = [date(year, m, 1) for m in range(1, 13) if date(year, m, 1) < before]
    periods: list[Period] = [(MONTH, m) for m in months]
    periods += [(QUARTER, date(year, q, 1)) for q in (1, 4, 7, 10) if add_months(date(year, q, 1), 3) <= before]
    if date(year + 1, 1, 1) <= before:
        periods.append((YEAR, date(year, 1, 1)))
    return periods


def months_of(period: Period) -> list[date]:
    kind, first = period
    count = {MONTH: 1, QUARTER: 3, YEAR: 12}[kind]
    return [add_months(first, n) for n in range(count)]


def _params(year: int) -> dict[str, Any]:
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    return {
        "zone": timezone.get_current_timezone_name(),
        "first": first,
        "after": after,
        "starts": timezone.make_aware(datetime.combine(first, time.min)),
        "ends": timezone.make_aware(datetime.combine(after, time.min)),
        "slugs": [slug for slug, _label in QUANTITIES.values()],
    }


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run on the database the router reads from (the replica inside `replica_reads`)."""
    with connections[router.db_for_read(RollupState) or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _uuid(value: Any) -> UUID | None:
    return UUID(str(value)) if value is not None else None


def _events(params: dict[str, Any], teams: list[UUID], periods: list[Period]) -> dict[str, list[Cell]]:
    atoms: dict[str, dict[tuple[UUID, date], tuple[int, float]]] = defaultdict(dict)
    for measure, team, month, count, keys in _fetch(EVENTS_SQL, params):
        atoms[measure][(UUID(str(team)), month)] = (count, float(keys))
    cells: dict[str, list[Cell]] = {}
    for measure, found in atoms.items():
        cells[measure] = []
        for team in [*teams, None]:
            for period in periods:
                members = [(t, m) for t in ([team] if team else teams) for m in months_of(period)]
                true = sum(found.get(atom, (0, 0.0))[0] for atom in members)
                key = combine(found.get(atom, (0, 0.0))[1] for atom in members)
                protected = protect_count(true, key)
                cells[measure].append(Cell((team, period), frozenset(members), true, protected))
    return cells


def _quantities(params: dict[str, Any], teams: list[UUID], periods: list[Period]) -> dict[str, list[Cell]]:
    by_slug = {slug: measure for measure, (slug, _label) in QUANTITIES.items()}
    found: dict[str, dict[Key, tuple[int, int, list[int], float]]] = defaultdict(dict)
    for slug, team, level, start, total, people, largest, keys in _fetch(QUANTITIES_SQL, params):
        found[by_slug[slug]][(_uuid(team), (level, start))] = (total, people, list(largest), float(keys))
    cells: dict[str, list[Cell]] = {}
    for measure in QUANTITIES:
        cells[measure] = []
        for team in [*teams, None]:
            for period in periods:
                total, people, largest, key = found[measure].get((team, period), (0, 0, [], 0.0))
                members = [(t, m) for t in ([team] if team else teams) for m in months_of(period)]
                protected = protect_quantity(total, people=people, largest=largest, cell_key=key)
                cells[measure].append(Cell((team, period), frozenset(members), total, protected, count=False))
    return cells


def _people(params: dict[str, Any], periods: list[Period]) -> dict[str, dict[Key, Protected]]:
    wanted = set(periods)
    seen: dict[Key, Protected] = {}
    for team, level, start, people, keys in _fetch(PEOPLE_SQL, params):
        if (level, start) in wanted:
            seen[(_uuid(team), (level, start))] = protect_count(people, float(keys or 0))
    figures: dict[str, dict[Key, Protected]] = {"people_seen": seen, "who5_people": {}, "who5_mean": {}}
    for name in (*CHANGE, "share_improved"):
        figures[name] = {}
    for row in _fetch(WHO5_SQL, params):
        level, start, team, people, keys, mean, *changes = row
        if (level, start) not in wanted:
            continue
        key: Key = (_uuid(team), (level, start))
        counted = protect_count(people, float(keys or 0))
        figures["who5_people"][key] = counted
        figures["who5_mean"][key] = protect_mean(mean, counted)
        parts = {name: protect_count(changes[2 * n], float(changes[2 * n + 1] or 0)) for n, name in enumerate(CHANGE)}
        figures.update({name: figures[name] | {key: value} for name, value in parts.items()})
        figures["share_improved"][key] = protect_share(parts["improved"], [parts["no_change"], parts["worse"]])
    return figures


def build(year: int, *, teams: Iterable[UUID], before: date) -> Year:
    """The year's figures, protected and audited (no cache: `year_figures` caches)."""
    team_ids = sorted(teams, key=str)
    periods = complete_periods(year, before=before)
    params = _params(year)
    found = Year(year, team_ids, periods)
    audited = _events(params, team_ids, periods) | _quantities(params, team_ids, periods)
    for measure, cells in audited.items():
        found.withheld += withhold_until_safe(cells)
        found.figures[measure] = {cell.key: cell.protected for cell in cells}  # type: ignore[misc]
        found.truth[measure] = {cell.key: cell.true for cell in cells}  # type: ignore[misc]
    found.figures |= _people(params, periods)
    return found


def year_figures(year: int, *, teams: Iterable[UUID], before: date) -> Year:
    """`build`, cached until the rollups are next refreshed (they change when the data does)."""
    team_ids = sorted(teams, key=str)
    version = RollupState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
    described = f"{year}:{before}:{version}:{','.join(str(t) for t in team_ids)}"
    key = "privacy-hierarchy:" + hashlib.sha256(described.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = build(year, teams=team_ids, before=before)
        cache.set(key, found, timeout=24 * 3600)
    return found


def service_measures() -> list[tuple[str, UUID, str]]:
    """(measure, id, name) of each service type's "given at contacts" count."""
    return [
        (f"service:{pk}", pk, name)
        for pk, name in ServiceType.objects.order_by("order", "slug").values_list("pk", "name")
    ]
