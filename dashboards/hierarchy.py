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

Built on demand from the source tables (a few grouped queries for the year, each inside a
definer function that returns counts only, so a data admin's own transaction never has a
team's rows in scope: core/definer.py) and kept in
Django's cache until the rollups next change (`version`), so the organisation view reads a
year's protected figures at the cost of a cache lookup.
"""

import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team as TeamRecord
from core.dates import add_months
from core.definer import aggregate_rows
from core.replica import read_alias
from encounters.models import ServiceType
from goals.stats import RHO
from health.education_figures import EDUCATION_EVENTS_FUNCTION, TOPIC_MEASURES
from health.figures import HEALTH_EVENTS_FUNCTION
from health.vaccination_figures import VACCINATION_EVENTS_FUNCTION
from privacy.audit import Cell, Relation, withhold_until_safe
from privacy.cellkey import combine
from privacy.figures import Protected, Status, protect_count, protect_mean, protect_quantity, protect_share

from .attainment import EPSILON
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
    "reversed_by_staff": _("Overdoses reversed by staff"),
    "reversed_reported": _("Overdoses reversed, as reported by participants"),
    "referrals_made": _("Referrals made"),
    "goals_set": _("Goals set"),
    "goals_achieved": _("Goals achieved"),
}
REACH = "(reach)"
QUANTITIES = {
    "naloxone_kits": ("naloxone-kit", _("Naloxone kits")),
    "syringes": ("sterile-syringes", _("Syringes")),
    # Supplies for others: the people they are for, as estimated at each contact
    # (encounters.ForOthers), by who took them. Not a service: its own "slug" in the SQL.
    "estimated_reach": (REACH, _("Estimated reach of supplies for others")),
}
PEOPLE = {"people_seen": _("People seen"), "who5_people": _("People with a WHO-5 total")}
DERIVED = {"who5_mean", "share_improved", "share_gas_rose"}
CHANGE = {"improved": _("Reliably improved"), "no_change": _("No reliable change"), "worse": _("Reliably worse")}
# Goal attainment (dashboards/attainment.py): people with a goal level rated in the period;
# of those who also had one before it, whose T-score rose and whose did not.
ATTAINMENT = {
    "gas_people": _("People with a goal level rated"),
    "gas_rose": _("Goal attainment T-score rose"),
    "gas_not_rose": _("Goal attainment T-score did not rise"),
}


# Every team's records are counted by definer functions (dashboards migration 0008;
# core/definer.py): a data admin's transaction has no team's rows in its scope, and the
# functions return (team, month or period) counts and keys only, never a person or a row.
# Their arguments are the year's bounds and the zone (`_params`).
EVENTS_FUNCTION = "alongside_org_events"  # (measure, team, month, records, keys)
QUANTITIES_FUNCTION = "alongside_org_quantities"  # (slug, team, level, start, total, contributors, two largest, keys)
PEOPLE_FUNCTION = "alongside_org_people"  # distinct people seen: (team, level, start, people, keys)
WHO5_FUNCTION = "alongside_org_who5"  # each person's latest WHO-5 per cell, reliable change as the rollup has it
# Goal attainment per cell (dashboards 0009): each person with a goal level rated in the
# period once, with their home team now, by whether their GAS T-score rose from its start to
# its end (the rule of dashboards/attainment.py and goals/stats.py, every period at once).
GAS_FUNCTION = "alongside_org_attainment"  # (level, start, team, people, keys, rose, keys, not rose, keys)
# Health's counts (health 0004: the testing cascade, incidents the person agreed may count),
# in the same shape as the events.
ARGUMENTS = {
    EVENTS_FUNCTION: ("zone", "first_day", "next_year", "starts", "ends"),
    HEALTH_EVENTS_FUNCTION: ("first_day", "next_year"),
    # Contacts that covered each built-in safer-use topic (health 0009).
    EDUCATION_EVENTS_FUNCTION: ("zone", "starts", "ends"),
    # Doses given of each built-in vaccine, a team's own ones together as "other" (health 0010).
    VACCINATION_EVENTS_FUNCTION: ("first_day", "next_year"),
    QUANTITIES_FUNCTION: ("zone", "starts", "ends", "slugs"),
    PEOPLE_FUNCTION: ("zone", "starts", "ends"),
    WHO5_FUNCTION: ("first_day", "next_year"),
    GAS_FUNCTION: ("zone", "first_day", "next_year", "ends", "rho", "epsilon"),
}


@dataclass
class Year:
    """One calendar year's protected figures: `figures[measure][(team, period)]`."""

    year: int
    teams: list[UUID]
    periods: list[Period]
    figures: dict[str, dict[Key, Protected]] = field(default_factory=dict)
    # The true values of the audited figures: never shown; for measuring the accuracy cost
    # (bench/privacy_accuracy.py). Cached with the figures, in the shared cache table only.
    truth: dict[str, dict[Key, int]] = field(default_factory=dict)
    withheld: int = 0
    # The rollups' last refresh when these figures were read (the page's "Figures as of").
    as_of: datetime | None = None

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
        "first_day": first,
        "next_year": after,
        "starts": timezone.make_aware(datetime.combine(first, time.min)),
        "ends": timezone.make_aware(datetime.combine(after, time.min)),
        "slugs": [slug for slug, _label in QUANTITIES.values()],
        "rho": RHO,
        "epsilon": EPSILON,
    }


