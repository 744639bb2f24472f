"""Numbers about goals for supervisors, per team and month, computed in PostgreSQL.

Plain data (dataclasses of numbers and ids), for the dashboards to draw; nothing here
reads a goal's words or a note. Months are calendar months in the site's time zone.

- Goals set: by the team the goal was set in (`Goal.team`) and the month it was noted.
- Achieved, changed, set aside: by that team and the month of the status date.
- Median change in the person's own rating: for each goal reviewed in the month that had
  an earlier review, its latest rating that month minus its first rating ever; the
  median over the team's goals (with how many goals it is the median of, so a dashboard
  can suppress small numbers).
- Goal Attainment Scaling T-score per person (Kiresuk and Sherman, 1968):
  T = 50 + 10 * sum(w_i * x_i) / sqrt((1 - rho) * sum(w_i^2) + rho * (sum(w_i))^2),
  with x_i the latest GAS level (-2..+2) of each of the person's goals that has one,
  w_i the goal's weight (1 unless set) and rho = 0.3, the usual assumed correlation
  between goals. Goals that were changed into another are left out: the goal they became
  carries on. T is 50 when every goal is at its expected level, and has a standard
  deviation of about 10.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.dates import add_months

from .models import Goal

RHO = 0.3


@dataclass
class TeamMonth:
    team_id: uuid.UUID
    month: date
    goals_set: int = 0
    achieved: int = 0
    changed: int = 0
    set_aside: int = 0
    goals_with_rating_change: int = 0
    median_rating_change: float | None = None


@dataclass(frozen=True)
class PersonTScore:
    client_id: uuid.UUID
    team_id: uuid.UUID
    goals: int
    t_score: float


def _months(since: date, until: date) -> list[date]:
    month, last, months = date(since.year, since.month, 1), date(until.year, until.month, 1), []
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _start(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month, time.min))


def monthly_goal_numbers(*, team_ids: Sequence[uuid.UUID], since: date, until: date) -> list[TeamMonth]:
    """One row per team and month from `since`'s month to `until`'s, zeros included.

    Three queries whatever the number of goals or months.
    """
    months = _months(since, until)
    rows = {(team_id, month): TeamMonth(team_id, month) for team_id in team_ids for month in months}
    start, end = _start(months[0]), _start(add_months(months[-1], 1))
    goals = Goal.objects.filter(team_id__in=team_ids)
    set_per_month = (
        goals.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("team_id", "month")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in set_per_month:
        rows[(row["team_id"], row["month"].date())].goals_set = row["count"]
    ended = (
        goals.exclude(status=Goal.Status.ACTIVE)
        .filter(status_on__gte=months[0], status_on__lt=end.date())
        .annotate(month=TruncMonth("status_on"))
        .values("team_id", "month", "status")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in ended:
        setattr(rows[(row["team_id"], row["month"])], row["status"], row["count"])
    for team_id, month, count, median in _median_rating_change(team_ids, start, end):
        team_month = rows[(team_id, month)]
        team_month.goals_with_rating_change, team_month.median_rating_change = count, median
    return list(rows.values())


MEDIAN_CHANGE = """
WITH reviews AS (
    SELECT goal.team_id, review.goal_id, review.closeness, review.reviewed_at,
           date_trunc('month', review.reviewed_at AT TIME ZONE %(zone)s)::date AS month
      FROM goals_review AS review
      JOIN goals_goal AS goal ON goal.id = review.goal_id
     WHERE goal.team_id = ANY(%(teams)s::uuid[]) AND review.reviewed_at < %(end)s
), latest_in_month AS (
    SELECT DISTINCT ON (goal_id, month) team_id, goal_id, month, closeness, reviewed_at
      FROM reviews
     WHERE reviewed_at >= %(start)s
     ORDER BY goal_id, month, reviewed_at DESC
), first_ever AS (
    SELECT DISTINCT ON (goal_id) goal_id, closeness, reviewed_at
      FROM reviews
     ORDER BY goal_id, reviewed_at
)
SELECT latest.team_id, latest.month, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latest.closeness - first.closeness)
  FROM latest_in_month AS latest
  JOIN first_ever AS first ON first.goal_id = latest.goal_id AND first.reviewed_at < latest.reviewed_at
 GROUP BY latest.team_id, latest.month
