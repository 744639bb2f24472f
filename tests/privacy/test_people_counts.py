"""Distinct-people counts across everything the organisation view releases (issue 12, point 6).

People do not add up over months or teams (a person seen in two months is one person in the
quarter), so the attacker cannot subtract them; but what is always true of them is enough
to pin small counts down: a quarter's people are at most its months' added up and at least
any month's, and the organisation's at most its teams' added up and at least any team's.

The trap: a team ("Bay") sees 10 people in January and 10 others in February, one contact
each, and no one in March. Its quarter has 20 people, and the people's ids are chosen so
that the quarter's cell key rounds it up by 2, to 22, which says "at least 20": January
and February, each "fewer than 11", must then both be exactly 10. The attacker reads every
period the view offers and solves the inequalities; no count of 1 to 10 may keep fewer than
5 possible values.
"""

import hashlib
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest
from django.db.models import Count
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.test import Client as HttpClient
from scipy.optimize import linprog

from accounts.models import Membership, Team, User
from clients.models import Client
from dashboards import rollups
from encounters.models import Encounter, Site
from privacy.cellkey import combine, perturbation
from tests.factories import MembershipFactory, TeamFactory

from .attacker import FEWEST_VALUES, possible_values
from .conftest import Programme, at
from .outputs import Cell, every_period_the_view_allows, organisation_view

pytestmark = pytest.mark.django_db

ORGANISATION = "The organisation"


def record_key(pk: uuid.UUID) -> float:
    """privacy/cellkey.py's RECORD_KEY_SQL, in Python."""
    return int(hashlib.md5(str(pk).encode(), usedforsecurity=False).hexdigest()[:8], 16) / 4294967296.0


def ids_rounded_up(count: int, rng: random.Random) -> list[uuid.UUID]:
    """`count` ids whose record keys add up to a cell key that perturbs by +2."""
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(count - 1)]
    while True:
        last = uuid.UUID(int=rng.getrandbits(128), version=4)
        if perturbation(combine(record_key(pk) for pk in [*ids, last])) == 2:
            return [*ids, last]