def _fetch(function: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Call an aggregate function on the database the router reads from (the replica inside
    `replica_reads`)."""
    arguments = {name: params[name] for name in ARGUMENTS[function]}
    return aggregate_rows(function, arguments, using=read_alias(RollupState))


def _uuid(value: Any) -> UUID | None:
    return UUID(str(value)) if value is not None else None


def _events(params: dict[str, Any], teams: list[UUID], periods: list[Period]) -> dict[str, list[Cell]]:
    # Contacts and anonymous contacts always: people seen are tied to them (`_relations`).
    atoms: dict[str, dict[tuple[str, UUID, date], tuple[int, float]]] = {"contacts": {}, "anonymous_contacts": {}}
    rows = _fetch(EVENTS_FUNCTION, params) + _fetch(HEALTH_EVENTS_FUNCTION, params)
    rows += _fetch(EDUCATION_EVENTS_FUNCTION, params) + _fetch(VACCINATION_EVENTS_FUNCTION, params)
    for measure, team, month, count, keys in rows:
        atoms.setdefault(measure, {})[(measure, UUID(str(team)), month)] = (count, float(keys))
    cells: dict[str, list[Cell]] = {}
    for measure, found in atoms.items():
        cells[measure] = []
        for team in [*teams, None]:
            for period in periods:
                members = [(measure, t, m) for t in ([team] if team else teams) for m in months_of(period)]
                true = sum(found.get(atom, (0, 0.0))[0] for atom in members)
                key = combine(found.get(atom, (0, 0.0))[1] for atom in members)
                protected = protect_count(true, key)
                cells[measure].append(Cell((team, period), frozenset(members), true, protected))
    return cells


def _quantities(params: dict[str, Any], teams: list[UUID], periods: list[Period]) -> dict[str, list[Cell]]:
    by_slug = {slug: measure for measure, (slug, _label) in QUANTITIES.items()}
    found: dict[str, dict[Key, tuple[int, int, list[int], float]]] = defaultdict(dict)
    for slug, team, level, start, total, people, largest, keys in _fetch(QUANTITIES_FUNCTION, params):
        found[by_slug[slug]][(_uuid(team), (level, start))] = (total, people, list(largest), float(keys))
    cells: dict[str, list[Cell]] = {}
    for measure in QUANTITIES:
        cells[measure] = []
        for team in [*teams, None]:
            for period in periods:
                total, people, largest, key = found[measure].get((team, period), (0, 0, [], 0.0))
                members = [(measure, t, m) for t in ([team] if team else teams) for m in months_of(period)]
                protected = protect_quantity(total, people=people, largest=largest, cell_key=key)
                cells[measure].append(Cell((team, period), frozenset(members), total, protected, count=False))
    return cells


# Counts of distinct people: each figure is its own unknown for the audit, tied to the others
# by `_relations`.
PEOPLE_MEASURES = ["people_seen", "who5_people", *CHANGE, *ATTAINMENT]


def _people(
    params: dict[str, Any], teams: list[UUID], periods: list[Period]
) -> tuple[dict[str, list[Cell]], dict[Key, float | None]]:
    """The people figures of every cell as audit cells, and the WHO-5 means (not protected yet)."""
    wanted = set(periods)
    found: dict[str, dict[Key, tuple[int, float]]] = {measure: {} for measure in PEOPLE_MEASURES}
    for team, level, start, people, keys in _fetch(PEOPLE_FUNCTION, params):
        if (level, start) in wanted:
            found["people_seen"][(_uuid(team), (level, start))] = (people, float(keys or 0))
    means: dict[Key, float | None] = {}
    for row in _fetch(WHO5_FUNCTION, params):
        level, start, team, people, keys, mean, *changes = row
        if (level, start) not in wanted:
            continue
        key: Key = (_uuid(team), (level, start))
        found["who5_people"][key] = (people, float(keys or 0))
        means[key] = mean
        for n, name in enumerate(CHANGE):
            found[name][key] = (changes[2 * n], float(changes[2 * n + 1] or 0))
    for level, start, team, people, keys, *split in _fetch(GAS_FUNCTION, params):
        if (level, start) not in wanted:
            continue
        key = (_uuid(team), (level, start))
        found["gas_people"][key] = (people, float(keys or 0))
        found["gas_rose"][key] = (split[0], float(split[1] or 0))
        found["gas_not_rose"][key] = (split[2], float(split[3] or 0))
    cells: dict[str, list[Cell]] = {}
    for measure, values in found.items():
        cells[measure] = []
        for team in [*teams, None]:
            for period in periods:
                true, cell_key = values.get((team, period), (0, 0.0))
                atom = (measure, team, period)
                cells[measure].append(Cell((team, period), frozenset([atom]), true, protect_count(true, cell_key)))
    return cells, means


def _relations(cells: dict[str, list[Cell]], teams: list[UUID], periods: list[Period]) -> list[Relation]:
    """What is always true of the people figures, as an attacker may use it (privacy/audit.py):

    - a period's people are at most its parts' added up (a quarter's months, a year's months
      and quarters), and the organisation's at most its teams' added up;
    - people seen in a part are at most those seen in the whole (the same team's month and
      quarter; a team and the organisation);
    - with a WHO-5 total (and each reliable-change group), each person counts once per period
      with one team: the organisation's figure is its teams' added up, and each person of a
      period is someone of one of its months (so at most the months added up);
    - people seen at most the contacts with a registered person (contacts minus anonymous);
      reliably improved, unchanged and worse together at most the people with a WHO-5 total;
    - a team's contacts that covered a built-in topic in a month at most its contacts then (a
      topic is covered at a contact): without it, what a topic's figures say of its least
      value and the contacts' of their greatest could meet (tests/privacy/test_topics_within_contacts.py).
    """
    at = {measure: {cell.key: cell for cell in cells[measure]} for measure in cells}
    relations: list[Relation] = []
    parts: list[tuple[Period, list[Period]]] = []
    for period in periods:
        if period[0] != MONTH:
            months = [(MONTH, m) for m in months_of(period)]
            parts.append((period, months))
            if period[0] == YEAR:
                parts.append((period, [p for p in periods if p[0] == QUARTER]))
    for measure in PEOPLE_MEASURES:
        figure = at[measure]
        for team in [*teams, None]:
            for whole, pieces in parts:
                relations.append(Relation([figure[(team, whole)]], [figure[(team, p)] for p in pieces]))
                if measure == "people_seen" or (measure == "who5_people" and team is None):
                    relations += [Relation([figure[(team, p)]], [figure[(team, whole)]]) for p in pieces]
        for period in periods:
            everyone, each_team = figure[(None, period)], [figure[(team, period)] for team in teams]
            relations.append(Relation([everyone], each_team))
            if measure == "people_seen":
                relations += [Relation([one], [everyone]) for one in each_team]
            else:
                relations.append(Relation(each_team, [everyone]))
    for team in [*teams, None]:
        for period in periods:
            key = (team, period)
            seen, anonymous = at["people_seen"][key], at["anonymous_contacts"][key]
            relations.append(Relation([seen, anonymous], [at["contacts"][key]]))
            relations.append(Relation([at[name][key] for name in CHANGE], [at["who5_people"][key]]))
            relations.append(Relation([at["gas_rose"][key], at["gas_not_rose"][key]], [at["gas_people"][key]]))
    months = [period for period in periods if period[0] == MONTH]
    for topic in (measure for measure in TOPIC_MEASURES if measure in at):
        relations += [Relation([at[topic][(team, m)]], [at["contacts"][(team, m)]]) for team in teams for m in months]
    return relations


def _derived(year: "Year", means: dict[Key, float | None]) -> None:
    """WHO-5 means and shares reliably improved, from the audited people figures."""
    year.figures["who5_mean"] = {key: protect_mean(mean, year.get("who5_people", *key)) for key, mean in means.items()}
    year.figures["share_improved"] = {
        key: protect_share(year.get("improved", *key), [year.get("no_change", *key), year.get("worse", *key)])
        for key in means
    }
    year.figures["share_gas_rose"] = {
        key: protect_share(year.get("gas_rose", *key), [year.get("gas_not_rose", *key)])
        for key in year.figures["gas_people"]
    }


def build(year: int, *, teams: Iterable[UUID], before: date) -> Year:
    """The year's figures, protected and audited (no cache: `year_figures` caches)."""
    team_ids = sorted(teams, key=str)
    periods = complete_periods(year, before=before)
    params = _params(year)
    found = Year(year, team_ids, periods)
    people, means = _people(params, team_ids, periods)
    audited = _events(params, team_ids, periods) | _quantities(params, team_ids, periods) | people
    relations = _relations(audited, team_ids, periods)
    # Figures tied by relations are audited together (one linear program), the others alone.
    topics = [measure for measure in TOPIC_MEASURES if measure in audited]
    together = [["contacts", "anonymous_contacts", "people_seen", *topics], ["who5_people", *CHANGE], [*ATTAINMENT]]
    groups = together + [[measure] for measure in audited if not any(measure in group for group in together)]
    for group in groups:
        cells = [cell for measure in group for cell in audited[measure]]
        members = {id(cell) for cell in cells}
        tied = [r for r in relations if all(id(cell) in members for cell in r.cells())]
        found.withheld += withhold_until_safe(cells, tied)
    for measure, cells in audited.items():
        found.figures[measure] = {cell.key: cell.protected for cell in cells}  # type: ignore[misc]
        found.truth[measure] = {cell.key: cell.true for cell in cells}  # type: ignore[misc]
    _derived(found, means)
    return found


