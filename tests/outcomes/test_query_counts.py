"""Wellbeing pages' query counts are pinned, and the same with 2 check-ins as with 20."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients.models import Client
from outcomes.models import CheckIn, CheckInDraft, Instrument
from tests.outcomes.helpers import check_in

pytestmark = pytest.mark.django_db

CONTACT = uuid.UUID("00000000-0000-4000-8000-000000000001")


def grow(person: Client, worker: User, rows: int) -> None:
    """`rows` check-ins of each built-in for `person`, a month apart, some items declined."""
    instruments = {row.slug: row for row in Instrument.objects.current().prefetch_related("items")}
    start = timezone.now() - timedelta(days=30 * rows + 1)
    for index in range(rows):
        at = start + timedelta(days=30 * index)
        declined = None if index % 4 == 3 else index % 6
        check_in(person, instruments["who5"], [index % 6, 3, declined, 2, 4], by=worker, at=at)
        check_in(person, instruments["self_ratings"], [index % 11, 5, 7], by=worker, at=at)
        check_in(person, instruments["housing"], [index % 4 + 1], by=worker, at=at)


def panel(person: Client) -> str:
    return f"{reverse('outcomes:contact_panel')}?{urlencode({'who': person.code, 'id': str(CONTACT)})}"


PAGES: dict[str, tuple[str, Callable[[Client], str], dict[str, str], dict[str, str] | None, int]] = {
    # name: (method, path, headers, data, pinned). Every page: session, user, memberships (3).
    # Person page: tests/core/test_query_counts.py's 16 (no contacts' services here: 15), plus
    # the check-ins' instrument items and answers (two prefetches: the answers share the items,
    # CheckInQuerySet.history); health's PrEP/PEP and vaccinations (2).
    "person page": ("get", lambda p: reverse("clients:detail", args=[p.code]), {}, None, 20),
    # Person, offered instruments and their items.
    "check-in page": ("get", lambda p: reverse("outcomes:check_in", args=[p.code, "who5"]), {}, None, 6),
    # Person, the drafts kept for this contact, offered instruments and their items.
    "contact panel": ("get", panel, {"HX-Request": "true"}, None, 7),
    # Person, instrument + items; in a transaction: lock, is the contact saved, is a draft begun,
    # draft upsert, old drafts; the audit event (a check-in begun).
    "contact answers": (
        "post",
        lambda p: reverse("outcomes:contact_answers", args=[p.code, "who5"]),
        {"HX-Request": "true"},
        {"checkin-who5-cheerful": "3", "id": str(CONTACT)},
        14,
    ),
}


def count(http: HttpClient, method: str, path: str, headers: dict[str, str], data: dict[str, str] | None) -> int:
    CheckInDraft.objects.all().delete()  # each answer starts a draft (the same work each time)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(http, method)(path, data or {}, headers=headers)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(
    page_name: str, worker_client: HttpClient, person: Client, worker: User
) -> None:
    method, path, headers, data, pinned = PAGES[page_name]
    grow(person, worker, 2)
    with_two = count(worker_client, method, path(person), headers, data)
    grow(person, worker, 18)
    with_twenty = count(worker_client, method, path(person), headers, data)
    assert CheckIn.objects.filter(client=person).count() == 3 * 20
    assert (with_two, with_twenty) == (pinned, pinned)


@pytest.fixture
def admin_client(client: HttpClient, data_admin: User) -> HttpClient:
    client.force_login(data_admin)
    return client


def test_instrument_pages_are_pinned_and_constant(admin_client: HttpClient, person: Client, worker: User) -> None:
    """The list does not grow with check-ins; a version's page counts its check-ins in one query."""
    who5 = Instrument.objects.get(slug="who5")
    counts = []
    for rows in (2, 18):
        grow(person, worker, rows)
        with CaptureQueriesContext(connection) as list_queries:
            assert admin_client.get(reverse("outcomes:instrument_list")).status_code == 200
        with CaptureQueriesContext(connection) as edit_queries:
            assert admin_client.get(reverse("outcomes:instrument_edit", args=[who5.pk])).status_code == 200
        counts.append((len(list_queries), len(edit_queries)))
    assert counts == [(4, 6), (4, 6)]
