"""Figures derived from counts (shares) and quantities (magnitudes), as an attacker and as a
funder would read them."""

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.db.models import Sum
from django.test import Client as HttpClient

from accounts.models import User
from encounters.models import ServiceProvided

from .attacker import months_of, possible_values
from .conftest import MONTHS, Programme
from .outputs import Cell, Page, finished, month_of_label, organisation_view, start_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    settings.ALONGSIDE_EXPORT_ROOT = root  # type: ignore[attr-defined]
    return root


def numerators(share: float, decimals: int, low: float, high: float) -> set[tuple[int, int]]:
    """Every (count, of people) that prints as this share, the people within [low, high]."""
    found = set()
    for people in range(max(1, int(low)), int(min(high, 500)) + 1):
        for count in range(people + 1):
            if round(count / people, decimals) == round(share, decimals):
                found.add((count, people))
    return found


def test_no_share_gives_away_a_count_under_11(programme: Programme, data_admin: User, export_root: Path) -> None:
    exports = [start_export(data_admin, programme.teams, ["aggregate"], first_month=m, last_month=m) for m in MONTHS]
    exports.append(start_export(data_admin, programme.teams, ["aggregate"]))
    given_away = []
    shares = 0
    for files in finished(exports, export_root):
        bound = int(files.codebook["datasets"]["aggregate"]["privacy"].get("protection_interval", 0) or 0)
        for row in files.csv("aggregate_report"):
            text = row.get("who5_share_reliably_improved", "")
            try:
                share = float(text)
            except ValueError:
                continue
            shares += 1
            people = Cell(row.get("who5_people", ""), "rounded" if bound else "").interval(bound) or (11, 500)
            decimals = len(text.split(".")[1]) if "." in text else 0
            pairs = numerators(share, decimals, *people)
            counts = {count for count, _people in pairs}
            rests = {people - count for count, people in pairs}
            for values in (counts, rests):
                if values and max(values) <= 10 and min(values) >= 1 and possible_values(min(values), max(values)) < 5:
                    given_away.append((row["team"], row.get("month") or row.get("period"), text, sorted(values)))
    assert shares, "shares were published to attack"
    assert given_away == []


def contributions(programme: Programme) -> dict[tuple[str, date], dict[object, int]]:
    """Naloxone kits per (team, month), per person (anonymous contacts: one contributor each)."""
    names = {team.pk: team.name for team in programme.teams}
    found: dict[tuple[str, date], dict[object, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        ServiceProvided.objects.filter(service_type__slug="naloxone-kit")
        .values("encounter__team_id", "encounter__happened_at", "encounter__client_id", "encounter_id")
        .annotate(kits=Sum("quantity"))
    )
    for row in rows:
        month = row["encounter__happened_at"].date().replace(day=1)
        who = row["encounter__client_id"] or row["encounter_id"]
        found[(names[row["encounter__team_id"]], month)][who] += row["kits"]
    return found


def judged(cells: list[tuple[str, list[tuple[str, date]]]], per_cell: dict[tuple[str, date], dict[object, int]]):
    for text, atoms in cells:
        people: dict[object, int] = defaultdict(int)
        for atom in atoms:
            for who, kits in per_cell.get(atom, {}).items():
                people[who] += kits
        total = sum(people.values())
        top = sorted(people.values(), reverse=True)
        dominated = bool(total) and (top[0] > total / 2 or sum(top[:2]) > total * 3 / 4)
        yield text, total, len(people), dominated


def test_quantities_are_judged_by_who_received_them(programme: Programme, client: HttpClient, data_admin: User) -> None:
    """Shown only when at least 11 people received them and no one or two of them most of it;
    never hidden as "fewer than 11" when they were."""
    client.force_login(data_admin)
    wrong: list[tuple[object, ...]] = []
    for params in (
        {"period": "2026-Q1"},
        {"period": "2026-Q2"},
        {"period": "custom", "start": "2026-01", "end": "2026-06"},
    ):
        page = organisation_view(client, params)
        assert page is not None
        wrong += misjudged(page, programme)
    assert wrong == []


def misjudged(page: Page, programme: Programme) -> list[tuple[object, ...]]:
    wrong: list[tuple[object, ...]] = []
    contacts = page.tables["contacts"]
    column = contacts.column("naloxone kits")
    assert column is not None
    period = [m for m in (month_of_label(label) for label, _cells in contacts.rows) if m is not None]
    cells = [
        (cells[column].text, [(team, month_of_label(label)) for team in programme.team_names])
        for label, cells in contacts.rows
        if month_of_label(label) in MONTHS
    ]
    teams = page.tables["teams"]
    team_column = teams.column("naloxone kits")
    assert team_column is not None
    cells += [
        (cells_[team_column].text, [(label, month) for month in period])
        for label, cells_ in teams.rows
        if label in programme.team_names
    ]
    for text, total, people, dominated in judged(cells, contributions(programme)):  # type: ignore[arg-type]
        shown = Cell(text).interval(0) not in {None, (1, 10), (0, float("inf"))}
        if shown and total and (people < 11 or dominated):
            wrong.append(("shown", text, total, people, dominated))
        if not shown and total and people >= 11 and not dominated:
            wrong.append(("hidden", text, total, people, dominated))
    assert months_of("2026", period)  # the helper reads years too
    return wrong
