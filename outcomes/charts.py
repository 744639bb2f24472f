"""Line charts of a person's check-ins as SVG, drawn on the server (no chart JavaScript).

Each line differs by colour AND by dash pattern and marker shape, so it reads without
colour too. Time runs left to right in proportion. The chart's title and description say
what it shows in words; the same numbers are in a table beside it (templates/outcomes/
_person_check_ins.html).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import formats, timezone

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 30, 310, 12, 148
# (colour, dash pattern, marker): distinct without colour too. Contrast >= 4.5:1 on white.
STYLES = [
    ("#0b5ed7", "", "circle"),
    ("#59359a", "6 4", "square"),
    ("#146c43", "2 3", "diamond"),
    ("#9a3412", "8 3 2 3", "circle"),
]


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    @property
    def square(self) -> tuple[float, float]:
        return self.x - 4, self.y - 4

    @property
    def diamond(self) -> str:
        x, y = self.x, self.y
        return f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dash: str
    marker: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass
class Chart:
    key: str
    title: str
    description: str
    series: list[Series] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    first_date: str = ""
    last_date: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT

    @property
    def date_y(self) -> int:
        return BOTTOM + 20

    @property
    def label_x(self) -> int:
        return LEFT - 6


def day(at: datetime) -> str:
    return formats.date_format(timezone.localtime(at), "SHORT_DATE_FORMAT")


def _x(at: datetime, first: datetime, last: datetime) -> float:
    span = (last - first).total_seconds()
    if span <= 0:
        return (LEFT + RIGHT) / 2
    return LEFT + (at - first).total_seconds() / span * (RIGHT - LEFT)


def _y(value: float, low: float, high: float) -> float:
    return BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP)


def line_chart(
    *,
    key: str,
    title: str,
    description: str,
    lines: Sequence[tuple[str, Sequence[tuple[datetime, float]]]],
    low: float,
    high: float,
    ticks: Sequence[float],
) -> Chart | None:
    """One chart of named lines of (time, value); None when there is nothing to draw."""
    times = [at for _name, values in lines for at, _value in values]
    if not times:
        return None
    first, last = min(times), max(times)
    series = [
        Series(name, colour, dash, marker, [Point(_x(at, first, last), _y(value, low, high)) for at, value in values])
        for (name, values), (colour, dash, marker) in zip(lines, STYLES, strict=False)
        if values
    ]
    return Chart(
        key=key,
        title=title,
        description=description,
        series=series,
        ticks=[Tick(_y(value, low, high), f"{value:g}") for value in ticks],
        first_date=day(first),
        last_date=day(last) if day(last) != day(first) else "",
    )
