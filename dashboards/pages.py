"""What the two dashboard pages print: tables of cells and the charts drawn from the same cells.

One path for both pages. The supervisors' dashboard prints every figure; the organisation
view passes each through the small-number rule (dashboards/privacy.py) with the number of
people it is about, and its charts leave out what its tables hide (a gap, never a guess).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import ClassVar

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core import charts
from core.charts import BLUE, BROWN, CATEGORY_COLOURS, GREEN, GREY, PURPLE, RED, BarSpec, LineSpec

from .privacy import Shown, formatted
from .shapes import Figures, NowCounts

# (value, people it is about, decimals) -> the cell to print.
Rule = Callable[..., Shown]


def show_all(value: float | int | None, *, people: int = 0, decimals: int = 0) -> Shown:
    """The supervisors' own teams: every figure as it is."""
    return Shown(value, False, decimals)


def _value(cell: Shown) -> float | None:
    return None if cell.hidden or cell.value is None else float(cell.value)


def _count(cell: Shown) -> int:
    return 0 if cell.hidden or cell.value is None else int(cell.value)


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Shown]


@dataclass(frozen=True)
class Table:
    """A data table: `key` makes its ids, `headers[0]` heads the row labels; `folded` tables
    (a row per month) start closed under a summary, so a phone shows the charts first."""

    key: str
    caption: str
    headers: list[str]
    rows: list[Row]
    folded: bool = True
    protected: ClassVar[bool] = False  # cells are plain numbers (the organisation view's are protected)


def month_label(month: date) -> str:
    return _month_label(month, get_language())


@lru_cache(maxsize=512)
def _month_label(month: date, language: str | None) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _first_last(values: Sequence[float | None]) -> tuple[float, float] | None:
    present = [value for value in values if value is not None]
    return (present[0], present[-1]) if present else None


def _number(value: float, decimals: int = 0) -> str:
    return formatted(value, decimals)


def wellbeing(figures: Figures, rule: Rule) -> tuple[list[Row], charts.Chart]:
    rows, medians, means, lows, highs = [], [], [], [], []
    for month in figures.wellbeing:
        people = month.people
        cells = [
            rule(people, people=people),
            rule(month.mean, people=people, decimals=1),
            rule(month.median, people=people, decimals=1),
            rule(month.lower, people=people, decimals=1),
            rule(month.upper, people=people, decimals=1),
        ]
        rows.append(Row(month_label(month.month), cells))
        means.append(_value(cells[1]))
        medians.append(_value(cells[2]))
        lows.append(_value(cells[3]))
        highs.append(_value(cells[4]))
    span = charts.describe_range(figures.months)
    median_range, mean_range = _first_last(medians), _first_last(means)
    if median_range is None or mean_range is None:
        description = _("No WHO-5 wellbeing totals to show %(span)s.") % {"span": span}
    else:
        description = _(
            "WHO-5 wellbeing, 0 to 100, each month %(span)s: the median went from %(median_first)s to "
            "%(median_last)s and the mean from %(mean_first)s to %(mean_last)s. The shaded band is the "
            "middle half of people (25th to 75th percentile). Months without totals are gaps."
        ) % {
            "span": span,
            "median_first": _number(median_range[0], 1),
            "median_last": _number(median_range[1], 1),
            "mean_first": _number(mean_range[0], 1),
            "mean_last": _number(mean_range[1], 1),
        }
    chart = charts.line_chart(
        "wellbeing",
        title=_("WHO-5 wellbeing each month"),
        description=description,
        months=figures.months,
        lines=[
            LineSpec(_("Median"), BLUE, "", "circle", medians),
            LineSpec(_("Mean"), PURPLE, "6 4", "square", means),
        ],
        low=0,
        high=100,
        ticks=[0, 25, 50, 75, 100],
        band=(lows, highs, _("Middle half of people")),
    )
    return rows, chart


def ratings(figures: Figures, rule: Rule) -> tuple[list[Row], charts.Chart]:
    rows = []
    series: list[list[float | None]] = [[] for _label in figures.rating_labels]
    for month in figures.ratings:
        cells = [rule(mean, people=people, decimals=1) for mean, people in zip(month.means, month.people, strict=True)]
        most = max(month.people, default=0)
        cells.append(rule(most, people=most))
        rows.append(Row(month_label(month.month), cells))
        for index, cell in enumerate(cells[:-1]):
            series[index].append(_value(cell))
    styles = [(BLUE, "", "circle"), (GREEN, "6 4", "square"), (BROWN, "2 3", "diamond")]
    parts = []
    for label, values in zip(figures.rating_labels, series, strict=True):
        ends = _first_last(values)
        if ends is not None:
            parts.append(
                _("%(rating)s from %(first)s to %(last)s")
                % {"rating": label.lower(), "first": _number(ends[0], 1), "last": _number(ends[1], 1)}
            )
    span = charts.describe_range(figures.months)
    if parts:
        description = _("Mean self-ratings, 0 (very poor) to 10 (very good), each month %(span)s: %(parts)s.") % {
            "span": span,
            "parts": "; ".join(parts),
        }
    else:
        description = _("No self-ratings to show %(span)s.") % {"span": span}
    chart = charts.line_chart(
        "ratings",
        title=_("Health and quality of life self-ratings each month"),
        description=description,
        months=figures.months,
        lines=[
            LineSpec(label, colour, dash, shape, values)
            for label, values, (colour, dash, shape) in zip(figures.rating_labels, series, styles, strict=True)
        ],
        low=0,
        high=10,
        ticks=[0, 5, 10],
    )
    return rows, chart


