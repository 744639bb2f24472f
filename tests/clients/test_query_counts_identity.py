"""Query counts of the identity, consent and flag pages and sections: pinned, and the same
with 2 rows as with 20."""

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
from clients.sections import PersonSection
from clients.views import consent, flags, identity
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def grow(person: Client, user: User, rows: int) -> None:
    """`rows` more aliases, decisions and active flags for `person`, and `rows` more people
    of the team whose consent is due for renewal."""
    kinds = list(ConsentKind.objects.all())
    now, today = timezone.now(), timezone.localdate()
    Alias.objects.bulk_create(Alias(client=person, name=f"Name {rows} {n}") for n in range(rows))
    SafetyFlag.objects.bulk_create(SafetyFlag(client=person, text=f"Flag {rows} {n}") for n in range(rows))
    Consent.objects.bulk_create(
        Consent(
            client=person,
            kind=kinds[n % len(kinds)],
            decision=Consent.Decision.GIVEN,
            recorded_by=user,
            recorded_at=now - timedelta(minutes=n),
            expires_on=today + timedelta(days=n),
        )
        for n in range(rows)
    )
    due = ClientFactory.create_batch(rows, home_team=person.home_team)
    Consent.objects.bulk_create(
        Consent(
            client=other,
            kind=kinds[0],
            decision=Consent.Decision.GIVEN,
            recorded_by=user,
            expires_on=today + timedelta(days=n % 40 - 5),
        )
        for n, other in enumerate(due)
    )


def count(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


PAGES: dict[str, tuple[str, Callable[[Client], str], int]] = {
    # name: (who, path, pinned count)
    "edit page": ("worker", lambda p: reverse("clients:edit", args=[p.code]), 7),
    "consent due for renewal": ("supervisor", lambda p: reverse("clients:consents_expiring"), 4),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_is_pinned_and_constant(
    page: str, client: HttpClient, request: pytest.FixtureRequest, worker: User, person: Client
) -> None:
    role, path, pinned = PAGES[page]
    client.force_login(request.getfixturevalue(role))

    def get() -> None:
        assert client.get(path(person)).status_code == 200

    grow(person, worker, 2)
    with_two = count(get)
    grow(person, worker, 18)
    with_twenty = count(get)
    assert (with_two, with_twenty) == (pinned, pinned)


SECTIONS: dict[str, tuple[PersonSection, int]] = {
    "flags": (flags.section, 1),
    "identity": (identity.section, 1),
    "consent": (consent.section, 2),
}


@pytest.mark.parametrize("name", SECTIONS)
def test_section_query_count_is_pinned_and_constant(name: str, worker: User, person: Client) -> None:
    section, pinned = SECTIONS[name]
    grow(person, worker, 2)
    with_two = count(lambda: section.load(person, worker))
    grow(person, worker, 18)
    with_twenty = count(lambda: section.load(person, worker))
    assert (with_two, with_twenty) == (pinned, pinned)


def test_person_page_costs_the_same_with_2_or_20_aliases_decisions_and_flags(
    worker_client: HttpClient, worker: User, person: Client, team: Team
) -> None:
    """The whole page (its pin lives in tests/core/test_query_counts.py, with every section)."""
    path = reverse("clients:detail", args=[person.code])
    grow(person, worker, 2)
    with_two = count(lambda: worker_client.get(path))
    grow(person, worker, 18)
    with_twenty = count(lambda: worker_client.get(path))
    assert with_two == with_twenty
    page = worker_client.get(path).content.decode()
    assert "Flag 18 17" in page and "Name 18 17" in page and "History: 20 decisions" in page
