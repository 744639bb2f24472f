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
from django.utils.translation import gettext as _

from accounts.models import Team
from dashboards.forms import period_code
from dashboards.hierarchy import (
    CHANGE,
    EVENTS,
    PEOPLE,
    QUANTITIES,
    Period,
    Year,
    months_of,
    service_measures,
    year_figures,
)
from health.education import DEFAULT_TOPICS
from health.education_figures import topic_measure
from health.vaccination_figures import BUILT_IN, OTHER, vaccine_measure
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


@dataclass(frozen=True)
class Column:
    name: str
    measure: str
    meaning: str  # for the codebook (in the export's language)


def columns() -> list[Column]:
    """The figures' columns in file order (after team and period), each with its meaning."""
    found = [Column("contacts", "contacts", str(EVENTS["contacts"])),
             Column("people_seen", "people_seen", _("People seen (distinct registered people)")),
             Column("anonymous_contacts", "anonymous_contacts", str(EVENTS["anonymous_contacts"]))]  # fmt: skip
    found += [
        Column(service_column(pk), measure, _("Contacts at which “%(service)s” was given") % {"service": name})
        for measure, pk, name in service_measures()
    ]
    found += [Column(name, name, str(label)) for name, (_slug, label) in QUANTITIES.items()]
    found += [Column(name, name, str(label)) for name, label in EVENTS.items()
              if name not in {"contacts", "anonymous_contacts"}]  # fmt: skip
    found += [
        Column("who5_people", "who5_people", str(PEOPLE["who5_people"])),
        Column("reliably_improved", "improved", str(CHANGE["improved"])),
        Column("no_reliable_change", "no_change", str(CHANGE["no_change"])),
        Column("reliably_worse", "worse", str(CHANGE["worse"])),
        Column("who5_mean", "who5_mean", _("WHO-5 mean of each person's latest total")),
        Column("who5_share_reliably_improved", "share_improved", _("Share reliably improved (0 to 1)")),
    ]
    # Safer-use topics and vaccine doses (the organisation view's topics and vaccinations):
    # the built-in ones only, a team's own vaccines together and never by name, its own topics
    # not at all (they are its words: they mean nothing beside another team's).
    found += [
        Column(f"topic_{key}", topic_measure(key),
               _("Contacts where the safer-use topic “%(topic)s” was talked about or practised") % {"topic": _(name)})
        for key, name in DEFAULT_TOPICS
    ]  # fmt: skip
    found += [
        Column(
            f"vaccine_{key}",
            vaccine_measure(key),
            _("Doses of “%(vaccine)s” the teams gave (not those noted as given elsewhere)") % {"vaccine": label},
        )
        for key, label in BUILT_IN
    ]
    found.append(
        Column(f"vaccine_{OTHER}", vaccine_measure(OTHER),
               _("Doses the teams gave of the vaccines each team added itself, all together (never by name)"))
    )  # fmt: skip
    return found


def meanings() -> dict[str, str]:
    """The codebook's words for every column of the aggregate report."""
    return {
        "team": _("The team, or “%(organisation)s”: every team together, whichever teams were chosen")
        % {"organisation": ORGANISATION},
        "period": _("Month (YYYY-MM), calendar quarter (YYYY-Qn) or year (YYYY)"),
        **{column.name: column.meaning for column in columns()},
    }


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
    report = Report(["team", "period", *[column.name for column in spec]], [])
    counted = {"counts_rounded": 0, "counts_hidden_as_small": 0, "counts_hidden_to_protect_them": 0,
               "quantities_withheld": 0}  # fmt: skip
    for year_number in range(first.year, last.year + 1):
        year = year_figures(year_number, teams=every_team, before=this_month)
        for team, label in [*chosen, (None, ORGANISATION)]:
            for period in _periods(year, first, last):
                figures = [year.get(column.measure, team, period) for column in spec]
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
