"""The plain data the dashboards are built from (dashboards/figures.py) and print
(dashboards/pages.py): months in order, per-team summaries, exact distributions."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from outcomes.change import Category

from .attainment import AttainmentChange
from .sources import Scope


@dataclass(frozen=True)
class Distribution:
    """How many people gave each value: exact mean and percentiles, and additive."""

    counts: Mapping[Decimal, int]

    @property
    def people(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        if not self.people:
            return None
        return float(sum(value * count for value, count in self.counts.items())) / self.people

    def percentile(self, share: float) -> float | None:
        """As PostgreSQL's percentile_cont: linear between the two nearest ranks."""
        if not self.people:
            return None
        position = share * (self.people - 1)
        low, high = self._at(math.floor(position)), self._at(math.ceil(position))
        return low + (high - low) * (position - math.floor(position))

    def _at(self, rank: int) -> float:
        seen = 0
        for value in sorted(self.counts):
            seen += self.counts[value]
            if rank < seen:
                return float(value)
        raise IndexError(rank)


@dataclass(frozen=True)
class ScoreMonth:
    month: date
    people: int
    mean: float | None
    median: float | None
    lower: float | None  # 25th percentile
    upper: float | None  # 75th percentile

    @classmethod
    def of(cls, month: date, distribution: Distribution) -> "ScoreMonth":
        return cls(
            month,
            distribution.people,
            distribution.mean,
            distribution.percentile(0.5),
            distribution.percentile(0.25),
            distribution.percentile(0.75),
        )


@dataclass(frozen=True)
class RatingMonth:
    month: date
    means: list[float | None]
    people: list[int]


@dataclass(frozen=True)
class ChangeShares:
    improved: int = 0
    no_change: int = 0
    worse: int = 0
    not_yet: int = 0  # with a WHO-5 total in the period, but no reliable change yet

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> "ChangeShares":
        return cls(
            counts.get(Category.IMPROVED, 0),
            counts.get(Category.NO_CHANGE, 0),
            counts.get(Category.WORSE, 0),
            counts.get("", 0),
        )

    @property
    def eligible(self) -> int:
        return self.improved + self.no_change + self.worse

    @property
    def checked_in(self) -> int:
        return self.eligible + self.not_yet

    def share(self, count: int) -> float | None:
        return 100 * count / self.eligible if self.eligible else None

    @property
    def parts(self) -> list[tuple[str, str, int, float | None]]:
        """(key, label, people, percent) in the order the dashboards show them."""
        return [
            (key, str(label), count, self.share(count))
            for key, label, count in [
                (Category.IMPROVED.value, Category.IMPROVED.label, self.improved),
                (Category.NO_CHANGE.value, Category.NO_CHANGE.label, self.no_change),
                (Category.WORSE.value, Category.WORSE.label, self.worse),
            ]
        ]


@dataclass(frozen=True)
class ContactMonth:
    month: date
    contacts: int
    people_seen: int
    anonymous_contacts: int
    anonymous_people: int
    syringes: int
    naloxone_kits: int
    # The small-number rule's counts (dashboards/privacy.py): people reached in the month's
    # busiest team, and the people given syringes / naloxone kits there.
    people_basis: int = 0
    syringes_people: int = 0
    naloxone_people: int = 0


@dataclass(frozen=True)
class ServiceLine:
    slug: str
    label: str
    category: str
    counts_quantity: bool
    unit: str
    given: int  # contacts it was given at, in the period
    quantity: int
    people: int  # people reached in its busiest team-month (the small-number rule's count)


@dataclass(frozen=True)
class CategoryMonth:
    month: date
    given: list[int]  # per category, in Figures.categories' order
    people: list[int]  # people given one of the category's services in its busiest team-month and type

    @property
    def total(self) -> int:
        return sum(self.given)


@dataclass(frozen=True)
class WorkerLoad:
    worker_id: int
    name: str
    contacts: int
    people_per_month: float
    people_last_month: int


@dataclass(frozen=True)
class GoalMonth:
    month: date
    goals_set: int
    achieved: int
    changed: int
    set_aside: int
    # People behind each count, in the month's busiest team (the organisation view only).
    people: tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclass(frozen=True)
class OverdoseMonth:
    month: date
    responses: int
    doses: int
    called: int
    reversed_by_staff: int = 0  # responses where the person survived


@dataclass(frozen=True)
class PeerMonth:
    """Reversals participants reported, and supplies for others with their estimated reach."""

    month: date
    reversals_reported: int  # reports of any outcome
    reversed_reported: int  # reports where the person survived
    for_others_contacts: int
    estimated_reach: int


@dataclass(frozen=True)
class NowCounts:
    """Right now (not the period): per team, and added up with `total`."""

    not_seen: int = 0
    consents_due: int = 0
    followups_due: int = 0
    consents_people: int = 0
    followups_people: int = 0


@dataclass
class TeamSummary:
    """One team's period, for the organisation view's table."""

    team_id: UUID
    name: str
    contacts: int = 0
    people_reached: int = 0  # in its busiest month (small-number rule)
    people_seen: int = 0  # added up over the months
    months: int = 1
    syringes: int = 0
    naloxone_kits: int = 0
    syringes_people: int = 0  # in its busiest month
    naloxone_people: int = 0
    change: ChangeShares = field(default_factory=ChangeShares)
    goals_set: int = 0
    achieved: int = 0
    goals_set_people: int = 0  # in its busiest month (organisation view)
    achieved_people: int = 0
    overdoses: int = 0
    now: NowCounts = field(default_factory=NowCounts)

    @property
    def people_seen_per_month(self) -> float:
        return self.people_seen / self.months


@dataclass
class Figures:
    scope: Scope
    contacts: list[ContactMonth]
    services: list[ServiceLine]
    categories: list[tuple[str, str]]  # (key, label) of the categories given in the period
    category_months: list[CategoryMonth]
    caseload: list[WorkerLoad]
    goals: list[GoalMonth]
    overdoses: list[OverdoseMonth]
    peers: list[PeerMonth]
    wellbeing: list[ScoreMonth]
    ratings: list[RatingMonth]
    rating_labels: list[str]
    change: ChangeShares
    now: NowCounts
    teams: list[TeamSummary]
    # How goal attainment changed over the period (dashboards/attainment.py).
    attainment: AttainmentChange = field(default_factory=AttainmentChange)

    @property
    def months(self) -> list[date]:
        return self.scope.months

    @property
    def total_contacts(self) -> int:
        return sum(month.contacts for month in self.contacts)
