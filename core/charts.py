"""SVG charts drawn on the server (no chart JavaScript, nothing for the CSP): the one chart
module. The dashboards and the organisation view draw months (`line_chart`, `bar_chart`,
`share_chart`); a person's wellbeing and a goal's history draw time in proportion
(`time_chart`). Core imports no app, so any app can draw with it; every chart is shown by
templates/includes/_chart.html.

Each chart is plain geometry: a title and a description
in words (the SVG's <title> and <desc>, which screen readers announce), horizontal grid
lines with their values, month labels (the year under the first month and each January),
and lines, bands or bars. Lines differ by dash and marker as well as colour, so no reading
depends on colour alone, and every chart has a table with the same numbers beside it.
Months without data are gaps in a line, never zeros.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 340, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 332, 10, 160

# Colours with at least 4.5:1 contrast on white (lines, bars and their labels).
BLUE, PURPLE, GREEN, BROWN, RED, GREY = "#0b5ed7", "#59359a", "#146c43", "#984c0c", "#b02a37", "#495057"
BAND = "#cfe2ff"
CATEGORY_COLOURS = {
    "supplies": BLUE,
    "health": GREEN,
    "support": PURPLE,
    "basic_needs": BROWN,
    "referral": RED,
    "disposal": GREY,
}


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class MonthLabel:
    x: float
    month: str
    year: str


@dataclass(frozen=True)
class Marker:
    shape: str  # circle, square or diamond
    x: float
    y: float

    @property
    def corner_x(self) -> float:
        return self.x - 3.5

    @property
    def corner_y(self) -> float:
        return self.y - 3.5

    @property
    def diamond(self) -> str:
        x, y = self.x, self.y
        return f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"

    def svg(self, colour: str) -> str:
        if self.shape == "square":
            return f'<rect x="{self.corner_x:.1f}" y="{self.corner_y:.1f}" width="7" height="7" fill="{colour}"/>'
        if self.shape == "diamond":
            return f'<polygon points="{self.diamond}" fill="{colour}"/>'
        return f'<circle cx="{self.x:.1f}" cy="{self.y:.1f}" r="3.5" fill="{colour}"/>'


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    dash: str
    shape: str
    segments: list[str]
    markers: list[Marker]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    kind: str  # line, bar or band
    dash: str = ""
    shape: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str


@dataclass
class Chart:
    key: str
    title: str
    description: str
    ticks: list[Tick] = field(default_factory=list)
    months: list[MonthLabel] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    bands: list[str] = field(default_factory=list)
    band_edges: list[str] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    # A second scale on the right (its labels in its lines' colour), and the first and last
    # day under a chart of time in proportion.
    right_ticks: list[Tick] = field(default_factory=list)
    right_colour: str = GREY
    first_day: str = ""
    last_day: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def tick_label_x(self) -> int:
        return self.left - 5

    @property
    def month_y(self) -> int:
        return self.bottom + 15

    @property
    def year_y(self) -> int:
        return self.bottom + 29

    def svg(self) -> SafeString:
        """The chart as SVG markup: built here rather than in a template, because a chart is a
        few hundred elements of numbers and a template loop costs several milliseconds a page
        (the dashboard's budget is 50 ms: bench/README.md). Words are escaped; numbers are
        written with a dot whatever the language (SVG's syntax)."""
        parts = [
            f'<svg class="w-100 h-auto" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="{self.key}-title {self.key}-desc">',
            f'<title id="{self.key}-title">{escape(self.title)}</title>',
            f'<desc id="{self.key}-desc">{escape(self.description)}</desc>',
        ]
        for tick in self.ticks:
            parts.append(
                f'<line x1="{self.left}" x2="{self.right}" y1="{tick.y:.1f}" y2="{tick.y:.1f}" stroke="#ced4da" '
                f'stroke-width="1"/><text x="{self.tick_label_x}" y="{tick.y:.1f}" text-anchor="end" '
                f'dominant-baseline="middle" font-size="11" fill="#343a40">{escape(tick.label)}</text>'
            )
        parts += [f'<polygon points="{band}" fill="{BAND}"/>' for band in self.bands]
        parts += [
            f'<polyline points="{edge}" fill="none" stroke="{BLUE}" stroke-width="1" stroke-dasharray="2 3"/>'
            for edge in self.band_edges
        ]
        parts += [
            f'<rect x="{bar.x:.1f}" y="{bar.y:.1f}" width="{bar.width:.1f}" height="{bar.height:.1f}" '
            f'fill="{bar.colour}"/>'
            for bar in self.bars
        ]
        for line in self.lines:
            dash = line.dash or "none"
            parts += [
                f'<polyline points="{segment}" fill="none" stroke="{line.colour}" stroke-width="2.5" '
                f'stroke-dasharray="{dash}"/>'
                for segment in line.segments
            ]
            parts += [marker.svg(line.colour) for marker in line.markers]
        parts += [
            f'<text x="{text.x:.1f}" y="{text.y:.1f}" font-size="12" fill="#212529">{escape(text.text)}</text>'
            for text in self.texts
        ]
        parts += [
            f'<text x="{self.right + 5}" y="{tick.y:.1f}" dominant-baseline="middle" font-size="11" '
            f'fill="{self.right_colour}">{escape(tick.label)}</text>'
            for tick in self.right_ticks
        ]
        if self.first_day:
            parts.append(
                f'<text x="{self.left}" y="{self.month_y}" font-size="11" '
                f'fill="#343a40">{escape(self.first_day)}</text>'
            )
        if self.last_day:
            parts.append(
                f'<text x="{self.right}" y="{self.month_y}" text-anchor="end" font-size="11" '
                f'fill="#343a40">{escape(self.last_day)}</text>'
            )
        for label in self.months:
            parts.append(
                f'<text x="{label.x:.1f}" y="{self.month_y}" text-anchor="middle" font-size="11" '
                f'fill="#343a40">{escape(label.month)}</text>'
            )
            if label.year:
                parts.append(
                    f'<text x="{label.x:.1f}" y="{self.year_y}" text-anchor="middle" font-size="11" '
                    f'fill="#343a40">{escape(label.year)}</text>'
                )
        parts.append("</svg>")
        return mark_safe("".join(parts))  # noqa: S308 (numbers and escaped words only)


@dataclass(frozen=True)
class LineSpec:
    label: str
    colour: str
    dash: str
    shape: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class BarSpec:
    label: str
    colour: str
    values: Sequence[int]


def _step(count: int) -> float:
    return (RIGHT - LEFT) / max(count, 1)


def _x(index: int, count: int) -> float:
    return LEFT + (index + 0.5) * _step(count)


def _y(value: float, low: float, high: float) -> float:
    return BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP)


@lru_cache(maxsize=512)
def _abbreviation(month: date, language: str | None) -> str:
    # The month as the language writes it in a date (`Dec`, `dic`: config/formats/).
    return formats.date_format(month, str(formats.get_format("YEAR_MONTH_FORMAT")).replace("Y", "").strip())


def month_labels(months: Sequence[date]) -> list[MonthLabel]:
    """Every month when there is room (up to 12), else every second or third; the year under
    each January, and under the first label unless a January label follows too closely for
    both years to fit (then the months before it are plainly the year before)."""
    every = max(1, math.ceil(len(months) / 12))
    shown = [(index, month) for index, month in enumerate(months) if index % every == 0]
    crowded = any(month.month == 1 for _index, month in shown[1:3])
    labels = []
    for position, (index, month) in enumerate(shown):
        first = position == 0 and not crowded
        year = str(month.year) if first or month.month == 1 else ""
        labels.append(MonthLabel(_x(index, len(months)), _abbreviation(month, get_language()), year))
    return labels


def nice_top(value: float) -> float:
    """The axis top for counts: 2, 4, 6, 8 or 10 times a power of ten, so halves are whole."""
    if value <= 2:
        return 2
    power = 10 ** math.floor(math.log10(value))
    for factor in (2, 4, 6, 8, 10):
        if value <= factor * power:
            return factor * power
    return 10 * power


def _segments(values: Sequence[float | None], low: float, high: float) -> tuple[list[str], list[tuple[float, float]]]:
    """Polyline point lists, broken where a value is missing, and the points themselves."""
    segments: list[list[str]] = [[]]
    points = []
    for index, value in enumerate(values):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        x, y = _x(index, len(values)), _y(value, low, high)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        points.append((x, y))
    return [" ".join(points_) for points_ in segments if points_], points


def line_chart(
    key: str,
    *,
    title: str,
    description: str,
    months: Sequence[date],
    lines: Sequence[LineSpec],
    low: float,
    high: float,
    ticks: Sequence[float],
    band: tuple[Sequence[float | None], Sequence[float | None], str] | None = None,
) -> Chart:
    """Lines over months on a fixed scale; `band` (lows, highs, its label) shades a range."""
    chart = Chart(key, title, description, months=month_labels(months))
    chart.ticks = [Tick(_y(value, low, high), number_format(value, decimal_pos=0)) for value in ticks]
    if band is not None:
        lows, highs, label = band
        for start, end in _runs([lo is not None and hi is not None for lo, hi in zip(lows, highs, strict=True)]):
            upper = [f"{_x(i, len(months)):.1f},{_y(highs[i] or 0, low, high):.1f}" for i in range(start, end)]
            lower = [f"{_x(i, len(months)):.1f},{_y(lows[i] or 0, low, high):.1f}" for i in range(start, end)]
            chart.bands.append(" ".join(upper + lower[::-1]))
            chart.band_edges += [" ".join(upper), " ".join(lower)]
        chart.legend.append(LegendEntry(label, BAND, "band"))
    for spec in lines:
        segments, points = _segments(spec.values, low, high)
        markers = [Marker(spec.shape, x, y) for x, y in points]
        chart.lines.append(Line(spec.label, spec.colour, spec.dash, spec.shape, segments, markers))
        chart.legend.append(LegendEntry(spec.label, spec.colour, "line", spec.dash, spec.shape))
    return chart


def _runs(present: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, end) of each run of True."""
    runs, start = [], None
    for index, here in enumerate([*present, False]):
        if here and start is None:
            start = index
        elif not here and start is not None:
            runs.append((start, index))
            start = None
    return runs


def bar_chart(
    key: str, *, title: str, description: str, months: Sequence[date], stacks: Sequence[BarSpec], grouped: bool = False
) -> Chart:
    """Bars per month: stacked (parts of one total) or side by side (`grouped`)."""
    count = len(months)
    totals = [sum(spec.values[index] for spec in stacks) for index in range(count)]
    tallest = max(
        [max(spec.values, default=0) for spec in stacks] if grouped else totals,
        default=0,
    )
    top = nice_top(tallest)
    chart = Chart(key, title, description, months=month_labels(months))
    chart.ticks = [Tick(_y(value, 0, top), number_format(value, decimal_pos=0)) for value in (0, top / 2, top)]
    step = _step(count)
    width = step * (0.7 / len(stacks) if grouped else 0.6)
    for index in range(count):
        base = 0.0
        for position, spec in enumerate(stacks):
            value = spec.values[index]
            if grouped:
                x = LEFT + index * step + step * 0.15 + position * width
                bottom = 0.0
            else:
                x = _x(index, count) - width / 2
                bottom = base
                base += value
            if value:
                y = _y(bottom + value, 0, top)
                chart.bars.append(Bar(x, y, width, _y(bottom, 0, top) - y, spec.colour))
    chart.legend = [LegendEntry(spec.label, spec.colour, "bar") for spec in stacks]
    return chart


def share_chart(key: str, *, title: str, description: str, parts: Sequence[tuple[str, str, float, str]]) -> Chart:
    """One bar per part (label, colour, percentage 0 to 100, text), its text above it."""
    row = 40
    height = 8 + row * len(parts)
    chart = Chart(key, title, description, height=height, top=0, bottom=height, left=4, right=WIDTH - 4)
    for index, (_label, colour, percent, text) in enumerate(parts):
        y = 4 + index * row
        chart.texts.append(Text(4, y + 12, text))
        # A sliver for 0%, so the row still shows where its bar would be.
        chart.bars.append(Bar(4, y + 17, max((WIDTH - 8) * percent / 100, 1), 16, colour))
    return chart


def describe_range(months: Sequence[date]) -> str:
    return _("from %(first)s to %(last)s") % {
        "first": formats.date_format(months[0], "YEAR_MONTH_FORMAT"),
        "last": formats.date_format(months[-1], "YEAR_MONTH_FORMAT"),
    }


@dataclass(frozen=True)
class Scale:
    """A vertical scale: its range and its labelled grid lines (value, label)."""

    low: float
    high: float
    ticks: Sequence[tuple[float, str]]


@dataclass(frozen=True)
class TimeLineSpec:
    label: str
    colour: str
    dash: str
    shape: str
    points: Sequence[tuple[datetime, float]]  # in time order
    on_right: bool = False  # read against the right-hand scale


def day(at: datetime) -> str:
    """A moment as the day it was, in the local time zone and the language's short format."""
    return formats.date_format(timezone.localtime(at), "SHORT_DATE_FORMAT")


def time_chart(
    key: str, *, title: str, description: str, lines: Sequence[TimeLineSpec], left: Scale, right: Scale | None = None
) -> Chart | None:
    """Lines of (moment, value) with time in proportion, left to right; `right` is a second
    scale for the lines `on_right`. The first and last day are written under the chart.
    None when there is nothing to draw."""
    times = [at for spec in lines for at, _value in spec.points]
    if not times:
        return None
    first, last = min(times), max(times)
    two_scales = right is not None and any(spec.on_right and spec.points for spec in lines)
    edge = RIGHT - 26 if two_scales else RIGHT
    span = (last - first).total_seconds()
    chart = Chart(key, title, description, right=edge, first_day=day(first))
    chart.last_day = day(last) if chart.first_day != day(last) else ""
    chart.ticks = [Tick(_y(value, left.low, left.high), label) for value, label in left.ticks]

    def x(at: datetime) -> float:
        return (LEFT + edge) / 2 if span <= 0 else LEFT + (at - first).total_seconds() / span * (edge - LEFT)

    for spec in lines:
        if not spec.points:
            continue
        scale = right if spec.on_right and right is not None else left
        points = [(x(at), _y(value, scale.low, scale.high)) for at, value in spec.points]
        segment = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        markers = [Marker(spec.shape, px, py) for px, py in points]
        chart.lines.append(Line(spec.label, spec.colour, spec.dash, spec.shape, [segment], markers))
        chart.legend.append(LegendEntry(spec.label, spec.colour, "line", spec.dash, spec.shape))
        if spec.on_right and right is not None:
            chart.right_colour = spec.colour
    if two_scales and right is not None:
        chart.right_ticks = [Tick(_y(value, right.low, right.high), label) for value, label in right.ticks]
    return chart
