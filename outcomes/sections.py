"""The wellbeing section of a person's page: change since the first check-in, charts, a table.

Three queries whatever the number of check-ins: the check-ins with their instrument
version, their answers with the items, and the instruments offered for a new check-in.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from clients.models import Client
from core.charts import BLUE, BROWN, GREEN, PURPLE, Chart, Scale, TimeLineSpec, day, time_chart

from .change import Category, Change, changes_by_instrument, reliable_change_points
from .models import Answer, CheckIn, Instrument, InstrumentItem

WHO5, SELF_RATINGS, HOUSING = "who5", "self_ratings", "housing"
# (colour, dash pattern, marker) of each line of a chart: distinct without colour too.
LINE_STYLES = [(BLUE, "", "circle"), (PURPLE, "6 4", "square"), (GREEN, "2 3", "diamond"), (BROWN, "8 3 2 3", "circle")]


@dataclass(frozen=True)
class Column:
    slug: str
    heading: str
    item_key: str = ""  # empty: the instrument's total


@dataclass
class Row:
    on: date
    cells: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ItemChange:
    """First and latest answer to one item (instruments without a total)."""

    heading: str
    first: str
    first_on: str
    latest: str
    latest_on: str
    difference: int | None  # for scale items with two answers


def answer_text(answer: Answer) -> str:
    if answer.is_declined:
        return _("prefer not to say")
    if answer.item.kind == InstrumentItem.Kind.CHOICE:
        return dict(answer.item.choices()).get(answer.value or 0, str(answer.value))
    return str(answer.value)


def number(value: Decimal) -> str:
    """12.50 -> "12.5", 52.00 -> "52" (one decimal at most)."""
    return f"{value.quantize(Decimal('0.1')).normalize():f}"


def signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + number(value)


def total_text(check_in: CheckIn) -> str:
    if check_in.total is not None:
        return number(check_in.total)
    declined = sum(1 for answer in check_in.answers.all() if answer.is_declined)
    if declined:
        return _("no total (%(count)d not answered)") % {"count": declined}
    return _("no total")


def _columns(check_ins: Sequence[CheckIn]) -> list[Column]:
    instruments: dict[str, Instrument] = {}
    items: dict[str, dict[str, InstrumentItem]] = {}
    for check_in in check_ins:
        instruments[check_in.instrument.slug] = check_in.instrument
        for answer in check_in.answers.all():
            items.setdefault(check_in.instrument.slug, {})[answer.item.key] = answer.item
    columns = []
    for slug, instrument in sorted(instruments.items(), key=lambda pair: (pair[1].position, pair[1].name)):
        if instrument.has_total:
            columns.append(Column(slug, instrument.label))
        else:
            by_order = sorted(items.get(slug, {}).values(), key=lambda item: item.order)
            columns += [Column(slug, item.text, item.key) for item in by_order]
    return columns


def _rows(check_ins: Sequence[CheckIn], columns: Sequence[Column]) -> list[Row]:
    by_day: dict[date, dict[tuple[str, str], str]] = {}
    for check_in in check_ins:
        cells = by_day.setdefault(timezone.localdate(check_in.taken_at), {})
        slug = check_in.instrument.slug
        if check_in.instrument.has_total:
            cells[(slug, "")] = total_text(check_in)
        for answer in check_in.answers.all():
            cells[(slug, answer.item.key)] = answer_text(answer)
    return [
        Row(on, [cells.get((column.slug, column.item_key), "") for column in columns]) for on, cells in by_day.items()
    ]


def _item_changes(check_ins: Sequence[CheckIn], slug: str) -> list[ItemChange]:
    answers: dict[str, list[tuple[datetime, Answer]]] = {}
    for check_in in check_ins:
        if check_in.instrument.slug == slug:
            for answer in check_in.answers.all():
                if not answer.is_declined:
                    answers.setdefault(answer.item.key, []).append((check_in.taken_at, answer))
    changes = []
    for given in sorted(answers.values(), key=lambda pairs: pairs[0][1].item.order):
        (first_at, first), (latest_at, latest) = given[0], given[-1]
        scale = first.item.kind == InstrumentItem.Kind.SCALE and len(given) > 1
        difference = (latest.value or 0) - (first.value or 0) if scale else None
        text = latest.item.text
        changes.append(
            ItemChange(text, answer_text(first), day(first_at), answer_text(latest), day(latest_at), difference)
        )
    return changes


def _who5_chart(check_ins: Sequence[CheckIn]) -> Chart | None:
    scored = [(c.taken_at, float(c.total)) for c in check_ins if c.instrument.slug == WHO5 and c.total is not None]
    if not scored:
        return None
    first, last = scored[0], scored[-1]
    if len(scored) == 1:
        description = _("One WHO-5 total, on %(day)s: %(total)g out of 100.") % {
            "day": day(first[0]),
            "total": first[1],
        }
    else:
        description = _(
            "%(count)d WHO-5 totals from %(first_day)s to %(last_day)s: from %(first)g to %(last)g out of 100."
        ) % {
            "count": len(scored),
            "first_day": day(first[0]),
            "last_day": day(last[0]),
            "first": first[1],
            "last": last[1],
        }
    return time_chart(
        "who5",
        title=_("WHO-5 wellbeing over time (0 to 100, higher is better)"),
        description=description,
        lines=_lines([(_("WHO-5 total"), scored)]),
        left=Scale(0, 100, [(value, str(value)) for value in (0, 50, 100)]),
    )


def _lines(named: Sequence[tuple[str, Sequence[tuple[datetime, float]]]]) -> list[TimeLineSpec]:
    return [
        TimeLineSpec(name, colour, dash, shape, values)
        for (name, values), (colour, dash, shape) in zip(named, LINE_STYLES, strict=False)
    ]


def _ratings_chart(check_ins: Sequence[CheckIn]) -> Chart | None:
    lines: dict[str, tuple[int, str, list[tuple[datetime, float]]]] = {}
    for check_in in check_ins:
        if check_in.instrument.slug != SELF_RATINGS:
            continue
        for answer in check_in.answers.all():
            if answer.value is not None:
                entry = lines.setdefault(answer.item.key, (answer.item.order, answer.item.text, []))
                entry[2].append((check_in.taken_at, float(answer.value)))
    if not lines:
        return None
    ordered = sorted(lines.values())
    parts = [
        _("%(rating)s from %(first)g to %(last)g") % {"rating": name, "first": values[0][1], "last": values[-1][1]}
        for _order, name, values in ordered
    ]
    return time_chart(
        "ratings",
        title=_("Their own ratings of health and quality of life over time (0 to 10)"),
        description=_("Ratings out of 10: %(parts)s.") % {"parts": "; ".join(parts)},
        lines=_lines([(name, values) for _order, name, values in ordered]),
        left=Scale(0, 10, [(value, str(value)) for value in (0, 5, 10)]),
    )


# One sentence for each combination of (is the change reliable, does it reach the smallest
# change that counts), so the page never shows two verdicts that seem to contradict each
# other ("No reliable change" beside "at least the smallest change that counts"). Keys:
# the Reliable Change Index's category (None: no published reliability and SD) and whether
# the change reaches the smallest change that counts (None: the questionnaire names none).
CHANGE_SENTENCES: dict[tuple[Category | None, bool | None], Any] = {
    (Category.IMPROVED, True): gettext_lazy(
        "Reliably better: a change of %(change)s points is more than measurement error alone can give "
        "(%(reliable)s points) and at least the smallest change that counts (%(smallest)s points)."
    ),
    (Category.IMPROVED, False): gettext_lazy(
        "Reliably better, but small: a change of %(change)s points is more than measurement error alone can "
        "give (%(reliable)s points), yet less than the smallest change that counts (%(smallest)s points)."
    ),
    (Category.IMPROVED, None): gettext_lazy(
        "Reliably better: a change of %(change)s points is more than measurement error alone can give "
        "(%(reliable)s points); this questionnaire names no smallest change that counts."
    ),
    (Category.WORSE, True): gettext_lazy(
        "Reliably worse: a change of %(change)s points is more than measurement error alone can give "
        "(%(reliable)s points) and at least the smallest change that counts (%(smallest)s points)."
    ),
    (Category.WORSE, False): gettext_lazy(
        "Reliably worse, but small: a change of %(change)s points is more than measurement error alone can "
        "give (%(reliable)s points), yet less than the smallest change that counts (%(smallest)s points)."
    ),
    (Category.WORSE, None): gettext_lazy(
        "Reliably worse: a change of %(change)s points is more than measurement error alone can give "
        "(%(reliable)s points); this questionnaire names no smallest change that counts."
    ),
    (Category.NO_CHANGE, True): gettext_lazy(
        "Not yet a reliable change: a change of %(change)s points reaches the smallest change that counts "
        "(%(smallest)s points), but not more than measurement error alone can give (%(reliable)s points)."
    ),
    (Category.NO_CHANGE, False): gettext_lazy(
        "No reliable change: a change of %(change)s points is within what measurement error alone can give "
        "(%(reliable)s points) and less than the smallest change that counts (%(smallest)s points)."
    ),
    (Category.NO_CHANGE, None): gettext_lazy(
        "No reliable change: a change of %(change)s points is within what measurement error alone can give "
        "(%(reliable)s points)."
    ),
    (None, True): gettext_lazy(
        "A change of %(change)s points, at least the smallest change that counts (%(smallest)s points); "
        "whether it is reliable cannot be said: this questionnaire has no published reliability and SD."
    ),
    (None, False): gettext_lazy(
        "A change of %(change)s points, less than the smallest change that counts (%(smallest)s points); "
        "whether it is reliable cannot be said: this questionnaire has no published reliability and SD."
    ),
    (None, None): gettext_lazy(
        "A change of %(change)s points; this questionnaire names no smallest change that counts and has no "
        "published reliability and SD, so no more can be said."
    ),
}


def change_sentence(change: Change) -> str:
    """The change, whether it is reliable and whether it counts, said together in one sentence."""
    reliable = reliable_change_points(change.instrument)
    smallest = change.instrument.smallest_change
    return str(CHANGE_SENTENCES[(change.category, change.counts)]) % {
        "change": signed(change.change),
        "reliable": number(Decimal(reliable)) if reliable is not None else "",
        "smallest": number(smallest) if smallest is not None else "",
    }


def change_rows(changes: dict[str, Change]) -> list[dict[str, Any]]:
    """What the page says about each instrument with totals, in words and numbers."""
    rows = []
    for change in sorted(changes.values(), key=lambda change: change.instrument.position):
        threshold = reliable_change_points(change.instrument)
        smallest = change.instrument.smallest_change
        rows.append(
            {
                "change": change,
                "baseline": total_text(change.baseline),
                "baseline_on": day(change.baseline.taken_at),
                "latest": total_text(change.latest),
                "latest_on": day(change.latest.taken_at),
                "difference": signed(change.change),
                "threshold": number(Decimal(threshold)) if threshold is not None else None,
                "rci": f"{change.rci:+.2f}" if change.rci is not None else None,
                "smallest": number(smallest) if smallest is not None else None,
                "sentence": change_sentence(change) if change.count > 1 else "",
            }
        )
    return rows


def person_check_ins(client: Client, user: User) -> dict[str, Any]:
    check_ins = CheckIn.objects.visible_to(user).filter(client=client).history()
    columns = _columns(check_ins)
    charts = [chart for chart in (_who5_chart(check_ins), _ratings_chart(check_ins)) if chart is not None]
    return {
        "check_ins": check_ins,
        "columns": columns,
        "rows": _rows(check_ins, columns),
        "charts": charts,
        "changes": change_rows(changes_by_instrument(check_ins)),
        "rating_changes": _item_changes(check_ins, SELF_RATINGS),
        "housing_changes": _item_changes(check_ins, HOUSING),
        "offered": list(
            Instrument.objects.current().filter(is_active=True).order_by("-is_builtin", "position", "name")
        ),
    }