@dataclass(frozen=True)
class ChangeTable:
    rows: list[Row]
    checked_in: Shown
    eligible: Shown


def change(figures: Figures, rule: Rule) -> tuple[ChangeTable, charts.Chart]:
    shares = figures.change
    parts = shares.parts
    eligible = shares.eligible
    counts = [rule(people, people=people) for _key, _label, people, _percent in parts]
    percents = []
    for count, (_key, _label, _people, percent) in zip(counts, parts, strict=True):
        cell = rule(percent, people=eligible)
        percents.append(Shown(percent, count.hidden or cell.hidden))
    rows = [
        Row(label, [count, percent])
        for (_key, label, _people, _percent), count, percent in zip(parts, counts, percents, strict=True)
    ]
    shown = [
        (label, colour, _value(percent) or 0.0, f"{label}: {percent}" + ("%" if _value(percent) is not None else ""))
        for (_key, label, _people, _percent), colour, percent in zip(parts, [GREEN, GREY, RED], percents, strict=True)
    ]
    if eligible and not any(percent.hidden for percent in percents):
        description = _(
            "Of %(people)s people with two WHO-5 totals at least 28 days apart: %(improved)s%% reliably "
            "improved, %(same)s%% no reliable change, %(worse)s%% reliably worse."
        ) % {
            "people": _number(eligible),
            "improved": _number(_value(percents[0]) or 0),
            "same": _number(_value(percents[1]) or 0),
            "worse": _number(_value(percents[2]) or 0),
        }
    elif eligible:
        description = _("Too few people to show their change here without identifying someone.")
    else:
        description = _("Nobody has two WHO-5 totals at least 28 days apart in this period yet.")
    chart = charts.share_chart(
        "change", title=_("Change in wellbeing since the first check-in"), description=description, parts=shown
    )
    checked_in = shares.checked_in
    table = ChangeTable(rows, rule(checked_in, people=checked_in), rule(eligible, people=eligible))
    return table, chart


def contacts(figures: Figures, rule: Rule) -> tuple[list[Row], charts.Chart]:
    rows, named, anonymous = [], [], []
    for month in figures.contacts:
        basis = month.people_basis
        cells = [
            rule(month.contacts, people=basis),
            rule(month.people_seen, people=month.people_seen),
            rule(month.anonymous_contacts, people=month.anonymous_people),
            rule(month.syringes, people=month.syringes_people),
            rule(month.naloxone_kits, people=month.naloxone_people),
        ]
        rows.append(Row(month_label(month.month), cells))
        hidden = cells[0].hidden or cells[2].hidden
        named.append(0 if hidden else month.contacts - month.anonymous_contacts)
        anonymous.append(0 if hidden else month.anonymous_contacts)
    total = sum(named) + sum(anonymous)
    busiest = max(range(len(rows)), key=lambda index: named[index] + anonymous[index], default=0)
    if total:
        description = _(
            "Contacts each month %(span)s: %(total)s in all, %(anonymous)s of them anonymous; the busiest "
            "month was %(month)s with %(most)s."
        ) % {
            "span": charts.describe_range(figures.months),
            "total": _number(total),
            "anonymous": _number(sum(anonymous)),
            "month": rows[busiest].label,
            "most": _number(named[busiest] + anonymous[busiest]),
        }
    else:
        description = _("No contacts to show %(span)s.") % {"span": charts.describe_range(figures.months)}
    chart = charts.bar_chart(
        "contacts",
        title=_("Contacts each month"),
        description=description,
        months=figures.months,
        stacks=[BarSpec(_("With a registered person"), BLUE, named), BarSpec(_("Anonymous"), BROWN, anonymous)],
    )
    return rows, chart


def services(figures: Figures, rule: Rule) -> tuple[list[Row], list[Row], charts.Chart]:
    """Services given per month by category (table and chart), and per service in the period."""
    month_rows = []
    series: list[list[int]] = [[] for _category in figures.categories]
    for month in figures.category_months:
        cells = [rule(given, people=people) for given, people in zip(month.given, month.people, strict=True)]
        month_rows.append(Row(month_label(month.month), cells))
        for index, cell in enumerate(cells):
            series[index].append(_count(cell))
    service_rows = [
        Row(
            line.label,
            [
                rule(line.given, people=line.people),
                rule(line.quantity, people=line.people) if line.counts_quantity else Shown(None, False),
            ],
        )
        for line in figures.services
    ]
    totals = [
        _("%(category)s %(count)s") % {"category": label.lower(), "count": _number(sum(values))}
        for (_key, label), values in zip(figures.categories, series, strict=True)
    ]
    span = charts.describe_range(figures.months)
    description = (
        _("Services given each month by category, %(span)s. In all: %(totals)s.")
        % {"span": span, "totals": ", ".join(totals)}
        if totals
        else _("No services given %(span)s.") % {"span": span}
    )
    chart = charts.bar_chart(
        "services",
        title=_("Services given each month, by category"),
        description=description,
        months=figures.months,
        stacks=[
            BarSpec(label, CATEGORY_COLOURS.get(key, GREY), values)
            for (key, label), values in zip(figures.categories, series, strict=True)
        ],
    )
    return month_rows, service_rows, chart


