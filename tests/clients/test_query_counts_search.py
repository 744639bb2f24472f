"""Query counts of search: pinned, and the same with 2 matches as with 20 (each with aliases)."""

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Team
from clients.models import Alias
from clients.services.names import refresh_search_names
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def grow(team: Team, count: int) -> None:
    for number in range(count):
        person = ClientFactory.create(home_team=team, preferred_name=f"Robin {number}")
        Alias.objects.create(client=person, name="La Flaca")
        Alias.objects.create(client=person, name=f"Bird {number}")
        refresh_search_names(person)


def count(http: HttpClient, path: str, data: dict[str, str]) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = http.post(path, data)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize(
    ("path", "data", "pinned"),
    [
        # Session, user and memberships (3), the matches (1), their aliases (1).
        (reverse("clients:list"), {"q": "la flaka"}, 5),
        (reverse("clients:list"), {"q": "jhonny"}, 4),  # nobody matches: no aliases to load
        # Log a contact, find: as pinned in tests/core/test_query_counts.py.
        (reverse("encounters:log"), {"find": "1", "q": "la flaka"}, 8),
    ],
)
def test_search_query_count_is_pinned_and_constant(
    worker_client: HttpClient, team: Team, path: str, data: dict[str, str], pinned: int
) -> None:
    grow(team, 2)
    with_two, page = count(worker_client, path, data)
    grow(team, 18)
    with_twenty, page = count(worker_client, path, data)
    assert (with_two, with_twenty) == (pinned, pinned)
    if "flaka" in data["q"]:
        assert page.count("known as La Flaca") == (8 if "find" in data else 20)
