import pytest

from accounts.models import User
from clients.models import Client
from goals.models import Goal

from .factories import GoalFactory, StepFactory


@pytest.fixture
def actor(worker: User) -> User:
    """Who calls the services directly in these tests: the worker."""
    return worker


@pytest.fixture
def goal(person: Client, worker: User) -> Goal:
    """An active goal of `person` with two steps, the second one done."""
    goal = GoalFactory.create(client=person, words="Get my ID back", created_by=worker)
    StepFactory.create(goal=goal, text="Ask for a birth certificate", order=0)
    StepFactory.create(goal=goal, text="Find the office", order=1)
    return goal
