"""Change since baseline and the Reliable Change Index, with a worked example by hand."""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from clients.models import Client
from outcomes.change import (
    Category,
    category,
    change_since_baseline,
    changes_by_instrument,
    rci,
    reliable_change_points,
    s_diff,
)
from outcomes.models import CheckIn, Instrument

from .helpers import check_in

pytestmark = pytest.mark.django_db


def test_rci_worked_example_by_hand() -> None:
    # Baseline 40, latest 68, SD 21.04, reliability 0.87:
    # SE = 21.04 x sqrt(1 - 0.87) = 21.04 x 0.360555 = 7.5861
    # S_diff = sqrt(2 x 7.5861^2) = 7.5861 x 1.414214 = 10.7284
    # RCI = (68 - 40) / 10.7284 = 2.6099 > 1.96: reliably improved.
    assert s_diff(sd=21.04, reliability=0.87) == pytest.approx(10.7284, abs=1e-4)
    index = rci(baseline=40, latest=68, sd=21.04, reliability=0.87)
    assert index == pytest.approx(2.6099, abs=1e-4)
    assert category(index) == Category.IMPROVED


def test_rci_second_example_small_scale() -> None:
    # Baseline 20, latest 14, SD 6, reliability 0.75: SE = 6 x 0.5 = 3; S_diff = sqrt(18) = 4.2426;
    # RCI = -6 / 4.2426 = -1.414: no reliable change (within +-1.96).
    index = rci(baseline=20, latest=14, sd=6, reliability=0.75)
    assert index == pytest.approx(-6 / math.sqrt(18))
    assert category(index) == Category.NO_CHANGE


def test_category_reads_the_direction() -> None:
    assert category(-2.0) == Category.WORSE
    assert category(-2.0, higher_is_better=False) == Category.IMPROVED
    assert category(2.0, higher_is_better=False) == Category.WORSE
    assert category(1.96) == Category.NO_CHANGE  # "more than 1.96"


def test_who5_needs_more_than_21_points(who5: Instrument) -> None:
    # 1.96 x sqrt(2) x 21.04 x sqrt(0.13) = 21.03
    assert reliable_change_points(who5) == pytest.approx(21.03, abs=0.01)


def test_baseline_is_the_first_total_and_latest_the_last(person: Client, worker: User, who5: Instrument) -> None:
    start = timezone.now() - timedelta(days=120)
    check_in(person, who5, [2, 2, 2, 2, None], by=worker, at=start)  # no total: not a baseline
    first = check_in(person, who5, [2, 2, 2, 2, 2], by=worker, at=start + timedelta(days=1))  # 40
    check_in(person, who5, [3, 3, 3, 3, 3], by=worker, at=start + timedelta(days=60))  # 60
    last = check_in(person, who5, [4, 3, 4, 3, 3], by=worker, at=start + timedelta(days=110))  # 68
    check_ins = list(CheckIn.objects.filter(client=person).for_history())
    change = change_since_baseline(check_ins)
    assert change is not None
    assert (change.baseline.pk, change.latest.pk, change.count) == (first.pk, last.pk, 3)
    assert change.change == Decimal(28)
    assert change.rci == pytest.approx(2.6099, abs=1e-3)
    assert change.category == Category.IMPROVED
    assert change.counts is True  # 28 >= the smallest change that counts (10)
    assert change.days == 109


def test_one_check_in_has_no_change_yet(person: Client, worker: User, who5: Instrument, ratings: Instrument) -> None:
    check_in(person, who5, [2, 2, 2, 2, 2], by=worker)
    check_in(person, ratings, [5, 6, 7], by=worker)
    changes = changes_by_instrument(CheckIn.objects.filter(client=person).for_history())
    assert list(changes) == ["who5"]  # self-ratings have no total
    assert (changes["who5"].rci, changes["who5"].category, changes["who5"].counts) == (None, None, None)


def test_versions_on_another_range_start_a_new_baseline(person: Client, worker: User, who5: Instrument) -> None:
    older = check_in(person, who5, [1, 1, 1, 1, 1], by=worker, at=timezone.now() - timedelta(days=90))
    newer = Instrument.objects.create(
        slug="who5", version=2, is_current=False, name="x", scoring="sum", total_min=0, total_max=25
    )
    newer.items.create(order=1, key="a", wording="a", scale_min=0, scale_max=25)
    check_in(person, newer, [20], by=worker, at=timezone.now() - timedelta(days=30))
    latest = check_in(person, newer, [10], by=worker)
    change = change_since_baseline(list(CheckIn.objects.filter(client=person).for_history()))
    assert change is not None
    assert change.baseline.pk != older.pk
    assert (change.latest.pk, change.change) == (latest.pk, Decimal(-10))
    assert change.rci is None  # version 2 names no reliability or SD
