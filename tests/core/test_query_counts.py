"""Every page's query count is pinned, and is the same with 2 rows as with 20."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client
from encounters.models import Encounter, ServiceType
from tests.factories import ClientFactory, EncounterFactory, ServiceProvidedFactory

pytestmark = pytest.mark.django_db


def grow(team: Team, worker: User, person: Client, rows: int) -> Encounter:
    """`rows` people in the team and `rows` contacts for `person`, each with two services."""
    services = list(ServiceType.objects.all()[:2])
    ClientFactory.create_batch(rows, home_team=team, last_seen_at=timezone.now())
    latest = None
    for _ in range(rows):
        latest = EncounterFactory.create(client=person, team=team, worker=worker)
        for service_type in services:
            ServiceProvidedFactory.create(encounter=latest, service_type=service_type)
    assert latest is not None
    return latest


PAGES: dict[str, tuple[str, Callable[[Client, Encounter], str], dict[str, str] | None, int]] = {
    # name: (method, path, data, pinned count)
    # Home: session, user, memberships; items below their reorder level (core/notices.py): 1;
    # the bad-batch alerts for the user's teams (core/home.py, health): 1.
    "home": ("get", lambda p, e: reverse("core:home"), None, 5),
    "person list": ("get", lambda p, e: reverse("clients:list"), None, 4),
    # Searches find `person` ("Robin") at both sizes: matches prefetch their aliases (one query).
    "person search": ("post", lambda p, e: reverse("clients:list"), {"q": "Robin"}, 5),
    "register": ("get", lambda p, e: reverse("clients:register"), None, 3),
    # Sections: safety flags 1, identity (aliases) 1, consent (kinds, decisions) 2, goals 1 (2 with goals:
    # steps; tests/goals/test_query_counts.py), referrals 1, wellbeing 2 (check-ins, instruments offered;
    # 3 with check-ins: tests/clients/test_query_counts_outcomes.py), health 4 (tests, their steps, where
    # PrEP and PEP stand, vaccinations: tests/health/test_sections_query_counts.py).
    "person page": ("get", lambda p, e: reverse("clients:detail", args=[p.code]), None, 19),
    # Log a contact: 7 since the team's quick buttons came in a subquery of the service types
    # and an empty ?person= stopped costing a lookup (tests/encounters/test_query_counts_log.py
    # pins the rest: a person chosen, their open referrals, a save with everything); 8 with the
    # team's safer-use topics (health/education_forms.py topics_offered).
    "log a contact": ("get", lambda p, e: reverse("encounters:log"), None, 8),
    "log a contact, find": ("post", lambda p, e: reverse("encounters:log"), {"find": "1", "q": "Robin"}, 8),
    # ... its overdose response comes with the contact (a join); referrals made or updated there: 1.
    "contact page": ("get", lambda p, e: reverse("encounters:detail", args=[e.pk]), None, 7),
}


def count(client: HttpClient, method: str, path: str, data: dict[str, str] | None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(
    page_name: str, worker_client: HttpClient, team: Team, worker: User, person: Client
) -> None:
    method, path, data, pinned = PAGES[page_name]
    encounter = grow(team, worker, person, 2)
    with_two = count(worker_client, method, path(person, encounter), data)
    encounter = grow(team, worker, person, 18)
    with_twenty = count(worker_client, method, path(person, encounter), data)
    assert (with_two, with_twenty) == (pinned, pinned)
