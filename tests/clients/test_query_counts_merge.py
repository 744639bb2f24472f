"""Query counts of the merge pages and the merge section of a person's page: pinned, and the
same with 2 related rows as with 20."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Alias, Client, Consent, ConsentKind, SafetyFlag
from clients.services.merge import merge_clients
from clients.views.merge import section
from tests.factories import ClientFactory, EncounterFactory, ServiceProvidedFactory

pytestmark = pytest.mark.django_db


def attach(client: Client, worker: User, rows: int) -> None:
    """`rows` contacts (each with a service), aliases, consents and flags."""
    kind = ConsentKind.objects.get(slug=ConsentKind.RECORD_KEEPING)
    for index in range(rows):
        encounter = EncounterFactory.create(client=client, team=client.home_team, worker=worker)
        ServiceProvidedFactory.create(encounter=encounter)
        Alias.objects.create(client=client, name=f"Name {index}")
        Consent.objects.create(client=client, kind=kind, decision=Consent.Decision.GIVEN, recorded_by=worker)
        SafetyFlag.objects.create(client=client, text=f"Flag {index}")


def merged_into(person: Client, supervisor: User, rows: int) -> None:
    """`rows` people merged into `person` (each undoable), with a contact each."""
    for _ in range(rows):
        other = ClientFactory.create(home_team=person.home_team, last_seen_at=timezone.now() - timedelta(days=1))
        EncounterFactory.create(client=other, team=person.home_team)
        merge_clients(actor=supervisor, survivor=person, merged=other, field_choices={})


def count(http: HttpClient, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(path)
    assert response.status_code == 200
    return len(queries)


PAGES: dict[str, tuple[Callable[[Client, Client], str], int]] = {
    # name: (path, pinned count)
    "merge page": (lambda a, b: reverse("clients:merge", args=[a.code, b.code]), 6),
    "merge start": (lambda a, b: reverse("clients:merge_start", args=[a.code]), 4),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_merge_pages_query_count_is_pinned_and_constant(
    page_name: str, supervisor_client: HttpClient, team: Team, worker: User, person: Client
) -> None:
    path, pinned = PAGES[page_name]
    other = ClientFactory.create(home_team=team)
    attach(other, worker, 2)
    with_two = count(supervisor_client, path(person, other))
    attach(other, worker, 18)
    with_twenty = count(supervisor_client, path(person, other))
    assert (with_two, with_twenty) == (pinned, pinned)


@pytest.mark.parametrize(("role", "pinned"), [("supervisor", 1), ("worker", 0)])
def test_the_merge_section_query_count_is_pinned_and_constant(
    role: str, pinned: int, request: pytest.FixtureRequest, supervisor: User, person: Client
) -> None:
    user: User = request.getfixturevalue(role)
    user.memberships_by_team  # noqa: B018 (the role decorator has loaded it before any section)
    counts = []
    for rows in (2, 18):
        merged_into(person, supervisor, rows)
        with CaptureQueriesContext(connection) as queries:
            data = section.load(person, user)
        counts.append(len(queries))
    assert counts == [pinned, pinned]
    assert len(data.get("merges", [])) == (20 if role == "supervisor" else 0)


def test_the_person_page_with_the_merge_section_is_constant(
    supervisor_client: HttpClient, supervisor: User, person: Client
) -> None:
    """The whole page's count belongs to tests/core/test_query_counts.py (other sections join
    it); here: with 2 merges to undo and with 20, the page costs the same and lists them all."""
    path = reverse("clients:detail", args=[person.code])
    merged_into(person, supervisor, 2)
    with_two = count(supervisor_client, path)
    merged_into(person, supervisor, 18)
    with_twenty = count(supervisor_client, path)
    assert with_two == with_twenty
    assert supervisor_client.get(path).content.decode().count("Undo merge") == 20
