"""The attacker's arithmetic: every released figure becomes a fact about the true counts of
(team, month) cells, and the attacker combines facts to pin down small counts.

A fact says: the true value of a measure summed over a set of (team, month) cells lies in
[low, high] (exact figures: low = high; "fewer than 11": 1 to 10; rounded figures: within
the protection interval the output states). A protected count (a true value of 1 to 10) is
recovered when the facts leave it fewer than 5 possible values.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.optimize import linprog

from .conftest import MONTHS, Programme
from .outputs import ExportFiles, Page, month_of_label

Atom = tuple[str, date]  # (team name, month)
FEWEST_VALUES = 5

# The organisation view's columns and the aggregate export's, for the additive measures.
VIEW_MONTHLY = {("contacts", "contacts"): "contacts", ("contacts", "naloxone kits"): "naloxone_kits",
                ("overdoses", "responses"): "overdose_responses"}  # fmt: skip
VIEW_TEAMS = {"contacts": "contacts", "naloxone kits": "naloxone_kits", "overdose responses": "overdose_responses"}


@dataclass(frozen=True)
class Fact:
    measure: str
    atoms: frozenset[Atom]
    low: float
    high: float
    source: str


def months_of(label: str, period_months: list[date]) -> list[date] | None:
    """The months a row label covers: a month, a quarter (2026-Q2), a year (2026), or all."""
    label = label.strip()
    month = month_of_label(label)
    if month is not None:
        return [month]
    if len(label) == 7 and label[4:6] == "-Q" and label[:4].isdigit():
        year, quarter = int(label[:4]), int(label[6])
        return [date(year, 3 * (quarter - 1) + m, 1) for m in (1, 2, 3)]
    if len(label) == 4 and label.isdigit():
        return [date(int(label), m, 1) for m in range(1, 13)]
    if label.startswith("("):
        return period_months
    return None


# Quantities are protected by the people who received them: "fewer than 11" there says
# nothing of the quantity itself.
MAGNITUDES = {"naloxone_kits"}


def _fact(measure: str, atoms: Iterable[Atom], interval: tuple[float, float] | None, source: str) -> Fact | None:
    if interval is None:
        return None
    if measure in MAGNITUDES and interval == (1, 10):
        interval = (0, math.inf)
    return Fact(measure, frozenset(atoms), interval[0], interval[1], source)


def facts_from_view(page: Page, teams: list[str], source: str) -> list[Fact]:
    facts: list[Fact | None] = []
    contacts = page.tables.get("contacts")
    if contacts is None:
        return []
    period = [m for m in (month_of_label(label) for label, _cells in contacts.rows) if m is not None]
    for (key, header), measure in VIEW_MONTHLY.items():
        table = page.tables.get(key)
        column = table.column(header) if table else None
        if table is None or column is None:
            continue
        for label, cells in table.rows:
            month = month_of_label(label)
            if month is not None and column < len(cells):
                atoms = [(team, month) for team in teams]
                facts.append(_fact(measure, atoms, cells[column].interval(page.bound), f"{source} {key} {label}"))
    table = page.tables.get("teams")
    if table is not None:
        for header, measure in VIEW_TEAMS.items():
            column = table.column(header)
            if column is None:
                continue
            for label, cells in table.rows:
                if label in teams and column < len(cells):
                    atoms = [(label, month) for month in period]
                    facts.append(_fact(measure, atoms, cells[column].interval(page.bound), f"{source} teams {label}"))
    return [fact for fact in facts if fact is not None]


def facts_from_aggregate(files: ExportFiles, source: str, every_team: list[str]) -> list[Fact]:
    from .outputs import Cell

    rows = files.csv("aggregate_report")
    if not rows:
        return []
    book = files.codebook
    teams = list(book["export"]["teams"])
    first, last = book["export"]["from_month"], book["export"]["to_month"]
    period = [m for m in MONTHS if first <= f"{m:%Y-%m}" <= last]
    privacy = book["datasets"].get("aggregate", {}).get("privacy", {})
    bound = int(privacy.get("protection_interval", 0) or 0)
    facts = []
    for row in rows:
        team = row.get("team", "")
        # "(all teams)": the export's teams; "(organisation)": every team, whichever were chosen.
        row_teams = every_team if team == "(organisation)" else teams if team.startswith("(") else [team]
        months = months_of(row.get("month") or row.get("period") or "", period)
        if months is None:
            continue
        atoms = [(t, m) for t in row_teams for m in months]
        for measure in ("contacts", "overdose_responses", "naloxone_kits"):
            if measure in row:
                text = row[measure]
                cell = Cell(text, "rounded" if bound and text.strip().lstrip("-").isdigit() else "")
                fact = _fact(measure, atoms, cell.interval(bound), f"{source} {team} {row.get('month')}")
                if fact is not None:
                    facts.append(fact)
    return facts


def possible_values(low: float, high: float) -> int:
    """Integers in [low, high] (within rounding of the solver)."""
    if math.isinf(high):
        return 1_000_000
    return max(0, math.floor(high + 1e-6) - math.ceil(max(low, 0) - 1e-6) + 1)


@dataclass(frozen=True)
class Recovered:
    measure: str
    atoms: frozenset[Atom]
    true: int
    low: float
    high: float
    how: str


def differencing(facts: list[Fact], programme: Programme) -> list[Recovered]:
    """Every pair of facts of one measure whose cells nest: the difference of the two."""
    found = []
    by_measure: dict[str, list[Fact]] = {}
    for fact in facts:
        by_measure.setdefault(fact.measure, []).append(fact)
    for measure, group in by_measure.items():
        unique = {(f.atoms, f.low, f.high): f for f in group}.values()
        for outer in unique:
            for inner in unique:
                if not inner.atoms < outer.atoms:
                    continue
                rest = outer.atoms - inner.atoms
                true = programme.true_sum(measure, rest)
                low, high = outer.low - inner.high, outer.high - inner.low
                if 1 <= true <= 10 and possible_values(low, high) < FEWEST_VALUES:
                    found.append(Recovered(measure, rest, true, low, high, f"{outer.source} minus {inner.source}"))
    return found


def linear_bounds(facts: list[Fact], programme: Programme) -> list[Recovered]:
    """All facts together, one linear program per measure: the least and greatest value every
    protected count can take (every (team, month) cell and every released set of cells whose
    true value is 1 to 10)."""
    found = []
    teams = programme.team_names
    atoms: list[Atom] = [(team, month) for team in teams for month in [date(2026, m, 1) for m in range(1, 13)]]
    index = {atom: i for i, atom in enumerate(atoms)}
    for measure in sorted({fact.measure for fact in facts}):
        group = [fact for fact in facts if fact.measure == measure and fact.atoms <= index.keys()]
        rows, bounds = [], []
        for fact in group:
            vector = np.zeros(len(atoms))
            for atom in fact.atoms:
                vector[index[atom]] = 1
            if not math.isinf(fact.high):
                rows.append(vector)
                bounds.append(fact.high)
            rows.append(-vector)
            bounds.append(-fact.low)
        a_ub, b_ub = np.array(rows), np.array(bounds)
        targets = {frozenset([atom]) for atom in atoms} | {fact.atoms for fact in group}
        for target in targets:
            true = programme.true_sum(measure, target)
            if not 1 <= true <= 10:
                continue
            objective = np.zeros(len(atoms))
            for atom in target:
                objective[index[atom]] = 1
            low = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
            high = linprog(-objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
            if low.status != 0:
                raise AssertionError(f"the facts about {measure} contradict each other: {low.message}")
            top = -high.fun if high.status == 0 else math.inf
            if possible_values(low.fun, top) < FEWEST_VALUES:
                found.append(Recovered(measure, target, true, low.fun, top, "linear program over every release"))
    return found
