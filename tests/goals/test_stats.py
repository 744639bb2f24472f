"""Numbers for supervisors: per team and month, and the GAS T-score checked by hand."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Team
from clients.models import Client
from goals.models import Goal
from goals.stats import TeamMonth, gas_t_scores, monthly_goal_numbers, t_score
from tests.factories import ClientFactory

from .factories import GoalFactory, ReviewFactory

pytestmark = pytest.mark.django_db

YEAR = 2026


def at(month: int, day: int) -> datetime:
    return timezone.make_aware(datetime.combine(date(YEAR, month, day), time(12)))


def test_goals_set_and_ended_per_team_and_month(person: Client, team: Team, other_team: Team) -> None:
    GoalFactory.create(client=person, created_at=at(1, 3))
    GoalFactory.create(client=person, created_at=at(1, 30), status="achieved", status_on=date(YEAR, 2, 14))
    became = GoalFactory.create(client=person, created_at=at(3, 2))
    GoalFactory.create(client=person, created_at=at(2, 1), status="changed", status_on=date(YEAR, 3, 2), became=became)
    GoalFactory.create(client=person, created_at=at(2, 5), status="set_aside", status_on=date(YEAR, 3, 20))
    GoalFactory.create(client=ClientFactory.create(home_team=other_team), created_at=at(1, 4))
    GoalFactory.create(client=person, created_at=at(4, 1))  # after the period

    rows = monthly_goal_numbers(team_ids=[team.pk], since=date(YEAR, 1, 15), until=date(YEAR, 3, 31))

    counts = [(row.month, row.goals_set, row.achieved, row.changed, row.set_aside) for row in rows]
    assert counts == [
        (date(YEAR, 1, 1), 2, 0, 0, 0),
        (date(YEAR, 2, 1), 2, 1, 0, 0),
        (date(YEAR, 3, 1), 1, 0, 1, 1),
    ]
    assert {row.team_id for row in rows} == {team.pk}


def test_the_median_change_in_their_own_rating(person: Client, team: Team) -> None:
    """Per goal reviewed in the month: latest rating that month minus the first rating ever."""
    up = GoalFactory.create(client=person)  # February: 6 - 2 = +4
    for day, month, rating in [(10, 1, 2), (5, 2, 5), (20, 2, 6)]:
        ReviewFactory.create(goal=up, closeness=rating, reviewed_at=at(month, day))
    down = GoalFactory.create(client=person)  # February: 4 - 5 = -1
    ReviewFactory.create(goal=down, closeness=5, reviewed_at=at(1, 3))
    ReviewFactory.create(goal=down, closeness=4, reviewed_at=at(2, 1))
    once = GoalFactory.create(client=person)  # one review: no change to measure
    ReviewFactory.create(goal=once, closeness=9, reviewed_at=at(2, 2))
    early = GoalFactory.create(client=person)  # January: 7 - 3 = +4
    ReviewFactory.create(goal=early, closeness=3, reviewed_at=at(1, 5))
    ReviewFactory.create(goal=early, closeness=7, reviewed_at=at(1, 25))

    numbers = monthly_goal_numbers(team_ids=[team.pk], since=date(YEAR, 1, 1), until=date(YEAR, 3, 1))

    january, february, march = numbers
    assert (january.goals_with_rating_change, january.median_rating_change) == (1, 4.0)
    assert (february.goals_with_rating_change, february.median_rating_change) == (2, 1.5)  # median of +4 and -1
    assert march == TeamMonth(team.pk, date(YEAR, 3, 1))


def test_months_follow_the_sites_time_zone(person: Client, team: Team) -> None:
    madrid = ZoneInfo("Europe/Madrid")
    with timezone.override(madrid):
        # 23:30 UTC on 31 January is already February in Madrid.
        GoalFactory.create(client=person, created_at=datetime(YEAR, 1, 31, 23, 30, tzinfo=ZoneInfo("UTC")))
        rows = monthly_goal_numbers(team_ids=[team.pk], since=date(YEAR, 1, 1), until=date(YEAR, 2, 1))
    assert [row.goals_set for row in rows] == [0, 1]


def test_the_gas_t_score_matches_the_example_worked_by_hand(person: Client, team: Team, other_team: Team) -> None:
    """Kiresuk-Sherman, rho = 0.3:  T = 50 + 10 * sum(w x) / sqrt((1 - rho) * sum(w^2) + rho * (sum w)^2)

    Robin: three goals, equal weights (w = 1), latest levels x = +2, +1, 0
        sum(w x) = 2 + 1 + 0 = 3;  sum(w^2) = 3;  (sum w)^2 = 9
        T = 50 + 10 * 3 / sqrt(0.7 * 3 + 0.3 * 9) = 50 + 30 / sqrt(4.8) = 50 + 30 / 2.19089 = 63.693
    Sky: two goals, weights 2 and 1, latest levels x = +1, -1
        sum(w x) = 2 - 1 = 1;  sum(w^2) = 4 + 1 = 5;  (sum w)^2 = 9
        T = 50 + 10 * 1 / sqrt(0.7 * 5 + 0.3 * 9) = 50 + 10 / sqrt(6.2) = 50 + 10 / 2.48998 = 54.016
    """
    levels = {"gas_expected": "As hoped"}
    for latest in (2, 1, 0):
        goal = GoalFactory.create(client=person, **levels)
        ReviewFactory.create(goal=goal, gas=-2, reviewed_at=at(1, 1))  # earlier: replaced by the latest
        ReviewFactory.create(goal=goal, gas=latest, reviewed_at=at(2, 1))
        ReviewFactory.create(goal=goal, gas=None, reviewed_at=at(2, 2))  # a review without a level
    changed = GoalFactory.create(
        client=person, status="changed", status_on=date(YEAR, 2, 1), became=GoalFactory.create(client=person)
    )
    ReviewFactory.create(goal=changed, gas=-2, reviewed_at=at(2, 1))  # changed goals are left out
    sky = ClientFactory.create(home_team=team)
    for weight, latest in ((2, 1), (1, -1)):
        ReviewFactory.create(goal=GoalFactory.create(client=sky, gas_weight=weight, **levels), gas=latest)
    ReviewFactory.create(goal=GoalFactory.create(client=ClientFactory.create(home_team=team)), closeness=8)
    ReviewFactory.create(goal=GoalFactory.create(client=ClientFactory.create(home_team=other_team)), gas=2)

    scores = {score.client_id: score for score in gas_t_scores(team_ids=[team.pk])}

    assert set(scores) == {person.pk, sky.pk}  # nobody without levels, nobody from another team
    assert (scores[person.pk].goals, round(scores[person.pk].t_score, 3)) == (3, 63.693)
    assert (scores[sky.pk].goals, round(scores[sky.pk].t_score, 3)) == (2, 54.016)
    assert round(t_score([2, 1, 0]), 3) == 63.693 and round(t_score([1, -1], [2, 1]), 3) == 54.016
    assert scores[person.pk].team_id == team.pk


def test_the_t_score_as_of_an_earlier_moment(person: Client, team: Team) -> None:
    goal = GoalFactory.create(client=person, gas_expected="As hoped")
    ReviewFactory.create(goal=goal, gas=-1, reviewed_at=at(1, 10))
    ReviewFactory.create(goal=goal, gas=1, reviewed_at=at(3, 10))
    (january,) = gas_t_scores(team_ids=[team.pk], as_of=at(1, 31))
    (now,) = gas_t_scores(team_ids=[team.pk])
    # One goal, w = 1: T = 50 + 10 * x / sqrt(0.7 + 0.3) = 50 + 10 x.
    assert (january.t_score, now.t_score) == (40.0, 60.0)
    assert Goal.objects.count() == 1
