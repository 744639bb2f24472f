"""A goal's history as a small SVG chart, drawn on the server (no chart JavaScript).

The person's own rating (0 to 10) is a solid line; the Goal Attainment Scaling level
(-2 to +2), where there is one, a dashed line on the same height (-2 at the bottom, +2 at
the top). Time runs left to right in proportion. The numbers are also in a table beside
the chart, and the chart's title and description say what it shows in words.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import CLOSENESS_MAX, GAS_MAX, GAS_MIN, Review

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 30, 290, 12, 148


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str

    @property
    def corner_x(self) -> float:
        """Where a square marker 8 units wide starts."""
        return self.x - 4

    @property
    def corner_y(self) -> float:
        return self.y - 4


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass
class Chart:
    title: str
    description: str
    closeness: list[Point] = field(default_factory=list)
    gas: list[Point] = field(default_factory=list)
    left_ticks: list[Tick] = field(default_factory=list)
    right_ticks: list[Tick] = field(default_factory=list)
    first_date: str = ""
    last_date: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def closeness_path(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.closeness)

    @property
    def gas_path(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.gas)

    @property
    def date_y(self) -> int:
        return self.bottom + 20

    @property
    def left_label_x(self) -> int:
        return self.left - 6

    @property
    def right_label_x(self) -> int:
        return self.right + 6


def _y(value: float, low: float, high: float) -> float:
    return BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP)


def _x(at: datetime, first: datetime, last: datetime) -> float:
    span = (last - first).total_seconds()
    if span <= 0:
        return (LEFT + RIGHT) / 2
    return LEFT + (at - first).total_seconds() / span * (RIGHT - LEFT)


def _day(at: datetime) -> str:
    return formats.date_format(timezone.localtime(at), "SHORT_DATE_FORMAT")


def history_chart(reviews: Sequence[Review]) -> Chart | None:
    """The chart for reviews in time order; None when there is nothing to draw."""
    if not reviews:
        return None
    first, last = reviews[0].reviewed_at, reviews[-1].reviewed_at
    closeness = [
        Point(_x(review.reviewed_at, first, last), _y(review.closeness, 0, CLOSENESS_MAX), str(review.closeness))
        for review in reviews
    ]
    rated = [review for review in reviews if review.gas is not None]
    gas = [
        Point(_x(review.reviewed_at, first, last), _y(review.gas, GAS_MIN, GAS_MAX), f"{review.gas:+d}")
        for review in rated
        if review.gas is not None
    ]
    chart = Chart(
        title=_("How close they feel to this goal, over time"),
        description=_describe(reviews, rated),
        closeness=closeness,
        gas=gas,
        left_ticks=[Tick(_y(value, 0, CLOSENESS_MAX), str(value)) for value in (0, 5, 10)],
        right_ticks=[Tick(_y(value, GAS_MIN, GAS_MAX), f"{value:+d}") for value in (GAS_MIN, 0, GAS_MAX)]
        if gas
        else [],
        first_date=_day(first),
        last_date=_day(last) if last != first else "",
    )
    return chart


def _describe(reviews: Sequence[Review], rated: Sequence[Review]) -> str:
    first, last = reviews[0], reviews[-1]
    if len(reviews) == 1:
        text = _("One review, on %(day)s: %(rating)d out of 10.") % {
            "day": _day(first.reviewed_at),
            "rating": first.closeness,
        }
    else:
        text = _("%(count)d reviews from %(first_day)s to %(last_day)s: from %(first)d to %(last)d out of 10.") % {
            "count": len(reviews),
            "first_day": _day(first.reviewed_at),
            "last_day": _day(last.reviewed_at),
            "first": first.closeness,
            "last": last.closeness,
        }
    if rated:
        text += " " + _("Goal attainment level (dashed line, -2 to +2): from %(first)+d to %(last)+d.") % {
            "first": rated[0].gas,
            "last": rated[-1].gas,
        }
    return text
