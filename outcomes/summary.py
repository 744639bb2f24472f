"""The wellbeing part of the summary a person can take (clients/summary.py): how they have
been, in plain words, from their check-ins. Two queries (check-ins with their instrument,
answers with their items)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client
from clients.summary import SummaryPart

from .change import changes_by_instrument
from .models import CheckIn
from .sections import HOUSING, SELF_RATINGS, _item_changes, number

TOTALS_SHOWN = 6  # the latest totals of each questionnaire; the page is one page


@dataclass(frozen=True)
class Totals:
    """One questionnaire with a total: its recent totals and the change since the first."""

    label: str
    low: str
    high: str
    higher_is_better: bool
    totals: list[tuple[datetime, str]]  # (when, total), oldest first
    first: str
    first_at: datetime
    change: Decimal | None  # None with one total

    @property
    def points(self) -> str:
        return number(abs(self.change)) if self.change is not None else ""


def _totals(check_ins: list[CheckIn]) -> list[Totals]:
    changes = changes_by_instrument(check_ins)
    shown = []
    for slug, change in sorted(changes.items(), key=lambda pair: pair[1].instrument.position):
        scored = [c for c in check_ins if c.instrument.slug == slug and c.total is not None]
        recent = scored[-TOTALS_SHOWN:]
        instrument = change.instrument
        shown.append(
            Totals(
                label=instrument.label,
                low=number(instrument.total_min or Decimal(0)),
                high=number(instrument.total_max or Decimal(0)),
                higher_is_better=instrument.higher_is_better,
                totals=[(c.taken_at, number(c.total)) for c in recent if c.total is not None],
                first=number(change.baseline.total or Decimal(0)),
                first_at=change.baseline.taken_at,
                change=change.change if change.count > 1 else None,
            )
        )
    return shown


def summary_wellbeing(client: Client, user: User) -> dict[str, Any]:
    check_ins = CheckIn.objects.visible_to(user).filter(client=client).history()
    return {
        "totals": _totals(check_ins),
        "ratings": _item_changes(check_ins, SELF_RATINGS),
        "housing": _item_changes(check_ins, HOUSING),
        "any": bool(check_ins),
    }


part = SummaryPart(
    key="wellbeing",
    label=_("How you have been (your wellbeing check-ins)"),
    template="outcomes/_summary_wellbeing.html",
    load=summary_wellbeing,
)
