"""Charts of months, for the dashboards and the organisation view: lines, bars and shares."""

import math
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from django.utils import formats
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .shapes import (
    BAND,
    LEFT,
    WIDTH,
    Bar,
    BarSpec,
    Chart,
    LegendEntry,
    Line,
    LineSpec,
    Marker,
    MonthLabel,
    Text,
    Tick,
    _step,
    _x,
    _y,
)


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