# The last few years' figures this process read, as objects: the cache holds them pickled,
# and unpickling a year's figures (about 150 KB) cost the organisation view about a third of
# its time. The key names the rollups' version, and an entry is used only while the cache
# still holds it (`has_key` reads no value), so it is never older than the cache's.
RECENT_YEARS = 8
_RECENT: dict[str, Year] = {}
_RECENT_LOCK = threading.Lock()


# A year's figures are built again at most this often, however often the rollups are
# refreshed. They are of complete months, which a day's new contacts do not change (only late
# ones, corrections, transfers and merges do), and building and auditing a year is seconds of
# CPU at a tenth of the benchmark's scale: rebuilt after every refresh (each minute while
# contacts come in), in every server process, it took a core from the people logging them
# (bench/README.md, "The cluster under load").
REBUILT_EVERY = timedelta(hours=1)


def _version(refreshed_at: datetime | None) -> str:
    """The rollups' version, to the REBUILT_EVERY: one key per hour of refreshes."""
    if refreshed_at is None:
        return "never"
    step = int(REBUILT_EVERY.total_seconds())
    return str(int(refreshed_at.timestamp()) // step * step)


def year_figures(year: int, *, teams: Iterable[UUID], before: date) -> Year:
    """`build`, cached until the rollups are next refreshed in a later hour (REBUILT_EVERY)."""
    team_ids = sorted(teams, key=str)
    refreshed_at = RollupState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
    version = _version(refreshed_at)
    described = f"{year}:{before}:{version}:{','.join(str(t) for t in team_ids)}"
    key = "privacy-hierarchy:" + hashlib.sha256(described.encode()).hexdigest()
    found = _RECENT.get(key) if cache.has_key(key) else None  # gone from the cache: gone here
    if found is None:
        found = cache.get(key)
        if found is None:
            found = build(year, teams=team_ids, before=before)
            found.as_of = refreshed_at
            cache.set(key, found, timeout=24 * 3600)
        with _RECENT_LOCK:
            _RECENT[key] = found
            while len(_RECENT) > RECENT_YEARS:
                _RECENT.pop(next(iter(_RECENT)))
    return found


def this_month() -> date:
    """The first day of the current month, in the organisation's time zone."""
    return timezone.localdate().replace(day=1)


def default_period(month: date) -> Period:
    """The organisation view's period when none is chosen: the last complete month."""
    return (MONTH, add_months(month, -1))


def build_ahead() -> Year:
    """The organisation view's default year, as it reads it (every team; complete months before
    this one), built now unless this hour's is built. The background refresh calls this after
    each refresh (dashboards/tasks.py), so the build of a new hour's figures (seconds of CPU)
    happens on the worker, not while a data admin waits for the page; cached, it costs two
    small queries."""
    month = this_month()
    every_team = TeamRecord.objects.values_list("pk", flat=True)
    return year_figures(default_period(month)[1].year, teams=every_team, before=month)


def service_measures() -> list[tuple[str, UUID, str]]:
    """(measure, id, name) of each service type's "given at contacts" count."""
    return [
        (f"service:{pk}", pk, name)
        for pk, name in ServiceType.objects.order_by("order", "slug").values_list("pk", "name")
    ]
