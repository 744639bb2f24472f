"""core/charts/ is the one SVG chart module: time charts (a person's wellbeing, a goal's
history) put moments in proportion, read a second scale on the right, and write numbers
with a dot in every language; no other module or template draws a chart."""

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.utils import translation

from core.charts import BLUE, LEFT, PURPLE, RIGHT, Scale, TimeLineSpec, time_chart

ROOT = Path(__file__).resolve().parent.parent.parent
START = datetime(2026, 3, 1, 12, tzinfo=UTC)


def points(svg: str) -> list[list[tuple[float, float]]]:
    lines = re.findall(r'<polyline points="([^"]+)"', svg)
    return [[tuple(float(n) for n in pair.split(",")) for pair in line.split()] for line in lines]  # type: ignore[misc]


def test_nothing_to_draw_is_no_chart() -> None:
    empty = TimeLineSpec("Total", BLUE, "", "circle", [])
    assert time_chart("x", title="t", description="d", lines=[empty], left=Scale(0, 10, [])) is None


def test_moments_are_placed_in_proportion_and_values_on_their_scale() -> None:
    line = TimeLineSpec(
        "Rating", BLUE, "", "circle", [(START, 0), (START + timedelta(days=10), 10), (START + timedelta(days=40), 5)]
    )
    chart = time_chart(
        "r", title="Ratings", description="Three", lines=[line], left=Scale(0, 10, [(0, "0"), (10, "10")])
    )
    assert chart is not None
    [drawn] = points(chart.svg())
    xs = [x for x, _y in drawn]
    assert xs[0] == LEFT and xs[-1] == RIGHT
    assert abs((xs[1] - xs[0]) / (xs[2] - xs[0]) - 10 / 40) < 0.01  # 10 days of 40
    ys = [y for _x, y in drawn]
    assert ys[0] == chart.bottom and ys[1] == chart.top and ys[2] == (chart.top + chart.bottom) / 2
    assert chart.first_day and chart.last_day and chart.first_day != chart.last_day


def test_a_line_on_the_right_reads_the_right_scale_and_labels_it_in_its_colour() -> None:
    at = [START, START + timedelta(days=7)]
    rating = TimeLineSpec("Rating", BLUE, "", "circle", [(at[0], 0), (at[1], 10)])
    level = TimeLineSpec("Level", PURPLE, "6 4", "square", [(at[0], -2), (at[1], 2)], on_right=True)
    chart = time_chart(
        "g",
        title="History",
        description="Both",
        lines=[rating, level],
        left=Scale(0, 10, [(0, "0"), (10, "10")]),
        right=Scale(-2, 2, [(-2, "-2"), (2, "+2")]),
    )
    assert chart is not None
    first, second = points(chart.svg())
    assert first == second  # 0..10 on the left and -2..+2 on the right: the same heights
    assert [tick.label for tick in chart.right_ticks] == ["-2", "+2"]
    assert f'fill="{PURPLE}">+2</text>' in chart.svg()
    assert 'stroke-dasharray="6 4"' in chart.svg()
    assert [entry.label for entry in chart.legend] == ["Rating", "Level"]


def test_one_moment_sits_in_the_middle_and_numbers_keep_dots_in_spanish() -> None:
    line = TimeLineSpec("Total", BLUE, "", "circle", [(START, 37.5)])
    with translation.override("es"):
        chart = time_chart("w", title="WHO-5", description="Uno", lines=[line], left=Scale(0, 100, [(50, "50")]))
        assert chart is not None
        svg = chart.svg()
    [[(x, _y)]] = points(svg)
    assert x == (LEFT + RIGHT) / 2
    assert chart.last_day == ""
    assert re.search(r'<polyline points="\d+\.\d,\d+\.\d"', svg)


def test_no_module_or_template_but_core_charts_draws_a_chart() -> None:
    """Apps build charts with core.charts; only templates/includes/_chart.html shows them."""
    drawing = re.compile(r"<polyline|<svg[^>]*role=\"img\"|role=\"img\"[^>]*aria-labelledby")
    modules = [
        path
        for app in (
            "accounts",
            "api",
            "audit",
            "clients",
            "dashboards",
            "encounters",
            "exports",
            "goals",
            "outcomes",
            "privacy",
        )
        for path in (ROOT / app).rglob("*.py")
    ]
    found = [str(path.relative_to(ROOT)) for path in modules if drawing.search(path.read_text())]
    found += [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if drawing.search(path.read_text()) and path.name != "_chart.html"
    ]
    assert found == []
    charts_modules = [path for path in ROOT.glob("*/charts.py")] + [path for path in ROOT.glob("*/charts/")]
    assert [str(path.relative_to(ROOT)) for path in charts_modules] == ["core/charts"]
    imports = {
        node.module
        for path in modules
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module and "chart" in node.module
    }
    assert imports <= {"core.charts", "core"}