"""


def _median_rating_change(
    team_ids: Sequence[uuid.UUID], start: datetime, end: datetime
) -> list[tuple[uuid.UUID, date, int, float]]:
    params: dict[str, str | list[str] | datetime] = {
        "zone": timezone.get_current_timezone_name(),
        "teams": [str(team) for team in team_ids],
        "start": start,
        "end": end,
    }
    with connection.cursor() as cursor:
        cursor.execute(MEDIAN_CHANGE, params)
        return [(uuid.UUID(str(team)), month, count, float(median)) for team, month, count, median in cursor.fetchall()]


T_SCORES = """
WITH latest AS (
    SELECT DISTINCT ON (review.goal_id) review.goal_id, review.gas
      FROM goals_review AS review
      JOIN goals_goal AS goal ON goal.id = review.goal_id
      JOIN clients_client AS person ON person.id = goal.client_id
     WHERE person.home_team_id = ANY(%(teams)s::uuid[])
       AND goal.status <> 'changed'
       AND review.gas IS NOT NULL
       AND review.reviewed_at <= %(as_of)s
     ORDER BY review.goal_id, review.reviewed_at DESC
)
SELECT goal.client_id, person.home_team_id, count(*),
       50 + 10 * sum(goal.gas_weight * latest.gas)
            / sqrt((1 - %(rho)s) * sum(goal.gas_weight * goal.gas_weight) + %(rho)s * sum(goal.gas_weight) ^ 2)
  FROM latest
  JOIN goals_goal AS goal ON goal.id = latest.goal_id
  JOIN clients_client AS person ON person.id = goal.client_id
 GROUP BY goal.client_id, person.home_team_id
 ORDER BY goal.client_id
"""


def gas_t_scores(
    *, team_ids: Sequence[uuid.UUID], as_of: datetime | None = None, rho: float = RHO
) -> list[PersonTScore]:
    """The T-score of each person of these teams (their home team now) with GAS ratings.

    `as_of` takes the ratings known at that moment (a month's end, for a monthly series).
    One query.
    """
    params: dict[str, list[str] | datetime | float] = {
        "teams": [str(team) for team in team_ids],
        "as_of": as_of or timezone.now(),
        "rho": rho,
    }
    with connection.cursor() as cursor:
        cursor.execute(T_SCORES, params)
        return [
            PersonTScore(uuid.UUID(str(client)), uuid.UUID(str(team)), goals, float(t_score))
            for client, team, goals, t_score in cursor.fetchall()
        ]


def t_score(levels: Sequence[int], weights: Sequence[int] | None = None, rho: float = RHO) -> float:
    """The same formula in Python, for one person's levels (used to explain and to check)."""
    weights = weights or [1] * len(levels)
    weighted = sum(w * x for w, x in zip(weights, levels, strict=True))
    spread = (1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2
    return 50 + 10 * weighted / spread**0.5


@dataclass(frozen=True)
class Attainment:
    """One person's Goal Attainment Scaling T-score now, over the goals it is worked out from."""

    t_score: float
    goals: int


def person_attainment(goals: Iterable[Goal]) -> Attainment | None:
    """The T-score over one person's goals as loaded for their page (with `latest_gas`:
    GoalQuerySet.with_latest_review), the same rule as `gas_t_scores`: goals changed into
    another are left out, and only goals with a rated level count. No query."""
    rated = [
        (goal.latest_gas, goal.gas_weight)  # type: ignore[attr-defined]
        for goal in goals
        if goal.status != Goal.Status.CHANGED and getattr(goal, "latest_gas", None) is not None
    ]
    if not rated:
        return None
    levels, weights = [level for level, _weight in rated], [weight for _level, weight in rated]
    return Attainment(t_score(levels, weights), len(rated))
