"""Change per person: baseline, latest, change, and the Reliable Change Index.

Jacobson NS, Truax P. Clinical significance: a statistical approach to defining meaningful
change in psychotherapy research. J Consult Clin Psychol. 1991;59(1):12-19:

    SE     = SD × sqrt(1 − r)          (standard error of measurement)
    S_diff = sqrt(2 × SE²)             (standard error of the difference of two scores)
    RCI    = (x2 − x1) / S_diff

|RCI| > 1.96 is a change larger than measurement error alone would give 95% of the time.
SD and r (reliability) are the instrument version's, from the published source it names
(`Instrument.norms_source`; WHO-5: outcomes/instruments.py). The category reads the
direction: for an instrument where a higher total is better, RCI > 1.96 is "reliably
improved" and RCI < −1.96 "reliably worse"; the other way round when lower is better.

Baseline is a person's first check-in with a total for an instrument (any version whose
totals lie on the same range as the latest's); latest is their most recent one with a
total. Pure functions over check-ins already loaded: no queries.

Worked example (tests/outcomes/test_change.py): baseline 40, latest 68, SD 21.04, r 0.87:
SE = 21.04 × sqrt(0.13) = 7.586; S_diff = sqrt(2 × 7.586²) = 10.728; RCI = 28 / 10.728
= 2.61 > 1.96: reliably improved.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import CheckIn, Instrument

RCI_THRESHOLD = 1.96


class Category(models.TextChoices):
    IMPROVED = "improved", _("Reliably improved")
    NO_CHANGE = "no_change", _("No reliable change")
    WORSE = "worse", _("Reliably worse")


def s_diff(*, sd: float, reliability: float) -> float:
    """The standard error of the difference between two scores."""
    se = sd * math.sqrt(1 - reliability)
    return math.sqrt(2 * se**2)


def rci(*, baseline: float, latest: float, sd: float, reliability: float) -> float:
    """The Reliable Change Index of Jacobson and Truax (1991)."""
    return (latest - baseline) / s_diff(sd=sd, reliability=reliability)


def category(index: float, *, higher_is_better: bool = True) -> Category:
    towards_better = index if higher_is_better else -index
    if towards_better > RCI_THRESHOLD:
        return Category.IMPROVED
    if towards_better < -RCI_THRESHOLD:
        return Category.WORSE
    return Category.NO_CHANGE


def reliable_change_points(instrument: Instrument) -> float | None:
    """How many points a change must exceed to be reliable (1.96 × S_diff), if known."""
    if instrument.sd is None or instrument.reliability is None:
        return None
    return RCI_THRESHOLD * s_diff(sd=float(instrument.sd), reliability=float(instrument.reliability))


@dataclass(frozen=True)
class Change:
    instrument: Instrument  # the latest check-in's version: its norms and thresholds apply
    baseline: CheckIn
    latest: CheckIn
    count: int  # check-ins with a total on this range, baseline and latest included

    @property
    def change(self) -> Decimal:
        return (self.latest.total or Decimal(0)) - (self.baseline.total or Decimal(0))

    @property
    def days(self) -> int:
        return (self.latest.taken_at - self.baseline.taken_at).days

    @property
    def rci(self) -> float | None:
        """None with a single check-in, or when the version has no published SD and reliability."""
        instrument = self.instrument
        if self.count < 2 or instrument.sd is None or instrument.reliability is None:
            return None
        return rci(
            baseline=float(self.baseline.total or 0),
            latest=float(self.latest.total or 0),
            sd=float(instrument.sd),
            reliability=float(instrument.reliability),
        )

    @property
    def category(self) -> Category | None:
        index = self.rci
        return None if index is None else category(index, higher_is_better=self.instrument.higher_is_better)

    @property
    def counts(self) -> bool | None:
        """Whether the change reaches the instrument's smallest change that counts."""
        if self.count < 2 or self.instrument.smallest_change is None:
            return None
        return abs(self.change) >= self.instrument.smallest_change


def _same_range(a: Instrument, b: Instrument) -> bool:
    return (a.total_min, a.total_max, a.higher_is_better) == (b.total_min, b.total_max, b.higher_is_better)


def change_since_baseline(check_ins: Sequence[CheckIn]) -> Change | None:
    """Change for one instrument (any versions), from check-ins in time order (instrument loaded)."""
    scored = [check_in for check_in in check_ins if check_in.total is not None]
    if not scored:
        return None
    latest = scored[-1]
    comparable = [check_in for check_in in scored if _same_range(check_in.instrument, latest.instrument)]
    return Change(instrument=latest.instrument, baseline=comparable[0], latest=latest, count=len(comparable))


def changes_by_instrument(check_ins: Iterable[CheckIn]) -> dict[str, Change]:
    """Change per instrument slug, from one person's check-ins in time order."""
    by_slug: dict[str, list[CheckIn]] = {}
    for check_in in check_ins:
        by_slug.setdefault(check_in.instrument.slug, []).append(check_in)
    changes = {slug: change_since_baseline(group) for slug, group in by_slug.items()}
    return {slug: change for slug, change in changes.items() if change is not None}
