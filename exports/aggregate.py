"""The aggregate report: the protected hierarchy's figures (dashboards/hierarchy.py) for the
export's teams and the whole organisation, by month, and by every calendar quarter and year
the export's months cover whole.

Every figure is one the organisation view can show too, protected once for everything
(privacy/): counts rounded within the protection interval, "<11" for 1 to 10, "withheld"
where a figure would let a smaller number be worked out or where too few people received a
quantity. The organisation's rows are always the whole organisation, whichever teams were
chosen, so no total of a chosen set of teams can be set against another. Means and shares
come from the protected counts.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.utils import timezone

from accounts.models import Team
from dashboards.forms import period_code
from dashboards.hierarchy import EVENTS, QUANTITIES, Period, Year, months_of, service_measures, year_figures
from privacy.figures import Protected, Status
from privacy.rules import PROTECTION_INTERVAL

from .datasets import service_column

ORGANISATION = "(organisation)"
SMALL_MARK = "<11"
WITHHELD_MARK = "withheld"


@dataclass
class Report:
    header: list[str]
    rows: list[list[Any]]
    privacy: dict[str, int] = field(default_factory=dict)


def columns() -> list[tuple[str, str]]:
    """(column, measure) in file order."""
    found = [("contacts", "contacts"), ("people_seen", "people_seen"), ("anonymous_contacts", "anonymous_contacts")]
    found += [(service_column(pk), measure) for measure, pk, _name in service_measures()]
    found += [(name, name) for name in QUANTITIES]
    found += [(name, name) for name in EVENTS if name not in {"contacts", "anonymous_contacts"}]
    found += [
        ("who5_people", "who5_people"),
        ("reliably_improved", "improved"),
        ("no_reliable_change", "no_change"),
        ("reliably_worse", "worse"),
        ("who5_mean", "who5_mean"),
        ("who5_share_reliably_improved", "share_improved"),
    ]
    return found


def _shown(figure: Protected) -> int | float | str:
    if figure.value is not None:
        return figure.value
    if figure.status == Status.ZERO:
        return ""  # a mean or share of nobody
    return SMALL_MARK if figure.status == Status.SMALL else WITHHELD_MARK


def _periods(year: Year, first: date, last: date) -> list[Period]:
    return [p for p in year.periods if first <= months_of(p)[0] and months_of(p)[-1] <= last]


def build(*, team_ids: Sequence[UUID], first: date, last: date) -> Report:
    this_month = timezone.localdate().replace(day=1)
    every_team = list(Team.objects.values_list("pk", flat=True))
    chosen = list(Team.objects.filter(pk__in=team_ids).order_by("name").values_list("pk", "name"))
    spec = columns()
    report = Report(["team", "period", *[name for name, _measure in spec]], [])
    counted = {"counts_rounded": 0, "counts_hidden_as_small": 0, "counts_hidden_to_protect_them": 0,
               "quantities_withheld": 0}  # fmt: skip
    for year_number in range(first.year, last.year + 1):
        year = year_figures(year_number, teams=every_team, before=this_month)
        for team, label in [*chosen, (None, ORGANISATION)]:
            for period in _periods(year, first, last):
                figures = [year.get(measure, team, period) for _name, measure in spec]
                report.rows.append([label, period_code(period), *[_shown(figure) for figure in figures]])
                for figure in figures:
                    key = {
                        Status.ROUNDED: "counts_rounded",
                        Status.SMALL: "counts_hidden_as_small",
                        Status.WITHHELD: "counts_hidden_to_protect_them",
                        Status.FEW_PEOPLE: "quantities_withheld",
                    }.get(figure.status)
                    if key:
                        counted[key] += 1
    report.privacy = {**counted, "protection_interval": PROTECTION_INTERVAL}
    return report


def lines(report: Report) -> Iterator[list[Any]]:
    yield report.header
    yield from report.rows
