"""Goal pages' query counts are pinned, and the same with 2 goals (steps, reviews) as with 20."""

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from goals.models import Goal

from .factories import GoalFactory, ReviewFactory, StepFactory

pytestmark = pytest.mark.django_db

ENDINGS = [Goal.Status.ACHIEVED, Goal.Status.SET_ASIDE]


def grow(person: Client, goal: Goal, rows: int) -> None:
    """`rows` more goals for the person (every third one ended, each with steps and a review),
    one changed into another, and `rows` more steps and reviews on `goal`."""
    now = timezone.now()
    for index in range(rows):
        when = now - timedelta(days=index)
        ending = {"status": ENDINGS[index % 2], "status_on": now.date()} if index % 3 == 0 else {}
        other = GoalFactory.create(client=person, **ending)
        StepFactory.create_batch(2, goal=other)
        ReviewFactory.create(goal=other, closeness=index % 11, reviewed_at=when)
        StepFactory.create(goal=goal, is_done=index % 2 == 0, done_at=now if index % 2 == 0 else None)
        ReviewFactory.create(goal=goal, closeness=index % 11, gas=index % 5 - 2, reviewed_at=when)
    became = GoalFactory.create(client=person)
    GoalFactory.create(client=person, status=Goal.Status.CHANGED, status_on=now.date(), became=became)


def panel(person: Client, goal: Goal) -> str:
    return f"{reverse('goals:contact_panel')}?{urlencode({'who': person.code})}"


PAGES: dict[str, tuple[Callable[[Client, Goal], str], dict[str, str], int]] = {
    # name: (path, headers, pinned count). Every page: session, user, memberships (3).
    # Person page: as in tests/core/test_query_counts.py (14, with contacts' services), less the
    # contacts' services (none here), plus the goals' steps; health's PrEP/PEP and vaccinations (2).
    "person page": (lambda p, g: reverse("clients:detail", args=[p.code]), {}, 19),
    # Goal, its steps, its reviews, the audit event.
    "goal page": (lambda p, g: g.get_absolute_url(), {}, 7),
    "note a goal": (lambda p, g: reverse("goals:new", args=[p.code]), {}, 4),
    "review a goal": (lambda p, g: reverse("goals:review", args=[g.pk]), {}, 5),
    "achieved or set aside": (lambda p, g: reverse("goals:status", args=[g.pk]), {}, 5),
    "change a goal": (lambda p, g: reverse("goals:change", args=[g.pk]), {}, 5),
    # Person, active goals, their steps, the audit event.
    "contact panel": (panel, {"HX-Request": "true"}, 7),
    # ... and whether the contact is saved yet (the way back).
    "contact panel page": (panel, {}, 7),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(page_name: str, worker_client: HttpClient, person: Client) -> None:
    path, headers, pinned = PAGES[page_name]
    goal = GoalFactory.create(client=person, gas_expected="Most days")
    counts = []
    for rows in (2, 18):
        grow(person, goal, rows)
        with CaptureQueriesContext(connection) as queries:
            response = worker_client.get(path(person, goal), headers=headers)
        assert response.status_code == 200
        counts.append(len(queries))
    assert Goal.objects.filter(client=person).count() == 1 + (2 + 2) + (18 + 2)
    assert counts == [pinned, pinned]
