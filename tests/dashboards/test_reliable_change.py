"""The rollup's reliable change per person and month is outcomes/change.py's, worked out in
SQL: baseline the first total on the same range (across versions), the RCI of Jacobson and
Truax with the latest version's norms, the direction of the instrument, and 28 days apart.

Checked on random check-ins against the Python functions, with a second WHO-5 version on the
same range (its baseline carries over), a version on another range (a new baseline), and an
instrument where a lower total is better.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Team
from dashboards import rollups
from dashboards.models import CheckInMonth
from outcomes.change import Category, change_since_baseline
from outcomes.models import CheckIn, Instrument
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def version(slug: str, number: int, *, low: int, high: int, higher_is_better: bool = True) -> Instrument:
    Instrument.objects.filter(slug=slug, is_current=True).exclude(version=number).update(is_current=False)
    made, _ = Instrument.objects.get_or_create(
        slug=slug,
        version=number,
        defaults={
            "name": slug,
            "scoring": Instrument.Scoring.SUM,
            "total_min": Decimal(low),
            "total_max": Decimal(high),
            "higher_is_better": higher_is_better,
            "sd": Decimal("8.5"),
            "reliability": Decimal("0.800"),
        },
    )
    return made


def local_month(at: datetime) -> date:
    return timezone.localtime(at).date().replace(day=1)


def expected(person_check_ins: list[CheckIn], month: date, slug: str) -> str:
    """The category of the month's latest total, by outcomes.change on the history up to it."""
    history = [c for c in person_check_ins if c.instrument.slug == slug and c.total is not None]
    history.sort(key=lambda c: (c.taken_at, c.created_at, c.pk))
    in_month = [c for c in history if local_month(c.taken_at) == month]
    latest = in_month[-1]
    change = change_since_baseline(history[: history.index(latest) + 1])
    assert change is not None
    if change.days < 28 or change.category is None:
        return ""
    return change.category.value


def test_the_rollup_category_is_outcomes_change_on_random_check_ins(team: Team) -> None:
    rng = random.Random(7)
    who5 = Instrument.objects.get(slug="who5", is_current=True)
    people = [ClientFactory.create(home_team=team) for _ in range(12)]
    start = timezone.make_aware(datetime.combine(date(2025, 1, 1), time(9)))
    for person in people:
        for _ in range(rng.randint(1, 9)):
            at = start + timedelta(days=rng.randint(0, 420), hours=rng.randint(0, 12))
            CheckIn.objects.create(client=person, team=team, instrument=who5, taken_at=at, total=4 * rng.randint(0, 25))
    # A later WHO-5 version on the same range, and one on another range (raw 0..25).
    same = version("who5", 2, low=0, high=100)
    for person in people[:6]:
        at = start + timedelta(days=rng.randint(200, 430))
        CheckIn.objects.create(client=person, team=team, instrument=same, taken_at=at, total=4 * rng.randint(0, 25))
    other = version("who5", 3, low=0, high=25)
    for person in people[3:8]:
        for _ in range(2):
            at = start + timedelta(days=rng.randint(300, 440))
            CheckIn.objects.create(client=person, team=team, instrument=other, taken_at=at, total=rng.randint(0, 25))
    # Lower is better: a distress score, 0..40.
    distress = version("distress", 1, low=0, high=40, higher_is_better=False)
    for person in people:
        for _ in range(rng.randint(0, 5)):
            at = start + timedelta(days=rng.randint(0, 420))
            CheckIn.objects.create(client=person, team=team, instrument=distress, taken_at=at, total=rng.randint(0, 40))

    rollups.refresh()

    check_ins = list(CheckIn.objects.select_related("instrument"))
    rows = list(CheckInMonth.objects.filter(measure__in=["who5", "distress"]))
    assert len(rows) > 40
    for row in rows:
        mine = [c for c in check_ins if c.client_id == row.client_id]
        assert row.category == expected(mine, row.month, row.measure), (row.client_id, row.measure, row.month)
    found = {row.category for row in rows}
    assert {Category.IMPROVED.value, Category.WORSE.value, Category.NO_CHANGE.value, ""} <= found


def test_a_late_entry_before_the_baseline_changes_every_month_of_that_person(team: Team) -> None:
    who5 = Instrument.objects.get(slug="who5", is_current=True)
    person = ClientFactory.create(home_team=team)
    first = timezone.make_aware(datetime.combine(date(2026, 3, 2), time(10)))
    CheckIn.objects.create(client=person, team=team, instrument=who5, taken_at=first, total=40)
    CheckIn.objects.create(client=person, team=team, instrument=who5, taken_at=first + timedelta(days=40), total=68)
    rollups.refresh()
    assert CheckInMonth.objects.get(measure="who5", month=date(2026, 4, 1)).category == "improved"  # 40 -> 68

    # Entered late: a check-in in January, before the baseline, scoring 80.
    CheckIn.objects.create(client=person, team=team, instrument=who5, taken_at=first - timedelta(days=50), total=80)
    rollups.refresh()

    categories = dict(CheckInMonth.objects.filter(measure="who5").values_list("month", "category"))
    assert categories == {
        date(2026, 1, 1): "",  # the new baseline itself
        date(2026, 3, 1): "worse",  # 80 -> 40, 49 days later
        date(2026, 4, 1): "no_change",  # 80 -> 68: 12 points, under the 21 that count
    }
