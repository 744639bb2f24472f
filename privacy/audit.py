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

This is the attacker of tests/privacy/ turned round: the same facts, the same programs.
"""

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from .figures import Protected, Status
from .rules import FEWEST_POSSIBLE_VALUES, PROTECTION_INTERVAL, THRESHOLD


@dataclass
class Cell:
    """One released figure: the (team, month) cells it adds up, its true value, and what is
    printed. `count` cells (not quantities) are known to be at least 11 when rounded."""

    key: Hashable
    atoms: frozenset[Hashable]
    true: int
    protected: Protected
    count: bool = True


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


def _system(cells: Sequence[Cell], index: dict[Hashable, int]) -> tuple[np.ndarray, np.ndarray]:
    rows, bounds = [], []
    for cell in cells:
        fact = _fact(cell)
        if fact is None:
            continue
        vector = np.zeros(len(index))
        for atom in cell.atoms:
            vector[index[atom]] = 1
        rows += [vector, -vector]
        bounds += [fact[1], -fact[0]]
    return np.array(rows), np.array(bounds)


def _range(objective: np.ndarray, a_ub: np.ndarray, b_ub: np.ndarray) -> tuple[float, float]:
    low = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    high = linprog(-objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    return (low.fun if low.status == 0 else 0.0, -high.fun if high.status == 0 else math.inf)


def _narrowed(cells: Sequence[Cell], index: dict[Hashable, int]) -> Cell | None:
    """The first protected target the released facts pin down, or None."""
    a_ub, b_ub = _system(cells, index)
    if not len(a_ub):
        return None
    targets = [c for c in cells if not c.protected.published and 1 <= c.true < THRESHOLD]
    for target in targets:
        objective = np.zeros(len(index))
        for atom in target.atoms:
            objective[index[atom]] = 1
        if possible_values(*_range(objective, a_ub, b_ub)) < FEWEST_POSSIBLE_VALUES:
            return target
    return None


def withhold_until_safe(cells: Sequence[Cell]) -> int:
    """Withhold published figures (in place) until no protected count narrows; returns how
    many were withheld. Every (team, month) cell must be among `cells` (as its own cell)."""
    index = {atom: n for n, atom in enumerate(sorted({a for c in cells for a in c.atoms}, key=str))}
    withheld = 0
    while (target := _narrowed(cells, index)) is not None:
        # Facts that can be taken back: rounded figures, and "fewer than 11" ones (their "at
        # least 1" adds up: ten small months under a small quarter pin each of them down).
        around = [
            c
            for c in cells
            if c is not target and c.protected.status in {Status.ROUNDED, Status.SMALL} and c.atoms & target.atoms
        ]
        if not around:  # pragma: no cover - a narrowed count always has a figure around it
            raise AssertionError("nothing left to withhold")
        # The cheapest figure that covers the whole target, else the cheapest that overlaps it.
        covering = [c for c in around if target.atoms <= c.atoms] or around
        chosen = min(covering, key=lambda c: (c.protected.status == Status.SMALL, c.true, len(c.atoms)))
        chosen.protected = chosen.protected.withheld()
        withheld += 1
    return withheld
