"""How the supervisors' dashboard prints a figure (`Shown`, `formatted`).

The organisation view's figures are protected by the one protection layer (privacy/,
dashboards/hierarchy.py); nothing here decides what may be shown to a data admin."""

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
