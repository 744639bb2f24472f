"""Query counts of the referral pages: pinned, and the same with 2 rows as with 20.

Every page: session, user, memberships (3), then its own queries.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients.models import Client
from encounters.models import Encounter, Referral, ReferralUpdate
from encounters.views.referrals import person_referrals
from tests.encounters.referral_factories import ReferralFactory
from tests.factories import ClientFactory, EncounterFactory

pytestmark = pytest.mark.django_db


def grow(person: Client, worker: User, encounter: Encounter, referral: Referral, rows: int) -> None:
    """`rows` more of everything the pages list: due referrals (of `rows` different people, made
    by the worker at the contact), updates of `referral`, settled and undated ones for `person`."""
    today = timezone.localdate()
    for index in range(rows):
        other = ClientFactory.create(home_team=person.home_team)
        ReferralFactory.create(
            client=other, created_by=worker, encounter=encounter, follow_up_on=today + timedelta(days=index % 9 - 2)
        )
        ReferralFactory.create(client=person, created_by=worker, status="declined", follow_up_on=None)
        ReferralFactory.create(client=person, created_by=worker, follow_up_on=None)
        ReferralUpdate.objects.create(referral=referral, status="made", encounter=encounter, by=worker)


# name: (method, path, data, pinned count)
PAGES: dict[str, tuple[str, Callable[[Client, Referral, Encounter], str], dict[str, Any] | None, int]] = {
    # the referral, the CLIENT_VIEWED insert, its updates (with who made each)
    "referral page": ("get", lambda p, r, e: reverse("encounters:referral_detail", args=[r.pk]), None, 6),
    # the same page again, with the update refused (nothing changed)
    "referral update refused": (
        "post",
        lambda p, r, e: reverse("encounters:referral_update", args=[r.pk]),
        {"status": "made", "follow_up_on": ""},
        6,
    ),
    # the person
    "new referral": ("get", lambda p, r, e: reverse("encounters:referral_new", args=[p.code]), None, 4),
    # one page of due referrals, with the person and who noted each
    "my follow-ups": ("get", lambda p, r, e: reverse("encounters:followups_mine"), None, 4),
    "the team's follow-ups": ("get", lambda p, r, e: reverse("encounters:followups_team"), None, 4),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(
    page_name: str, worker_client: HttpClient, worker: User, person: Client
) -> None:
    method, path, data, pinned = PAGES[page_name]
    encounter = EncounterFactory.create(client=person, worker=worker)
    referral = ReferralFactory.create(client=person, created_by=worker, follow_up_on=None)
    counts, shown = [], []
    for rows in (2, 18):
        grow(person, worker, encounter, referral, rows)
        with CaptureQueriesContext(connection) as queries:
            response = getattr(worker_client, method)(path(person, referral, encounter), data or {})
        assert response.status_code == 200
        counts.append(len(queries))
        shown.append(response.content.decode().count("list-group-item"))
    assert counts == [pinned, pinned]
    assert shown[1] > shown[0] or page_name == "new referral"  # the page did list more rows


def test_the_persons_section_is_one_query_with_2_or_20_referrals(worker: User, person: Client) -> None:
    encounter = EncounterFactory.create(client=person, worker=worker)
    referral = ReferralFactory.create(client=person, created_by=worker)
    assert worker.team_ids  # memberships are read once per request, before the sections
    counts = []
    for rows in (2, 18):
        grow(person, worker, encounter, referral, rows)
        with CaptureQueriesContext(connection) as queries:
            data = person_referrals(person, worker)
        counts.append(len(queries))
    assert counts == [1, 1]
    # 21 open ones come before any settled one; the dated one before the undated ones.
    assert (len(data["open"]), len(data["settled"]), data["more"]) == (20, 0, True)
    assert data["open"][0] == referral


def test_the_contact_page_costs_the_same_with_2_or_20_referrals_at_it(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    """Its pin lives in tests/core/test_query_counts.py ("contact page")."""
    encounter = EncounterFactory.create(client=person, worker=worker)
    referral = ReferralFactory.create(client=person, created_by=worker)
    path = reverse("encounters:detail", args=[encounter.pk])
    counts = []
    for rows in (2, 18):
        grow(person, worker, encounter, referral, rows)
        with CaptureQueriesContext(connection) as queries:
            html = worker_client.get(path).content.decode()
        counts.append(len(queries))
    assert counts == [7, 7]
    assert html.count("Noted: Made") == 20 and html.count("Updated: Made") == 20
