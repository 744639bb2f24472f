import pytest
from django.db import IntegrityError, transaction

from accounts.models import Team, User
from clients.models import Client
from goals.models import Goal, Review, Step
from tests.factories import ClientFactory

from .factories import GoalFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def refused(**fields: object) -> bool:
    try:
        with transaction.atomic():
            GoalFactory.create(**fields)
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_an_empty_goal(person: Client) -> None:
    assert refused(client=person, words="")
    assert not Goal.objects.exists()


def test_an_ended_goal_needs_its_date_and_only_a_changed_goal_links_to_another(person: Client) -> None:
    assert refused(client=person, status=Goal.Status.ACHIEVED)
    other = GoalFactory.create(client=person)
    assert refused(client=person, status=Goal.Status.SET_ASIDE, status_on="2026-01-02", became=other)
    assert Goal.objects.count() == 1


@pytest.mark.parametrize(("closeness", "gas"), [(11, None), (-1, None), (5, 3), (5, -3)])
def test_the_database_refuses_ratings_outside_their_range(goal: Goal, closeness: int, gas: int | None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory.create(goal=goal, closeness=closeness, gas=gas)
    assert not Review.objects.exists()


def test_a_step_is_done_with_a_time_or_not_at_all(goal: Goal) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.create(goal=goal, text="Call", is_done=True)


def test_goals_are_visible_to_the_persons_home_team_only(
    goal: Goal, worker: User, outsider: User, data_admin: User, other_team: Team
) -> None:
    assert list(Goal.objects.visible_to(worker)) == [goal]
    assert list(Goal.objects.visible_to(outsider)) == []
    assert list(Goal.objects.visible_to(data_admin)) == []
    Client.objects.filter(pk=goal.client_id).update(home_team=other_team)  # the person moved team
    assert list(Goal.objects.visible_to(outsider)) == [goal]
    assert list(Goal.objects.visible_to(worker)) == []
    assert Goal.objects.get().team_id != other_team.pk  # still counted where it was set


def test_gas_levels_only_when_described(person: Client) -> None:
    plain = GoalFactory.create(client=person)
    scaled = GoalFactory.create(client=person, gas_expected="Two nights a week indoors")
    assert (plain.uses_gas, plain.gas_levels) == (False, [])
    assert scaled.gas_levels == [(-2, ""), (-1, ""), (0, "Two nights a week indoors"), (1, ""), (2, "")]


def test_the_section_lists_active_goals_first_with_their_latest_rating(person: Client, worker: User) -> None:
    ended = GoalFactory.create(client=person, status=Goal.Status.ACHIEVED, status_on="2026-01-05")
    active = GoalFactory.create(client=person)
    ReviewFactory.create(goal=active, closeness=3, reviewed_at="2026-01-01T10:00Z")
    ReviewFactory.create(goal=active, closeness=6, reviewed_at="2026-02-01T10:00Z")
    other_persons = GoalFactory.create(client=ClientFactory.create(home_team=person.home_team))
    goals = list(Goal.objects.visible_to(worker).filter(client=person).for_section())
    assert goals == [active, ended]
    assert goals[0].latest_closeness == 6  # type: ignore[attr-defined]
    assert other_persons not in goals
