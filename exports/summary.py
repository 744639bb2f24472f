"""An export's privacy summary in plain words, in the reader's language: the export page and
the README say what was done to each file, never a raw key such as `k_achieved` (the
codebook keeps the keys, for programs)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy.rules import PROTECTION_INTERVAL


def _row_level(privacy: dict[str, Any]) -> list[str]:
    said = []
    smallest = privacy.get("k_achieved")
    if smallest is None:
        said.append(_("No group reached %(k)s people, so no row could be kept.") % {"k": privacy["k_required"]})
    else:
        said.append(
            _("Smallest group: %(smallest)s people (at least %(k)s required).")
            % {"smallest": smallest, "k": privacy["k_required"]}
        )
    kept = privacy.get("rows_as_chosen", 0)
    said.append(ngettext("%(count)s row kept as chosen.", "%(count)s rows kept as chosen.", kept) % {"count": kept})
    if quarters := privacy.get("rows_generalised_period_to_quarter", 0):
        said.append(
            ngettext(
                "%(count)s row given its quarter instead of its month.",
                "%(count)s rows given their quarter instead of their month.",
                quarters,
            )
            % {"count": quarters}
        )
    if areas := privacy.get("rows_generalised_area_to_all", 0):
        said.append(
            ngettext(
                "%(count)s row given all areas instead of its area.",
                "%(count)s rows given all areas instead of their area.",
                areas,
            )
            % {"count": areas}
        )
    if left_out := privacy.get("rows_suppressed", 0):
        said.append(
            ngettext(
                "%(count)s row left out: its group stayed too small.",
                "%(count)s rows left out: their groups stayed too small.",
                left_out,
            )
            % {"count": left_out}
        )
    return said


def _aggregate(privacy: dict[str, Any]) -> list[str]:
    said = []
    if rounded := privacy.get("counts_rounded", 0):
        said.append(
            ngettext(
                "%(count)s count rounded (within %(interval)s of the true value).",
                "%(count)s counts rounded (each within %(interval)s of the true value).",
                rounded,
            )
            % {"count": rounded, "interval": f"±{PROTECTION_INTERVAL}"}
        )
    if small := privacy.get("counts_hidden_as_small", 0):
        said.append(
            ngettext("%(count)s count shown as fewer than 11.", "%(count)s counts shown as fewer than 11.", small)
            % {"count": small}
        )
    if withheld := privacy.get("counts_hidden_to_protect_them", 0):
        said.append(
            ngettext(
                "%(count)s count withheld so that a smaller number can't be worked out.",
                "%(count)s counts withheld so that a smaller number can't be worked out.",
                withheld,
            )
            % {"count": withheld}
        )
    if quantities := privacy.get("quantities_withheld", 0):
        said.append(
            ngettext(
                "%(count)s quantity withheld: too few people received it, or one or two most of it.",
                "%(count)s quantities withheld: too few people received them, or one or two most of them.",
                quantities,
            )
            % {"count": quantities}
        )
    return said


def plain_words(privacy: dict[str, Any]) -> list[str]:
    """One sentence per fact of a file's privacy summary (row-level or aggregate)."""
    return _row_level(privacy) if "k_required" in privacy else _aggregate(privacy)