@pytest.fixture
def bay(programme: Programme) -> Team:
    team = TeamFactory.create(name="Bay")
    worker = MembershipFactory.create(team=team, role=Membership.Role.WORKER, user__username="w-Bay").user
    site = Site.objects.create(team=team, name="Bay pier", area="Bay")
    people = [
        Client(pk=pk, home_team=team, year_of_birth=1980, gender="woman") for pk in ids_rounded_up(20, random.Random(7))
    ]
    Client.objects.bulk_create(people)
    Encounter.objects.bulk_create(
        Encounter(client=person, team=team, worker=worker, site=site, happened_at=at(date(2026, 1 + n // 10, 1), 15))
        for n, person in enumerate(people)
    )
    rollups.rebuild()
    return team


@dataclass(frozen=True)
class Figure:
    team: str
    period: str  # "2026-01", "2026-Q1", "2026"
    low: float
    high: float


def people_seen(client: HttpClient) -> dict[tuple[str, str], Figure]:
    """'People seen' of every team and the organisation, for every period the view offers."""
    found = {}
    for params in every_period_the_view_allows(client):
        page = organisation_view(client, params)
        assert page is not None
        table = page.tables["teams"]
        column = table.column("People seen")
        assert column is not None
        for label, cells in table.rows:
            interval = Cell(cells[column].text, cells[column].status).interval(page.bound)
            low, high = interval if interval is not None else (0.0, 0.0)  # "–": none
            found[(label, params["period"])] = Figure(label, params["period"], low, high)
    return found


def parts(period: str, periods: Iterable[str]) -> list[list[str]]:
    """The ways `period` splits into other released periods: a quarter into its months, a
    year into its months and into its quarters."""
    if len(period) == 4:
        return [[p for p in periods if p.startswith(period + "-") and "Q" not in p],
                [p for p in periods if p.startswith(period + "-Q")]]  # fmt: skip
    if "-Q" in period:
        first = 3 * (int(period[-1]) - 1) + 1
        return [[f"{period[:4]}-{month:02d}" for month in range(first, first + 3)]]
    return []


def inequalities(figures: dict[tuple[str, str], Figure], teams: list[str]) -> list[tuple[list, list]]:
    """(smaller, larger): the figures of `smaller` added up are at most those of `larger`."""
    periods = {period for _team, period in figures}
    found = []
    for team in [*teams, ORGANISATION]:
        for period in periods:
            for pieces in parts(period, periods):
                if all((team, p) in figures for p in pieces) and pieces:
                    found.append(([(team, period)], [(team, p) for p in pieces]))
                    found += [([(team, p)], [(team, period)]) for p in pieces]
    for period in periods:
        found.append(([(ORGANISATION, period)], [(team, period) for team in teams]))
        found += [([(team, period)], [(ORGANISATION, period)]) for team in teams]
    return found


def truth(teams: list[Team]) -> dict[tuple[str, str], int]:
    """True people seen per (team, period), from the database."""
    found: dict[tuple[str, str], int] = {}
    names = {team.pk: team.name for team in teams}
    registered = Encounter.objects.filter(client__isnull=False)
    for trunc, shape in ((TruncMonth, "%Y-%m"), (TruncQuarter, "q"), (TruncYear, "%Y")):

        def code(day: date, shape: str = shape) -> str:
            return f"{day:%Y}-Q{(day.month - 1) // 3 + 1}" if shape == "q" else f"{day:{shape}}"

        rows = (
            registered.annotate(p=trunc("happened_at"))
            .values("team_id", "p")
            .annotate(n=Count("client", distinct=True))
        )
        for row in rows:
            found[(names[row["team_id"]], code(row["p"].date()))] = row["n"]
        everyone = registered.annotate(p=trunc("happened_at")).values("p").annotate(n=Count("client", distinct=True))
        for total in everyone:
            found[(ORGANISATION, code(total["p"].date()))] = total["n"]
    return found


def narrowed(figures: dict[tuple[str, str], Figure], teams: list[str], true: dict[tuple[str, str], int]) -> list:
    keys = sorted(figures)
    index = {key: n for n, key in enumerate(keys)}
    rows, bounds = [], []
    for smaller, larger in inequalities(figures, teams):
        row = np.zeros(len(keys))
        for key in smaller:
            row[index[key]] += 1
        for key in larger:
            row[index[key]] -= 1
        rows.append(row)
        bounds.append(0.0)
    for key, figure in figures.items():
        row = np.zeros(len(keys))
        row[index[key]] = 1
        if figure.high != float("inf"):
            rows.append(row)
            bounds.append(figure.high)
        rows.append(-row)
        bounds.append(-figure.low)
    found = []
    for key in keys:
        if not 1 <= true.get(key, 0) <= 10:
            continue
        objective = np.zeros(len(keys))
        objective[index[key]] = 1
        low = linprog(objective, A_ub=np.array(rows), b_ub=np.array(bounds), bounds=(0, None), method="highs")
        high = linprog(-objective, A_ub=np.array(rows), b_ub=np.array(bounds), bounds=(0, None), method="highs")
        assert low.status == 0, f"the released people figures contradict each other: {low.message}"
        top = -high.fun if high.status == 0 else float("inf")
        if possible_values(low.fun, top) < FEWEST_VALUES:
            found.append((key, true[key], low.fun, top))
    return found


def test_no_people_count_narrows_below_5_values_over_every_period_of_the_view(
    programme: Programme, bay: Team, client: HttpClient, data_admin: User
) -> None:
    teams = [*programme.teams, bay]
    names = [team.name for team in teams]
    true = truth(teams)
    assert (true[("Bay", "2026-01")], true[("Bay", "2026-02")], true[("Bay", "2026-Q1")]) == (10, 10, 20)
    # The trap is live: Bay's quarter, published, would read 22 (so at least 20).
    bay_people = Client.objects.filter(home_team=bay).values_list("pk", flat=True)
    assert perturbation(combine(record_key(pk) for pk in bay_people)) == 2
    client.force_login(data_admin)
    figures = people_seen(client)
    assert narrowed(figures, names, true) == []
    quarter = figures[("Bay", "2026-Q1")]
    assert quarter.high == float("inf") or quarter.low < 20, "the quarter that pins the months down is not shown"
