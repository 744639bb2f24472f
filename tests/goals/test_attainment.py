"""Goal Attainment Scaling on screen: each goal's current level on its page, the person's
T-score over their goals on their page, the method and its source one tap away.

The known cases (Kiresuk and Sherman's formula, rho 0.3, worked by hand in
tests/goals/test_stats.py): levels +2, +1, 0 give 63.693; +1 (weight 2) and -1 give
54.016; -2 and 0 give 37.597; -2, -2, 0, +2 give 42.745.
"""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Team
from clients.models import Client
from goals.models import Goal
from goals.stats import gas_t_scores

from .factories import GoalFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in this thread: later tests expect English."""
    with translation.override("en"):
        yield


LEVELS = {
    "gas_much_less": "Sleeping out every night",
    "gas_less": "Inside one or two nights",
    "gas_expected": "Inside most nights",
    "gas_more": "Inside every night",
    "gas_much_more": "A room of my own",
}

# (levels with weights) -> the T-score shown, to one decimal, and the exact value.
KNOWN = [
    ([(2, 1), (1, 1), (0, 1)], "63.7", 63.693),
    ([(1, 2), (-1, 1)], "54.0", 54.016),
    ([(-2, 1), (0, 1)], "37.6", 37.597),
    ([(-2, 1), (-2, 1), (0, 1), (2, 1)], "42.7", 42.745),
]


def goals_at(person: Client, levels: list[tuple[int, int]]) -> list[Goal]:
    """One goal with levels per (level, weight), reviewed twice: an older level, then this one."""
    goals, now = [], timezone.now()
    for level, weight in levels:
        goal = GoalFactory.create(client=person, gas_weight=weight, **LEVELS)
        ReviewFactory.create(goal=goal, gas=0 if level else 1, reviewed_at=now - timedelta(days=30))
        ReviewFactory.create(goal=goal, gas=level, reviewed_at=now - timedelta(days=2))
        ReviewFactory.create(goal=goal, gas=None, reviewed_at=now - timedelta(days=1))  # not rated this time
        goals.append(goal)
    return goals


def person_page(http: HttpClient, person: Client) -> str:
    response = http.get(reverse("clients:detail", args=[person.code]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("levels", "shown", "exact"), KNOWN)
def test_the_person_page_shows_the_known_t_score(
    worker_client: HttpClient, person: Client, team: Team, levels: list[tuple[int, int]], shown: str, exact: float
) -> None:
    goals_at(person, levels)
    html = person_page(worker_client, person)
    assert f"Goal attainment: <strong>{shown}</strong> (T-score over {len(levels)} goals with levels" in html
    (score,) = gas_t_scores(team_ids=[team.pk])  # the dashboards' SQL agrees with the page
    assert round(score.t_score, 3) == exact


def test_the_method_and_its_source_are_one_tap_away(worker_client: HttpClient, person: Client) -> None:
    goals_at(person, [(1, 1)])
    html = person_page(worker_client, person)
    method = html[html.index('id="goal-attainment"') :]
    method = method[: method.index("</details>")]
    assert "<summary>How goal attainment is worked out</summary>" in method
    assert "Kiresuk TJ, Sherman RE. Goal attainment scaling" in method and "1968" in method
    assert "No level is a failure." in method


def test_goals_changed_into_another_and_unrated_goals_are_left_out(worker_client: HttpClient, person: Client) -> None:
    (kept,) = goals_at(person, [(2, 1)])
    (changed,) = goals_at(person, [(-2, 1)])
    Goal.objects.filter(pk=changed.pk).update(status=Goal.Status.CHANGED, status_on=timezone.localdate(), became=kept)
    GoalFactory.create(client=person, **LEVELS)  # levels described, never rated
    GoalFactory.create(client=person)  # no levels at all
    html = person_page(worker_client, person)
    assert "Goal attainment: <strong>70.0</strong> (T-score over 1 goal with levels" in html


def test_no_t_score_without_a_rated_level(worker_client: HttpClient, person: Client) -> None:
    goal = GoalFactory.create(client=person, **LEVELS)
    ReviewFactory.create(goal=goal, gas=None)
    html = person_page(worker_client, person)
    assert "Goal attainment:" not in html and "How goal attainment is worked out" not in html


def test_the_t_score_in_spanish_uses_a_decimal_comma(worker_client: HttpClient, person: Client) -> None:
    goals_at(person, KNOWN[0][0])
    worker_client.cookies["django_language"] = "es"
    html = person_page(worker_client, person)
    assert "Logro de metas: <strong>63,7</strong>" in html
    assert "Kiresuk TJ, Sherman RE." in html


class TestTheGoalPage:
    def test_it_shows_the_current_level_in_the_persons_words(self, worker_client: HttpClient, person: Client) -> None:
        (goal,) = goals_at(person, [(1, 1)])
        html = worker_client.get(goal.get_absolute_url()).content.decode()
        assert "Where they are now: <strong>+1</strong>, a little more than they hoped for" in html
        assert "In their words: “Inside every night”" in html
        assert "How goal attainment is worked out" in html

    def test_the_lowest_level_is_never_called_a_failure(self, worker_client: HttpClient, person: Client) -> None:
        (goal,) = goals_at(person, [(-2, 1)])
        html = worker_client.get(goal.get_absolute_url()).content.decode()
        assert "Where they are now: <strong>-2</strong>, much less than they hoped for" in html
        # The only "fail" on the page is the method's "No level is a failure."
        assert html.lower().count("fail") == 1 and "No level is a failure." in html

    def test_levels_described_but_not_yet_chosen(self, worker_client: HttpClient, person: Client) -> None:
        goal = GoalFactory.create(client=person, **LEVELS)
        html = worker_client.get(goal.get_absolute_url()).content.decode()
        assert "No level chosen at a review yet." in html
        assert "what they hoped for:</span> Inside most nights" in html

    def test_a_goal_without_levels_shows_no_attainment(self, worker_client: HttpClient, person: Client) -> None:
        goal = GoalFactory.create(client=person)
        ReviewFactory.create(goal=goal, closeness=4)
        html = worker_client.get(goal.get_absolute_url()).content.decode()
        assert 'id="goal-attainment"' not in html
