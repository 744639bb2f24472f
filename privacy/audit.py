"""The audit over everything released together: no protected count narrows to fewer than
FEWEST_POSSIBLE_VALUES possible values, whatever combination of released figures is used.

The released figures of one measure for one calendar year (every team and the whole
organisation, by month, quarter and year: all the organisation view and the aggregate
export can ever show of that year) are facts about the true (team, month) counts:
a rounded figure v says "between v - interval and v + interval" (and at least 11), "fewer
than 11" says 1 to 10, 0 says 0, a withheld figure says nothing. For every protected count
(a figure not published whose true value is 1 to 10, and every (team, month) count of 1 to
10), two linear programs (scipy's HiGHS) find the least and greatest value the facts allow.
When fewer than FEWEST_POSSIBLE_VALUES values remain, the published figure that contains it
and is smallest is withheld ("withheld so that a smaller number can't be worked out"), and
the audit runs again, until every protected count keeps its values.

Distinct-people counts (people seen, people with a WHO-5 total, reliably improved / no
change / worse) do not add up over months and teams: a person seen in two months is one
person in the quarter. Each such figure is a variable of its own, tied to the others by
what is always true of them (`Relation`s: a quarter's people are at least its busiest
month's and at most its months' added up; the organisation's at least any team's and at
most the teams' added up; people seen at most the contacts with a registered person, that
is contacts minus anonymous contacts; people reliably improved, unchanged and worse
together at most the people with a WHO-5 total). These are the inequalities an attacker
has; the audit solves them together with the additive figures they touch.

This is the attacker of tests/privacy/ turned round: the same facts, the same programs.
"""

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from .figures import Protected, Status
from .rules import FEWEST_POSSIBLE_VALUES, PROTECTION_INTERVAL, THRESHOLD

# numpy and scipy are imported where the audit runs, not with this module: scipy.optimize
# alone adds about 65 MB to a process, and the export worker, which imports this module
# through the hierarchy, streams record-level files without ever solving anything
# (bench/README.md: export_peak_mb).


@dataclass
class Cell:
    """One released figure: the (team, month) cells it adds up, its true value, and what is
    printed. `count` cells (not quantities) are known to be at least 11 when rounded."""

    key: Hashable
    atoms: frozenset[Hashable]
    true: int
    protected: Protected
    count: bool = True


@dataclass
class Relation:
    """Always true of the true values: the cells of `smaller` added up are at most the cells
    of `larger` added up (each cell counted as the sum of its atoms)."""

    smaller: Sequence[Cell]
    larger: Sequence[Cell]

    def cells(self) -> list[Cell]:
        return [*self.smaller, *self.larger]


def _fact(cell: Cell) -> tuple[float, float] | None:
    status, value = cell.protected.status, cell.protected.value
    if status == Status.ZERO:
        return (0, 0)
    if status == Status.SMALL:
        return (1, THRESHOLD - 1)
    if status == Status.ROUNDED and value is not None:
        low = value - PROTECTION_INTERVAL
        return (max(low, THRESHOLD) if cell.count else max(low, 0), value + PROTECTION_INTERVAL)
    return None


def possible_values(low: float, high: float) -> int:
    if math.isinf(high):
        return 1_000_000
    return max(0, math.floor(high + 1e-6) - math.ceil(max(low, 0) - 1e-6) + 1)


def _system(cells: Sequence[Cell], relations: Sequence[Relation], index: dict[Hashable, int]) -> tuple[Any, Any]:
    """The facts and relations as A x <= b, A sparse (each row touches a few unknowns)."""
    import numpy as np
    from scipy.sparse import csr_array

    data: list[float] = []
    columns: list[int] = []
    starts = [0]
    bounds: list[float] = []

    def row(coefficients: dict[int, float], bound: float) -> None:
        data.extend(coefficients.values())
        columns.extend(coefficients)
        starts.append(len(data))
        bounds.append(bound)

    for relation in relations:
        coefficients: dict[int, float] = {}
        for cell in relation.smaller:
            for atom in cell.atoms:
                coefficients[index[atom]] = coefficients.get(index[atom], 0) + 1
        for cell in relation.larger:
            for atom in cell.atoms:
                coefficients[index[atom]] = coefficients.get(index[atom], 0) - 1
        row(coefficients, 0.0)
    for cell in cells:
        fact = _fact(cell)
        if fact is None:
            continue
        row({index[atom]: 1.0 for atom in cell.atoms}, fact[1])
        row({index[atom]: -1.0 for atom in cell.atoms}, -fact[0])
    matrix = csr_array((np.array(data), np.array(columns, dtype=np.int64), np.array(starts)),
                       shape=(len(bounds), len(index)))  # fmt: skip
    return matrix, np.array(bounds)


