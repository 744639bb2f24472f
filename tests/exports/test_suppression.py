"""Complementary suppression: an adversary with the totals cannot work out any hidden count.

Two adversaries over random tables (teams x months with every total):
- exact linear algebra over the rationals: a hidden cell follows from what is shown exactly
  when its unit vector lies in the row space of the equations restricted to hidden cells;
- linear programs with what the marks say ("<11": 1 to 10, "x": at least 0): the least and
  the greatest value a hidden cell can take. The equations are a network's (totally
  unimodular), so the bounds are whole numbers, and least < greatest means at least two
  whole values remain.
"""

import random
from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import linprog

from exports.suppression import (
    PRIMARY_MARK,
    SECONDARY_MARK,
    Protected,
    protect,
    with_totals,
)


def equations(table: Protected) -> tuple[list[tuple[int, int]], list[list[Fraction]], list[Fraction]]:
    """The hidden cells, and A x = b over them from every row and column of the grid."""
    grid = table.grid
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    unknown = sorted(table.hidden)
    index = {cell: k for k, cell in enumerate(unknown)}
    lines = [[(i, j) for j in range(last_column)] + [(i, last_column)] for i in range(last_row + 1)]
    lines += [[(i, j) for i in range(last_row)] + [(last_row, j)] for j in range(last_column + 1)]
    matrix, rhs = [], []
    for line in lines:
        *parts, total = line
        row = [Fraction(0)] * len(unknown)
        known = Fraction(0)
        for cell, sign in [*[(p, 1) for p in parts], (total, -1)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                known -= sign * grid[cell[0]][cell[1]]
        matrix.append(row)
        rhs.append(known)
    return unknown, matrix, rhs


def rank(rows: list[list[Fraction]]) -> int:
    rows = [list(row) for row in rows if any(row)]
    found = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][column] != 0:
                factor = rows[r][column] / rows[found][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def determined_by_linear_algebra(table: Protected) -> list[tuple[int, int]]:
    unknown, matrix, _ = equations(table)
    base = rank(matrix)
    found = []
    for k, cell in enumerate(unknown):
        unit = [Fraction(1 if n == k else 0) for n in range(len(unknown))]
        if rank([*matrix, unit]) == base:
            found.append(cell)
    return found


def bounds_by_linear_programming(table: Protected) -> dict[tuple[int, int], tuple[float, float]]:
    unknown, matrix, rhs = equations(table)
    a_eq = np.array([[float(v) for v in row] for row in matrix])
    b_eq = np.array([float(v) for v in rhs])
    limits = [table.bounds(cell) for cell in unknown]
    found = {}
    for k, cell in enumerate(unknown):
        objective = np.zeros(len(unknown))
        objective[k] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=limits, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=limits, method="highs")
        assert low.status == 0 and high.status == 0
        found[cell] = (round(low.fun, 6), round(-high.fun, 6))
    return found


def random_table(rng: random.Random) -> list[list[int]]:
    teams, months = rng.randint(1, 6), rng.randint(1, 8)
    small = rng.choice([0.1, 0.3, 0.6])
    return [
        [rng.randint(1, 10) if rng.random() < small else rng.choice([0, rng.randint(11, 400)]) for _ in range(months)]
        for _ in range(teams)
    ]


@pytest.mark.parametrize("seed", range(300))
def test_no_hidden_count_can_be_worked_out_from_the_totals(seed: int) -> None:
    rng = random.Random(seed)
    table = protect(with_totals(random_table(rng)))
    # Every count of 1 to 10 is hidden and marked "<11"; nothing else is "<11".
    for i, row in enumerate(table.grid):
        for j, value in enumerate(row):
            assert (table.shown(i, j) == PRIMARY_MARK) == (1 <= value <= 10)
    if not table.hidden:
        return
    assert determined_by_linear_algebra(table) == []
    for cell, (least, greatest) in bounds_by_linear_programming(table).items():
        assert least < greatest, f"cell {cell} is {table.grid[cell[0]][cell[1]]}: only {least}..{greatest} fits"


def test_two_hidden_cells_per_line_are_not_enough() -> None:
    """Two 2x2 blocks of small counts joined by one more: each line has two hidden cells,
    yet the joining cell follows from the totals. The method hides more."""
    grid = with_totals(
        [
            [5, 5, 3, 50],
            [5, 5, 50, 50],
            [50, 50, 5, 5],
            [50, 50, 5, 5],
        ]
    )
    small = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]
    naive = Protected(grid, dict.fromkeys(small, "primary"))
    assert (0, 2) in determined_by_linear_algebra(naive)
    table = protect(grid)
    assert determined_by_linear_algebra(table) == []
    assert any(mark == "secondary" for mark in table.hidden.values())
    assert SECONDARY_MARK in {table.shown(i, j) for i, j in table.hidden}


def test_a_single_team_hides_the_months_total_too() -> None:
    """With one team, the team's row and the total row are the same numbers."""
    table = protect(with_totals([[4, 30, 40]]))
    assert table.shown(0, 0) == PRIMARY_MARK
    assert table.shown(1, 0) == PRIMARY_MARK
    assert determined_by_linear_algebra(table) == []


def test_nothing_small_hides_nothing() -> None:
    table = protect(with_totals([[0, 30], [12, 0]]))
    assert table.hidden == {}
    assert [table.shown(0, j) for j in range(3)] == ["0", "30", "30"]
