"""Query counts of the conflict page of a goal's ending or change: pinned, and the same with
2 steps and reviews as with 20.

The counts start with the session, the user and their memberships (3), then the page's own.
"""

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients.models import Client
from goals.models import Goal
from tests.forms import saved_meanwhile

from .factories import GoalFactory, ReviewFactory, StepFactory

pytestmark = pytest.mark.django_db


def count(client: HttpClient, path: str, data: dict[str, str]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, data)
    return response.status_code, len(queries)


def grow(goal: Goal, rows: int) -> None:
    now = timezone.now()
    for index in range(rows):
        StepFactory.create(goal=goal, is_done=index % 2 == 0, done_at=now if index % 2 == 0 else None)
        ReviewFactory.create(goal=goal, closeness=index % 11, reviewed_at=now)


@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.parametrize(
    ("name", "typed"),
    [("status", {"status": "set_aside", "note": "Not now"}), ("change", {"words": "Get a passport"})],
)
def test_the_conflict_page_of_a_goals_ending(
    client: HttpClient,
    person: Client,
    worker: User,
    supervisor: User,
    rows: int,
    name: str,
    typed: dict[str, str],
) -> None:
    """The goal (with the person and the goal it became) and its steps; an empty savepoint
    (the version is stale before anything is written); the goal and its steps again, the
    GOAL_VIEWED insert. A change's form also checks the goal's constraints, before saving
    and when drawn again (each in a savepoint: 3 queries)."""
    goal = GoalFactory.create(client=person)
    grow(goal, rows)
    path = reverse(f"goals:{name}", args=[goal.pk])
    ended = (supervisor, reverse("goals:status", args=[goal.pk]), {"status": "achieved", "version": "1"})
    mine = saved_meanwhile(client, loads=(worker, path), saves=ended)
    assert count(client, path, {**mine, **typed}) == (409, 11 if name == "status" else 17)
