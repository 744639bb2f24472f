from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team
from clients.models import Client, normalise_code
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

URL = reverse("clients:list")


def test_recent_people_first(worker_client: HttpClient, team: Team) -> None:
    never = ClientFactory.create(home_team=team, preferred_name="Never")
    recent = ClientFactory.create(home_team=team, preferred_name="Recent", last_seen_at=timezone.now())
    older = ClientFactory.create(
        home_team=team, preferred_name="Older", last_seen_at=timezone.now() - timedelta(days=9)
    )
    response = worker_client.get(URL)
    assert response.context["people"] == [recent, older, never]


def test_other_teams_people_never_show(worker_client: HttpClient, team: Team, other_team: Team) -> None:
    ClientFactory.create(home_team=other_team, preferred_name="Hidden")
    response = worker_client.post(URL, {"q": "Hidden"})
    assert response.context["people"] == []
    assert "Hidden" not in response.content.decode().replace('value="Hidden"', "")


@pytest.mark.parametrize("typed", ["rob", "ROBIN", "obi"])
def test_search_by_part_of_the_name(worker_client: HttpClient, person: Client, typed: str) -> None:
    response = worker_client.post(URL, {"q": typed})
    assert response.context["people"] == [person]


def test_search_by_code_in_any_spelling(worker_client: HttpClient, person: Client) -> None:
    typed = person.code.replace("-", " ").lower()
    assert normalise_code(typed) == person.code
    response = worker_client.post(URL, {"q": typed})
    assert response.context["people"] == [person]


def test_htmx_search_returns_only_the_rows(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(URL, {"q": "Robin"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="people"')
    assert "<html" not in page
    assert "Robin" in page


def test_search_is_a_post_so_names_stay_out_of_urls(worker_client: HttpClient, person: Client) -> None:
    page = worker_client.get(URL).content.decode()
    assert 'method="post"' in page
    assert 'hx-post="/people/"' in page
    assert "hx-get" not in page


def test_no_match_says_so(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(URL, {"q": "zzz"})
    assert "Nobody matches" in response.content.decode()
