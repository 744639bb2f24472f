"""The protection layer's own promises, figure by figure (privacy/): what the attacker's
tests rely on."""

import random

import numpy as np
import pytest
from django.db import connection
from psycopg2.sql import SQL, Identifier, Placeholder
from scipy.optimize import linprog

from privacy.audit import Cell, Relation, possible_values, withhold_until_safe
from privacy.cellkey import combine, perturbation, record_key_sql
from privacy.figures import Status, protect_count, protect_quantity, protect_share
from privacy.rules import PROTECTION_INTERVAL, THRESHOLD
from privacy.safe import FORMULA_STARTS, safe_text, safe_text_sql


def test_counts_move_by_at_most_the_interval_and_totals_of_100_stay_within_2_percent() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        true, key = rng.randint(0, 5000), rng.random()
        shown = protect_count(true, key)
        if true == 0:
            assert (shown.value, shown.status) == (0, Status.ZERO)
        elif true < THRESHOLD:
            assert (shown.value, shown.status) == (None, Status.SMALL)
        else:
            assert shown.status == Status.ROUNDED and shown.value is not None
            assert abs(shown.value - true) <= PROTECTION_INTERVAL and shown.value >= THRESHOLD
            if true >= 100:
                assert abs(shown.value - true) <= 0.02 * true


def test_the_same_records_always_get_the_same_perturbation_and_every_value_is_used() -> None:
    keys = [0.013, 0.41, 0.77]
    assert protect_count(40, combine(keys)) == protect_count(40, combine(reversed(keys)))
    seen = {perturbation(n / 1000) for n in range(1000)}
    assert seen == set(range(-PROTECTION_INTERVAL, PROTECTION_INTERVAL + 1))


@pytest.mark.django_db
def test_record_keys_in_sql_are_fixed_and_spread_over_0_to_1() -> None:
    with connection.cursor() as cursor:
        cursor.execute(SQL("SELECT {} FROM generate_series(1, 2000) AS g").format(record_key_sql(SQL("g::text"))))
        keys = [row[0] for row in cursor.fetchall()]
        cursor.execute(SQL("SELECT {}").format(record_key_sql(SQL("{}::text").format(Placeholder()))), ["1"])
        assert cursor.fetchone()[0] == keys[0]
    assert all(0 <= key < 1 for key in keys)
    assert 0.45 < sum(keys) / len(keys) < 0.55


def test_quantities_are_judged_by_who_received_them() -> None:
    many = [5] * 30
    assert protect_quantity(1215, people=300, largest=many[:2], cell_key=0.5).status == Status.ROUNDED
    assert protect_quantity(127, people=12, largest=[97, 3], cell_key=0.5).status == Status.FEW_PEOPLE  # one has most
    assert protect_quantity(60, people=12, largest=[25, 22], cell_key=0.5).status == Status.FEW_PEOPLE  # two have 3/4+
    assert protect_quantity(156, people=10, largest=[16, 16], cell_key=0.5).status == Status.FEW_PEOPLE  # 10 people
    assert protect_quantity(0, people=0, largest=[], cell_key=0.5).status == Status.ZERO


def test_shares_come_from_protected_counts_and_never_give_a_small_count_away() -> None:
    improved, same, worse = protect_count(45, 0.5), protect_count(15, 0.5), protect_count(5, 0.5)
    assert protect_share(improved, [same, worse]).status == Status.SMALL  # the 5 would show through
    share = protect_share(improved, [same, protect_count(0, 0.5)])
    assert share.status == Status.EXACT and share.value == round(45 / 60, 2)
    assert protect_share(protect_count(0, 0.1), [protect_count(0, 0.2)]).status == Status.ZERO


def test_the_audit_withholds_what_would_give_a_small_count_away() -> None:
    """Nine teams' months of 1 each under an organisation month of 9, all "fewer than 11":
    each is at least 1, so the nine add up to 9 only if each is exactly 1. The audit
    withholds the total; then each month is 1 to 10 again."""
    cells = [Cell(f"team {n}", frozenset([n]), 1, protect_count(1, 0.5)) for n in range(9)]
    cells.append(Cell("organisation", frozenset(range(9)), 9, protect_count(9, 0.5)))
    assert withhold_until_safe(cells) == 1
    assert [cell.key for cell in cells if cell.protected.status == Status.WITHHELD] == ["organisation"]


