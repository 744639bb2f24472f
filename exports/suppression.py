"""Small-count suppression with complementary suppression for tables with totals.

A table here is the counts of one measure per team (rows) and month (columns), published
with each team's total, each month's total and the grand total. A count of 1 to 10 is
shown as "<11" (primary suppression). Hiding it alone is not enough: a row total minus the
row's other cells gives it back. So more cells are hidden (secondary, shown as "x") until
no hidden value can be worked out from what is shown.

Why "at least two hidden cells in every row and column" is not enough, and what is done
instead. Write the table with its totals as an (m+1) x (n+1) grid; every row and every
column then says "the cells add up to the total". Flip the sign of the totals (the grand
total keeps its sign) and each line says "these add up to 0": the grid is the complete
bipartite graph between row nodes and column nodes, the hidden cells are its unknown
edges, and the equations are flow conservation. The values of the hidden edges that fit
the equations differ exactly by circulations, so a hidden cell can be worked out from
the totals exactly when no cycle of hidden cells passes through it: when it is a bridge of
the graph of hidden cells. Two cycles joined by one hidden cell give every row and column
two hidden cells, yet that joining cell is a bridge, and the totals give it away.

So the method (iterated to a fixed point):
1. Hide every count of 1 to 10 (totals included).
2. While a hidden cell is a bridge, hide the cheapest set of shown cells that closes a
   cycle through it (a shortest path between its row and its column; small non-zero
   interior cells are cheapest, zeros and totals dearest).
3. A reader also knows bounds: "<11" is 1 to 10, "x" is at least 0. A cycle is only
   an escape if moving its cells by one stays within them, so each hidden cell must lie on
   a cycle that can move by one, in one direction or the other, within the bounds (a
   directed cycle in the residual graph of the bounds). Where none exists, the cheapest
   shown cells that make one are hidden too, and step 2 runs again.

tests/exports/test_suppression.py attacks random tables two ways: exact linear
algebra over the rationals (is a hidden cell determined by the equations?) and linear
programs with the bounds (its least and greatest possible values), and finds every hidden
cell undetermined.
"""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

SMALLEST_SHOWN = 11
PRIMARY_MARK = "<11"
SECONDARY_MARK = "x"

Cell = tuple[int, int]
Hidden = Literal["primary", "secondary"]

# Costs of hiding a shown cell (step 2 and 3): its value, more for a total, far more for a zero.
TOTAL_COST = 1_000_000
ZERO_COST = 1_000_000_000


@dataclass
class Protected:
    """A table with its totals: `grid` is (teams + 1) x (months + 1), the last row and column
    the totals; `hidden` marks the cells not shown and why."""

    grid: list[list[int]]
    hidden: dict[Cell, Hidden] = field(default_factory=dict)

    def shown(self, row: int, column: int) -> str:
        """The cell as printed: its value, "<11" or "x"."""
        why = self.hidden.get((row, column))
        if why == "primary":
            return PRIMARY_MARK
        if why == "secondary":
            return SECONDARY_MARK
        return str(self.grid[row][column])

    def bounds(self, cell: Cell) -> tuple[int, int | None]:
        """What a reader knows of a hidden cell from its mark alone."""
        return (1, SMALLEST_SHOWN - 1) if self.hidden.get(cell) == "primary" else (0, None)


def with_totals(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    grand_total: int | None = None,
) -> list[list[int]]:
    """The grid with totals: sums unless given (counts of distinct people do not add up)."""
    rows = [list(row) for row in cells]
    width = len(rows[0]) if rows else 0
    row_totals = list(row_totals) if row_totals is not None else [sum(row) for row in rows]
    column_totals = (
        list(column_totals) if column_totals is not None else [sum(row[j] for row in rows) for j in range(width)]
    )
    grand = grand_total if grand_total is not None else sum(row_totals)
    return [*[[*row, total] for row, total in zip(rows, row_totals, strict=True)], [*column_totals, grand]]


def protect(grid: list[list[int]]) -> Protected:
    """Hide small counts and enough others that no hidden count follows from the totals."""
    table = Protected(grid)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if 1 <= value < SMALLEST_SHOWN:
                table.hidden[(i, j)] = "primary"
    if not table.hidden:
        return table
    while True:
        changed = _close_bridges(table)
        changed |= _free_within_bounds(table)
        if not changed:
            return table


def _cost(table: Protected, cell: Cell) -> int:
    i, j = cell
    value = table.grid[i][j]
    is_total = i == len(table.grid) - 1 or j == len(table.grid[0]) - 1
    return value + (TOTAL_COST if is_total else 0) + (ZERO_COST if value == 0 else 0)


