"""Query counts of the duplicates pages: pinned, and the same with 2 rows as with 20."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Team
from clients.models import Alias, Client
from clients.services.names import refresh_search_names
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def johnnies(team: Team, count: int) -> None:
    """`count` people named alike (half of them with an alias): up to count * (count - 1) / 2 pairs."""
    for number in range(count):
        person = ClientFactory.create(
            home_team=team, preferred_name=["Johnny", "Jhonny"][number % 2], year_of_birth=1985, gender="man"
        )
        if number % 2:
            Alias.objects.create(client=person, name=f"Johnny {number}")
            refresh_search_names(person)


def queries(http: HttpClient, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(http, method)(path, data or {})
    assert response.status_code == 200
    return len(captured), response.context


def test_the_pairs_page_costs_the_same_with_2_or_20_likely_duplicates(
    supervisor_client: HttpClient, team: Team
) -> None:
    """Session, user, memberships (3); in a transaction (2): SET LOCAL jit, the pairs, the people,
    their aliases (4)."""
    johnnies(team, 2)
    with_two, context = queries(supervisor_client, "get", reverse("clients:duplicate_list"))
    assert len(context["pairs"]) == 1
    johnnies(team, 18)
    with_twenty, context = queries(supervisor_client, "get", reverse("clients:duplicate_list"))
    assert len(context["pairs"]) == 50
    assert (with_two, with_twenty) == (9, 9)


def test_registering_with_likely_duplicates_shown(worker_client: HttpClient, team: Team) -> None:
    """Session, user, memberships (3), the form's teams and its check of the one chosen (2), the
    model's check constraint (3, in a savepoint), the likely duplicates (1)."""
    data = {"agrees_to_record": "on", "preferred_name": "Johnny", "year_of_birth": "1985", "gender": "man"}
    johnnies(team, 2)
    with_two, context = queries(worker_client, "post", reverse("clients:register"), data)
    assert len(context["duplicates"]) == 2
    johnnies(team, 18)
    with_twenty, context = queries(worker_client, "post", reverse("clients:register"), data)
    assert len(context["duplicates"]) == 5
    assert (with_two, with_twenty) == (9, 9)
    assert Client.objects.count() == 20


def test_registering_a_person_costs_the_same_with_2_or_20_people_recorded(
    worker_client: HttpClient, team: Team
) -> None:
    """Session, user, memberships (3), the form's teams and its check of the one chosen (2), the
    model's check constraint (3, in a savepoint), the likely duplicates (1); then
    `register_client`, a batch of one of `register_clients` (7: its savepoint (2), the person,
    their event, the kind of consent, the consent, its event; no aliases). It was 22 before
    registering was a batch of one: two more savepoints (around the INSERT, for a code
    collision, and around the consent: 4) and the search names read back and updated after the
    INSERT (2); the rows and events written are the same (tests/clients/test_register_clients.py)."""
    counts = []
    for people, name in ((2, "Robin"), (18, "Ingrid")):
        johnnies(team, people)
        data = {"agrees_to_record": "on", "preferred_name": name, "year_of_birth": "1990", "gender": "woman"}
        with CaptureQueriesContext(connection) as captured:
            response = worker_client.post(reverse("clients:register"), data)
        assert response.status_code == 302
        counts.append(len(captured))
    assert counts == [16, 16]
    registered = Client.objects.filter(preferred_name__in=["Robin", "Ingrid"])
    assert sorted(registered.values_list("search_names", flat=True)) == ["ingrid", "robin"]
