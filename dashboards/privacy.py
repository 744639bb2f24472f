"""The small-number rule of the organisation view: any figure about 1 to 10 people is shown
as "fewer than 11". The one place that decides it (and says it).

A figure is "about" the people behind it: a count of people is about that many; a mean, a
median, a share or a count of contacts is about the people it was worked out from. Callers
pass that number, or, where only a lower bound is known (people reached in a figure's
busiest team-month, for a figure that spans several), the lower bound: when the bound
reaches 11 the people do too, and when it does not the figure is hidden, so the rule errs
towards hiding. 0 is shown: a figure about nobody is about no one.

Hiding one of several parts that add up to a total that is shown would let the part be
worked out by subtraction, so `protect_parts` hides a second part (the smallest other one
above 0) whenever exactly one is hidden.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language, gettext

SMALLEST_SHOWN = 11


@dataclass(frozen=True)
class Shown:
    """A figure as the organisation view prints it: its value, or "fewer than 11"."""

    value: float | int | None
    hidden: bool
    decimals: int = 0

    def __str__(self) -> str:
        if self.hidden:
            return gettext("fewer than 11")
        if self.value is None:
            return "–"
        return formatted(self.value, self.decimals)


def formatted(value: float | int, decimals: int = 0) -> str:
    """`number_format` for the dashboards' hundreds of cells, with the language's decimal
    separator looked up once per language instead of once per number."""
    if settings.USE_THOUSAND_SEPARATOR:
        return number_format(value, decimal_pos=decimals)
    return f"{value:.{decimals}f}".replace(".", _decimal_separator(get_language()))


@lru_cache(maxsize=16)
def _decimal_separator(language: str | None) -> str:
    return str(get_format("DECIMAL_SEPARATOR"))


def about(value: float | int | None, *, people: int, decimals: int = 0) -> Shown:
    """`value`, a figure about `people` people: hidden when they are 1 to 10."""
    return Shown(value, 1 <= people < SMALLEST_SHOWN, decimals)


def count_of_people(people: int) -> Shown:
    return about(people, people=people)


def protect_parts(parts: Sequence[Shown], people: Sequence[int]) -> list[Shown]:
    """Parts of a shown total: when exactly one is hidden, hide the next smallest as well."""
    hidden = [index for index, part in enumerate(parts) if part.hidden]
    if len(hidden) != 1:
        return list(parts)
    others = [index for index in range(len(parts)) if index not in hidden and people[index] > 0]
    if not others:
        return list(parts)
    second = min(others, key=lambda index: people[index])
    return [Shown(part.value, True, part.decimals) if index == second else part for index, part in enumerate(parts)]