def goals(figures: Figures, rule: Rule) -> tuple[list[Row], charts.Chart]:
    rows, set_values, achieved_values = [], [], []
    for month in figures.goals:
        counts = (month.goals_set, month.achieved, month.changed, month.set_aside)
        cells = [rule(count, people=people) for count, people in zip(counts, month.people, strict=True)]
        rows.append(Row(month_label(month.month), cells))
        set_values.append(_count(cells[0]))
        achieved_values.append(_count(cells[1]))
    description = _(
        "Goals people set and goals achieved each month %(span)s: %(set)s set and %(achieved)s achieved in all."
    ) % {
        "span": charts.describe_range(figures.months),
        "set": _number(sum(set_values)),
        "achieved": _number(sum(achieved_values)),
    }
    chart = charts.bar_chart(
        "goals",
        title=_("Goals set and achieved each month"),
        description=description,
        months=figures.months,
        stacks=[BarSpec(_("Set"), BLUE, set_values), BarSpec(_("Achieved"), GREEN, achieved_values)],
        grouped=True,
    )
    return rows, chart


def attainment(figures: Figures) -> list[str]:
    """How goal attainment changed over the period, in plain sentences (dashboards/attainment.py)."""
    change = figures.attainment
    if not change.people:
        return [_("No goal levels were rated in this period.")]
    sentences = [
        ngettext(
            "%(people)s person had a goal level rated in this period.",
            "%(people)s people had a goal level rated in this period.",
            change.people,
        )
        % {"people": _number(change.people)}
    ]
    if change.compared and change.mean_start is not None and change.mean_end is not None:
        sentences.append(
            ngettext(
                "Of the %(compared)s person who also had one before it, the T-score went from %(start)s at the "
                "start of the period to %(end)s at the end; %(rose)s rose.",
                "Of the %(compared)s people who also had one before it, the mean T-score went from %(start)s at "
                "the start of the period to %(end)s at the end; %(rose)s of them rose.",
                change.compared,
            )
            % {
                "compared": _number(change.compared),
                "start": _number(change.mean_start, 1),
                "end": _number(change.mean_end, 1),
                "rose": _number(change.rose),
            }
        )
    else:
        sentences.append(
            _("None of them had a level rated before the period began, so there is no change to show yet.")
        )
    return sentences


def overdoses(figures: Figures, rule: Rule) -> list[Row]:
    return [
        Row(
            month_label(month.month),
            [
                rule(month.responses, people=month.responses),
                rule(month.doses, people=month.responses),
                rule(month.called, people=month.responses),
                rule(month.reversed_by_staff, people=month.reversed_by_staff),
            ],
        )
        for month in figures.overdoses
    ]


def peers(figures: Figures, rule: Rule) -> list[Row]:
    """Reversals participants reported, and supplies for others with their estimated reach."""
    staff = {month.month: month.reversed_by_staff for month in figures.overdoses}
    return [
        Row(
            month_label(month.month),
            [
                rule(staff.get(month.month, 0), people=staff.get(month.month, 0)),
                rule(month.reversed_reported, people=month.reversed_reported),
                rule(month.reversals_reported, people=month.reversals_reported),
                rule(month.for_others_contacts, people=month.for_others_contacts),
                rule(month.estimated_reach, people=month.for_others_contacts),
            ],
        )
        for month in figures.peers
    ]


@dataclass(frozen=True)
class NowItem:
    label: str
    cell: Shown
    url: str


def now_items(counts: NowCounts, rule: Rule, *, links: bool) -> list[NowItem]:
    """The "right now" counts, each linking to its list on the supervisors' dashboard."""
    days = settings.ALONGSIDE_NOT_SEEN_DAYS
    labels = [
        (
            ngettext("People not seen for %(days)s day", "People not seen for %(days)s days", days) % {"days": days},
            "encounters:not_seen",
        ),
        (_("Consents due for renewal within 30 days, or past"), "clients:consents_expiring"),
        (_("Referrals due for follow-up today or earlier"), "encounters:followups_team"),
    ]
    return [
        NowItem(label, cell, reverse(name) if links else "")
        for (label, name), cell in zip(labels, now(counts, rule), strict=True)
    ]


def now(counts: NowCounts, rule: Rule) -> list[Shown]:
    return [
        rule(counts.not_seen, people=counts.not_seen),
        rule(counts.consents_due, people=counts.consents_people),
        rule(counts.followups_due, people=counts.followups_people),
    ]
