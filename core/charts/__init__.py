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

from .months import bar_chart, describe_range, line_chart, month_labels, nice_top, share_chart
from .shapes import (
    BAND,
    BLUE,
    BOTTOM,
    BROWN,
    CATEGORY_COLOURS,
    GREEN,
    GREY,
    HEIGHT,
    LEFT,
    PURPLE,
    RED,
    RIGHT,
    TOP,
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
)
from .time import Scale, TimeLineSpec, day, time_chart

__all__ = [
    "BAND",
    "BLUE",
    "BOTTOM",
    "BROWN",
    "Bar",
    "BarSpec",
    "CATEGORY_COLOURS",
    "Chart",
    "GREEN",
    "GREY",
    "HEIGHT",
    "LEFT",
    "LegendEntry",
    "Line",
    "LineSpec",
    "Marker",
    "MonthLabel",
    "PURPLE",
    "RED",
    "RIGHT",
    "Scale",
    "TOP",
    "Text",
    "Tick",
    "TimeLineSpec",
    "WIDTH",
    "bar_chart",
    "day",
    "describe_range",
    "line_chart",
    "month_labels",
    "nice_top",
    "share_chart",
    "time_chart",
]