def _range(objective: Any, a_ub: Any, b_ub: Any) -> tuple[float, float]:
    from scipy.optimize import linprog

    low = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    high = linprog(-objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    return (low.fun if low.status == 0 else 0.0, -high.fun if high.status == 0 else math.inf)


def _values_left(target: Cell, system: tuple[Any, Any], index: dict[Hashable, int]) -> int:
    import numpy as np

    a_ub, b_ub = system
    if not len(b_ub):
        return 1_000_000
    objective = np.zeros(len(index))
    for atom in target.atoms:
        objective[index[atom]] = 1
    return possible_values(*_range(objective, a_ub, b_ub))


def _narrowed(
    cells: Sequence[Cell], relations: Sequence[Relation], index: dict[Hashable, int], safe: set[int]
) -> Cell | None:
    """The first protected target the released facts pin down, or None. Targets found safe
    are noted in `safe`: withholding only takes facts away, so a target's range can only
    widen afterwards, and it need not be solved again."""
    system = _system(cells, relations, index)
    targets = [c for c in cells if not c.protected.published and 1 <= c.true < THRESHOLD and id(c) not in safe]
    for target in targets:
        if _values_left(target, system, index) < FEWEST_POSSIBLE_VALUES:
            return target
        safe.add(id(target))
    return None


def _tied(cells: Sequence[Cell], relations: Sequence[Relation], target: Cell) -> list[Cell]:
    """The figures that can be taken back to protect `target`, nearest first: those that share
    records with it or are tied to it by a relation; when none of them is published any more,
    those tied to them, and so on."""
    links: dict[int, list[Cell]] = {}
    for relation in relations:
        tied = relation.cells()
        for cell in tied:
            links.setdefault(id(cell), []).extend(c for c in tied if c is not cell)
    seen, ring = {id(target)}, [target]
    while ring:
        near = [c for c in cells if id(c) not in seen and any(c.atoms & r.atoms for r in ring)]
        near += [c for r in ring for c in links.get(id(r), []) if id(c) not in seen]
        ring = list({id(c): c for c in near}.values())
        seen |= {id(c) for c in ring}
        takeable = [c for c in ring if c.protected.status in {Status.ROUNDED, Status.SMALL}]
        if takeable:
            return takeable
    return []


def withhold_until_safe(cells: Sequence[Cell], relations: Sequence[Relation] = ()) -> int:
    """Withhold published figures (in place) until no protected count narrows; returns how
    many were withheld. Every (team, month) cell must be among `cells` (as its own cell);
    `relations` tie cells that do not add up (distinct people) to the others."""
    index = {atom: n for n, atom in enumerate(sorted({a for c in cells for a in c.atoms}, key=str))}
    withheld = 0
    safe: set[int] = set()
    while (target := _narrowed(cells, relations, index, safe)) is not None:
        # Facts that can be taken back: rounded figures, and "fewer than 11" ones (their "at
        # least 1" adds up: ten small months under a small quarter pin each of them down).
        around = _tied(cells, relations, target)
        if not around:  # pragma: no cover - a narrowed count always has a figure around it
            raise AssertionError("nothing left to withhold")
        # The cheapest figure that covers the whole target, else the cheapest that overlaps it
        # (or is tied to it), and among those the first whose withholding alone gives the
        # target back its values; if none does alone, the cheapest, and the audit goes on.
        covering = [c for c in around if target.atoms <= c.atoms] or around
        ranked = sorted(covering, key=lambda c: (c.protected.status == Status.SMALL, c.true, len(c.atoms), str(c.key)))
        chosen = ranked[0]
        if relations:
            for candidate in ranked:
                kept = candidate.protected
                candidate.protected = kept.withheld()
                freed = _values_left(target, _system(cells, relations, index), index) >= FEWEST_POSSIBLE_VALUES
                candidate.protected = kept
                if freed:
                    chosen = candidate
                    break
        chosen.protected = chosen.protected.withheld()
        withheld += 1
    return withheld
