"""Totals by each instrument's rule, with the worked examples written out."""

from decimal import Decimal
from types import SimpleNamespace
from uuid import uuid4

import pytest

from outcomes import scoring
from outcomes.models import Instrument, InstrumentItem

pytestmark = pytest.mark.django_db


def answers(items: list[InstrumentItem], values: list[int | None]) -> dict:
    return {item.pk: value for item, value in zip(items, values, strict=True) if value != "skip"}


def test_who5_raw_13_gives_52(who5: Instrument, who5_items: list[InstrumentItem]) -> None:
    # 3 + 2 + 3 + 2 + 3 = 13 (raw, 0..25); 13 x 4 = 52 (0..100).
    assert scoring.total(who5, who5_items, answers(who5_items, [3, 2, 3, 2, 3])) == Decimal("52.00")


def test_who5_ends_of_the_scale(who5: Instrument, who5_items: list[InstrumentItem]) -> None:
    assert scoring.total(who5, who5_items, answers(who5_items, [0, 0, 0, 0, 0])) == Decimal(0)
    assert scoring.total(who5, who5_items, answers(who5_items, [5, 5, 5, 5, 5])) == Decimal(100)
    assert (who5.total_min, who5.total_max) == (Decimal(0), Decimal(100))


def test_who5_declined_item_gives_no_total_never_a_zero(who5: Instrument, who5_items: list[InstrumentItem]) -> None:
    # Counting "prefer not to say" as 0 would give (3 + 2 + 0 + 2 + 3) x 4 = 40: never.
    assert scoring.total(who5, who5_items, answers(who5_items, [3, 2, None, 2, 3])) is None


def test_who5_unanswered_item_gives_no_total(who5: Instrument, who5_items: list[InstrumentItem]) -> None:
    four = {item.pk: 3 for item in who5_items[:4]}
    assert scoring.total(who5, who5_items, four) is None
    assert scoring.needed(who5, 5) == 5


def test_instruments_without_a_total(ratings: Instrument, housing: Instrument) -> None:
    items = list(ratings.items.all())
    assert scoring.total(ratings, items, {item.pk: 7 for item in items}) is None
    housing_items = list(housing.items.all())
    assert scoring.total(housing, housing_items, {housing_items[0].pk: 1}) is None


def item(low: int = 0, high: int = 4, reverse: bool = False) -> InstrumentItem:
    return InstrumentItem(pk=uuid4(), scale_min=low, scale_max=high, is_reverse_scored=reverse)


def rule(scoring_rule: str, factor: str = "1", min_answered: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(scoring=scoring_rule, factor=Decimal(factor), min_answered=min_answered)


def test_mean_of_answered_items() -> None:
    items = [item(), item(), item()]
    # (1 + 2 + 4) / 3 = 2.333... -> 2.33
    assert scoring.total(rule("mean"), items, {items[0].pk: 1, items[1].pk: 2, items[2].pk: 4}) == Decimal("2.33")


def test_reverse_scored_item_is_turned_round() -> None:
    # On 0..4 a reverse-scored 1 counts 0 + 4 - 1 = 3: total 2 + 3 = 5.
    items = [item(), item(reverse=True)]
    assert scoring.total(rule("sum"), items, {items[0].pk: 2, items[1].pk: 1}) == Decimal(5)


def test_sum_with_fewer_items_allowed_is_prorated() -> None:
    # 4 items, 3 needed: 2 + 3 + 4 = 9 from 3 items, mean 3, times 4 items = 12; x 2.5 = 30.
    items = [item(), item(), item(), item()]
    given = {items[0].pk: 2, items[1].pk: 3, items[2].pk: 4, items[3].pk: None}
    assert scoring.total(rule("sum", min_answered=3), items, given) == Decimal(12)
    assert scoring.total(rule("sum_times", "2.5", min_answered=3), items, given) == Decimal(30)
    assert scoring.total(rule("sum", min_answered=3), items, {items[0].pk: 2, items[1].pk: None}) is None


def test_the_total_range_follows_the_scoring_rule() -> None:
    items = [item(1, 5), item(1, 5)]
    assert scoring.total_range(rule("sum_times", "10"), items) == (Decimal(20), Decimal(100))
    assert scoring.total_range(rule("mean"), items) == (Decimal(1), Decimal(5))
    assert scoring.total_range(rule("none"), items) is None
