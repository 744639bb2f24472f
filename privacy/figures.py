"""A figure in, a protected figure and its plain-words status out: the interface every
output uses (the organisation view, aggregate exports, and later the API).

- A count (people, contacts, responses): 0 stays 0; 1 to 10 shows as "fewer than 11"; 11 or
  more is perturbed by the cell-key method (privacy/cellkey.py): it moves by at most
  PROTECTION_INTERVAL, always the same way for the same people or records, and never below
  11.
- A quantity (kits, supplies) is judged by who received it: shown (perturbed like a count)
  only when at least THRESHOLD people received it and no one of them more than half of it
  and no two more than three quarters; otherwise withheld. Never judged by its size.
- A share comes from protected counts (its numerator over the sum of its protected parts),
  shown only when neither the numerator nor the rest is a protected small count.
- The audit (privacy/audit.py) may then withhold published counts so that a smaller number
  can't be worked out from everything released together.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .cellkey import perturbation
from .rules import DOMINANCE_ONE, DOMINANCE_TWO, THRESHOLD


class Status:
    ZERO = "zero"
    ROUNDED = "rounded"
    SMALL = "small"
    WITHHELD = "withheld"  # to protect another figure (the audit)
    FEW_PEOPLE = "few_people"  # a quantity received by too few people, or dominated
    EXACT = "exact"  # a derived figure (mean, share) worked out from protected counts


WORDS: dict[str, Promise] = {
    Status.ZERO: _("none"),
    Status.ROUNDED: _("rounded"),
    Status.SMALL: _("fewer than 11"),
    Status.WITHHELD: _("withheld so that a smaller number can't be worked out"),
    Status.FEW_PEOPLE: _("withheld: too few people, or one or two people most of it"),
    Status.EXACT: _("worked out from rounded counts"),
}
PUBLISHED = {Status.ZERO, Status.ROUNDED, Status.EXACT}


@dataclass(frozen=True)
class Protected:
    """What may be printed: `value` (None when not published) and `status`."""

    value: float | int | None
    status: str

    @property
    def published(self) -> bool:
        return self.status in PUBLISHED

    @property
    def words(self) -> str:
        return str(WORDS[self.status])

    def withheld(self) -> "Protected":
        return replace(self, value=None, status=Status.WITHHELD)


def protect_count(true: int, cell_key: float) -> Protected:
    if true == 0:
        return Protected(0, Status.ZERO)
    if true < THRESHOLD:
        return Protected(None, Status.SMALL)
    return Protected(max(THRESHOLD, true + perturbation(cell_key)), Status.ROUNDED)


def dominated(total: int, largest: Sequence[int]) -> bool:
    """One contributor more than half of the total, or two more than three quarters."""
    top = sorted(largest, reverse=True)[:2]
    return bool(total) and (top[0] > total * DOMINANCE_ONE or sum(top) > total * DOMINANCE_TWO)


def protect_quantity(total: int, *, people: int, largest: Sequence[int], cell_key: float) -> Protected:
    if total == 0:
        return Protected(0, Status.ZERO)
    if people < THRESHOLD or dominated(total, largest):
        return Protected(None, Status.FEW_PEOPLE)
    return Protected(max(1, total + perturbation(cell_key)), Status.ROUNDED)


def protect_share(part: Protected, others: Sequence[Protected], *, decimals: int = 2) -> Protected:
    """`part` over itself plus `others`, from the protected counts; withheld when the part or
    the rest could be a small count."""
    parts = [part, *others]
    if all(p.status == Status.ZERO for p in parts):
        return Protected(None, Status.ZERO)  # a share of nobody: nothing to show
    if not all(p.published for p in parts):
        # "fewer than 11" when a part is; withheld (as the part was) otherwise.
        return Protected(None, Status.SMALL if any(p.status == Status.SMALL for p in parts) else Status.WITHHELD)
    whole = sum(int(p.value or 0) for p in parts)
    return Protected(round((part.value or 0) / whole, decimals), Status.EXACT)


def protect_mean(mean: float | None, people: Protected, *, decimals: int = 1) -> Protected:
    """A mean of at least THRESHOLD people's values (never of fewer)."""
    if mean is None or people.status != Status.ROUNDED:
        hidden = {Status.SMALL: Status.SMALL, Status.WITHHELD: Status.WITHHELD}
        return Protected(None, hidden.get(people.status, Status.ZERO))
    return Protected(round(mean, decimals), Status.EXACT)
