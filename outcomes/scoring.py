"""Totals of a check-in, by the instrument's rule. Pure functions: no queries.

`answers` maps an item's id to the answer's value, or to None when the person preferred
not to say. An item that is absent was not answered. Declined and unanswered items are
left out of every total: never counted as 0.

A total exists only when enough items were answered (`Instrument.min_answered`; empty
means every item). When some items may be missing, a sum is prorated (the mean of the
answered items times the number of items), so a total with a missing item is on the same
scale as a complete one.

The WHO-5 (WHO 2024, "The World Health Organization-Five Well-Being Index (WHO-5)",
Geneva: World Health Organization, licence CC BY-NC-SA 3.0 IGO; the same rule as the
original scoring guidance of the Psychiatric Research Unit, Mental Health Centre North
Zealand, Hillerød): "The raw score is calculated by totalling the figures of the five
answers. The raw score ranges from 0 to 25 ... To obtain a percentage score ranging from
0 to 100, the raw score is multiplied by 4." The guidance defines the score only as the
total of all five answers and gives no rule for a missing answer, so the WHO-5 needs all
five (min_answered = 5): with one declined there is no total, never a total that counts
the declined item as 0. Worked example: answers 3, 2, 3, 2, 3 give a raw score of 13 and
a total of 13 × 4 = 52.
"""

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol
from uuid import UUID

HUNDREDTHS = Decimal("0.01")


class ItemLike(Protocol):
    @property
    def pk(self) -> UUID: ...

    def scored(self, value: int) -> int: ...


class ScaleLike(Protocol):
    @property
    def scale_min(self) -> int: ...

    @property
    def scale_max(self) -> int: ...


class RuleLike(Protocol):
    @property
    def scoring(self) -> str: ...

    @property
    def factor(self) -> Decimal: ...

    @property
    def min_answered(self) -> int | None: ...


def needed(instrument: RuleLike, item_count: int) -> int:
    """How many answered items a total needs."""
    return min(instrument.min_answered or item_count, item_count)


def total(instrument: RuleLike, items: Sequence[ItemLike], answers: Mapping[UUID, int | None]) -> Decimal | None:
    """The check-in's total by the instrument's rule, or None when the rule allows none."""
    if instrument.scoring == "none" or not items:
        return None
    values = [item.scored(value) for item in items if (value := answers.get(item.pk)) is not None]
    if not values or len(values) < needed(instrument, len(items)):
        return None
    raw = Decimal(sum(values))
    if instrument.scoring == "mean":
        result = raw / len(values)
    else:
        if len(values) < len(items):
            raw = raw / len(values) * len(items)
        result = raw * Decimal(instrument.factor) if instrument.scoring == "sum_times" else raw
    return result.quantize(HUNDREDTHS, rounding=ROUND_HALF_UP)


def total_range(instrument: RuleLike, items: Sequence[ScaleLike]) -> tuple[Decimal, Decimal] | None:
    """The lowest and highest possible totals (for charts), or None without a total."""
    if instrument.scoring == "none" or not items:
        return None
    low = Decimal(sum(item.scale_min for item in items))
    high = Decimal(sum(item.scale_max for item in items))
    if instrument.scoring == "mean":
        low, high = low / len(items), high / len(items)
    elif instrument.scoring == "sum_times":
        low, high = sorted((low * Decimal(instrument.factor), high * Decimal(instrument.factor)))
    return low.quantize(HUNDREDTHS), high.quantize(HUNDREDTHS)