def test_rounded_figures_around_a_small_count_leave_it_its_values() -> None:
    """A quarter of 3 + 40 + 41 published with its months: subtracting gives the 3 only to
    within 12 values (each figure is within 2), so nothing needs withholding."""
    months = [("m1", 3), ("m2", 40), ("m3", 41)]
    cells = [Cell(name, frozenset([name]), true, protect_count(true, 0.5)) for name, true in months]
    cells.append(Cell("quarter", frozenset(name for name, _ in months), 84, protect_count(84, 0.5)))
    assert withhold_until_safe(cells) == 0


def _people_bounds(cells: list[Cell], relations: list[Relation], target: Cell) -> tuple[float, float]:
    """The attacker's own linear program over people figures (one unknown per figure)."""
    index = {cell.key: n for n, cell in enumerate(cells)}
    rows: list[np.ndarray] = []
    bounds: list[float] = []
    for relation in relations:
        row = np.zeros(len(cells))
        for cell in relation.smaller:
            row[index[cell.key]] += 1
        for cell in relation.larger:
            row[index[cell.key]] -= 1
        rows.append(row)
        bounds.append(0)
    for cell in cells:
        row = np.zeros(len(cells))
        row[index[cell.key]] = 1
        if cell.protected.status == Status.ROUNDED:
            value = float(cell.protected.value or 0)
            rows += [row, -row]
            bounds += [value + PROTECTION_INTERVAL, -max(THRESHOLD, value - PROTECTION_INTERVAL)]
        elif cell.protected.status == Status.SMALL:
            rows += [row, -row]
            bounds += [THRESHOLD - 1, -1]
        elif cell.protected.status == Status.ZERO:
            rows.append(row)
            bounds.append(0)
    objective = np.zeros(len(cells))
    objective[index[target.key]] = 1
    low = linprog(objective, A_ub=np.array(rows), b_ub=np.array(bounds), bounds=(0, None), method="highs")
    high = linprog(-objective, A_ub=np.array(rows), b_ub=np.array(bounds), bounds=(0, None), method="highs")
    return low.fun, -high.fun


def test_people_counts_are_audited_with_what_ties_them_together() -> None:
    """Issue 12, point 6, for distinct people: 10 people seen in January, 10 others in
    February, none in March. The quarter's 20 people are published (rounded up to 22: at
    least 20), the months are "fewer than 11". People do not add up over months, but a
    quarter's people are at most its months' added up: January + February >= 20, each at
    most 10, so each is exactly 10. Without the relation the audit sees nothing to protect;
    with it, it withholds the quarter, and the attacker's own program leaves each month 1 to 10."""

    def figures() -> list[Cell]:
        cells = [Cell(name, frozenset([name]), true, protect_count(true, 0.5)) for name, true in
                 [("jan", 10), ("feb", 10), ("mar", 0)]]  # fmt: skip
        return [*cells, Cell("q1", frozenset(["q1"]), 20, protect_count(20, 0.95))]

    def relations(cells: list[Cell]) -> list[Relation]:
        jan, feb, mar, quarter = cells
        return [Relation([quarter], [jan, feb, mar]), *[Relation([month], [quarter]) for month in (jan, feb, mar)]]

    unaudited = figures()
    assert unaudited[3].protected.value == 22
    assert withhold_until_safe(unaudited) == 0  # without the relations nothing looks exposed
    assert _people_bounds(unaudited, relations(unaudited), unaudited[0]) == pytest.approx((10, 10))

    cells = figures()
    tied = relations(cells)
    assert withhold_until_safe(cells, tied) == 1
    assert cells[3].protected.status == Status.WITHHELD
    for month in cells[:2]:
        assert possible_values(*_people_bounds(cells, tied, month)) >= 5


def test_a_withheld_figure_leaves_the_small_count_at_least_5_values() -> None:
    assert possible_values(1, 10) == 10
    assert possible_values(2.0, 5.5) == 4
    assert possible_values(2.0, 5.9999999) == 5  # within the solver's rounding of 6
    assert possible_values(0, float("inf")) > 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(1)", "-2+3", "\tx", "\rx", "Harbour", "'=1"]
)
def test_the_sql_and_python_rules_agree(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            SQL("SELECT {} FROM (SELECT %s::text AS v) AS t").format(safe_text_sql(Identifier("v"))), [value]
        )
        assert cursor.fetchone()[0] == safe_text(value)
    assert not safe_text(value).startswith(FORMULA_STARTS)
