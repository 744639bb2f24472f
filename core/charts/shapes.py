"""The shapes every chart is made of (ticks, month labels, lines, bars, the legend, the
chart itself) and the plotting area's geometry. core/charts/__init__.py tells the whole module."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