def _sign(table: Protected, cell: Cell) -> int:
    """+1 for inner cells and the grand total, -1 for the other totals (see the module doc)."""
    last_row, last_column = len(table.grid) - 1, len(table.grid[0]) - 1
    i, j = cell
    return -1 if (i == last_row) != (j == last_column) else 1


# Graph nodes: ("r", i) for rows, ("c", j) for columns.
Node = tuple[str, int]


def _bridges(table: Protected) -> list[Cell]:
    """Hidden cells that are bridges of the graph of hidden cells (Tarjan, iterative)."""
    adjacent: dict[Node, list[tuple[Node, Cell]]] = {}
    for i, j in table.hidden:
        adjacent.setdefault(("r", i), []).append((("c", j), (i, j)))
        adjacent.setdefault(("c", j), []).append((("r", i), (i, j)))
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    found: list[Cell] = []
    for start in adjacent:
        if start in order:
            continue
        order[start] = low[start] = len(order)
        stack: list[tuple[Node, Cell | None, int]] = [(start, None, 0)]
        while stack:
            node, via, index = stack[-1]
            if index < len(adjacent[node]):
                stack[-1] = (node, via, index + 1)
                neighbour, cell = adjacent[node][index]
                if cell == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, cell, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent] and via is not None:
                        found.append(via)
    return sorted(found)


def _cell(a: Node, b: Node) -> Cell:
    return (a[1], b[1]) if a[0] == "r" else (b[1], a[1])


def _cheapest_path(table: Protected, source: Node, target: Node, *, avoid: Cell, arcs: bool) -> list[Cell] | None:
    """The cheapest path from source to target over the complete grid, hidden cells free.

    `arcs` False: any cell in either direction (step 2). True: only the directions a cell
    can move by one within its bounds (step 3; a shown cell would be "x", at least 0)."""
    rows, columns = len(table.grid), len(table.grid[0])
    best: dict[Node, int] = {source: 0}
    previous: dict[Node, Node] = {}
    queue: list[tuple[int, Node]] = [(0, source)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == target:
            path, step = [], target
            while step != source:
                path.append(_cell(previous[step], step))
                step = previous[step]
            return path
        if cost > best.get(node, cost):
            continue
        neighbours = [("c", j) for j in range(columns)] if node[0] == "r" else [("r", i) for i in range(rows)]
        for neighbour in neighbours:
            cell = _cell(node, neighbour)
            if cell == avoid or (arcs and not _can_move(table, cell, forward=node[0] == "r")):
                continue
            step_cost = cost + (0 if cell in table.hidden else _cost(table, cell))
            if step_cost < best.get(neighbour, step_cost + 1):
                best[neighbour] = step_cost
                previous[neighbour] = node
                heapq.heappush(queue, (step_cost, neighbour))
    return None


def _hide(table: Protected, cells: list[Cell]) -> bool:
    new = [cell for cell in cells if cell not in table.hidden]
    for cell in new:
        table.hidden[cell] = "secondary"
    return bool(new)


def _close_bridges(table: Protected) -> bool:
    changed = False
    while bridges := _bridges(table):
        i, j = bridges[0]
        path = _cheapest_path(table, ("r", i), ("c", j), avoid=(i, j), arcs=False)
        if path is None or not _hide(table, path):  # pragma: no cover - a complete grid always has a path
            raise AssertionError("no cycle can be closed")
        changed = True
    return changed


def _can_move(table: Protected, cell: Cell, *, forward: bool) -> bool:
    """Whether the cell can move by one along an arc row -> column (forward) or back.

    Forward adds 1 to the signed value (x + sign), backward subtracts it. Shown cells are
    judged as they would be once hidden ("x": at least 0)."""
    i, j = cell
    value = table.grid[i][j]
    step = _sign(table, cell) * (1 if forward else -1)
    low, high = table.bounds(cell) if cell in table.hidden else (0, None)
    moved = value + step
    return moved >= low and (high is None or moved <= high)


def _free_within_bounds(table: Protected) -> bool:
    """Step 3: every hidden cell on a cycle that can move by one within the bounds."""
    changed = False
    for cell in sorted(table.hidden):
        i, j = cell
        options = []
        if _can_move(table, cell, forward=True):
            options.append(_cheapest_path(table, ("c", j), ("r", i), avoid=cell, arcs=True))
        if _can_move(table, cell, forward=False):
            options.append(_cheapest_path(table, ("r", i), ("c", j), avoid=cell, arcs=True))
        paths = [path for path in options if path is not None]
        if not paths:  # pragma: no cover - a hidden cell in a complete grid can always move one way
            continue
        cheapest = min(paths, key=lambda path: sum(0 if c in table.hidden else _cost(table, c) for c in path))
        changed |= _hide(table, cheapest)
    return changed
