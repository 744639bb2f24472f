"""Charts of time in proportion: a person's wellbeing, a goal's history."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone

from .shapes import LEFT, RIGHT, Chart, LegendEntry, Line, Marker, Tick, _y


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
