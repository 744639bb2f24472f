"""Query counts of the contact lists: pinned, and the same with 2 rows as with 20.

The counts start with the session, the user and their memberships (3), then the page's own.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from clients.models import Client
from encounters.models import Encounter, Referral, ServiceProvided, ServiceType, Site
from tests.factories import ClientFactory, EncounterFactory, TeamFactory

pytestmark = pytest.mark.django_db


def contacts_today(person: Client, worker: User, site: Site, rows: int) -> None:
    """`rows` contacts of today (half with the person, half anonymous), two services and a referral each."""
    services = list(ServiceType.objects.order_by("order")[:2])
    today = timezone.localtime().replace(hour=0, minute=1)
    for i in range(rows):
        encounter = EncounterFactory.create(
            client=person if i % 2 else None,
            team=site.team,
            worker=worker,
            site=site,
            head_count=1 if i % 2 else 2,
            happened_at=min(today + timedelta(minutes=i), timezone.now()),
        )
        ServiceProvided.objects.bulk_create(ServiceProvided(encounter=encounter, service_type=s) for s in services)
        if encounter.client_id:
            Referral.objects.create(client=person, team=site.team, encounter=encounter, to="housing", created_by=worker)


def people_not_seen(person: Client, worker: User, site: Site, rows: int) -> None:
    long_ago = timezone.now() - timedelta(days=90)
    ClientFactory.create_batch(rows, home_team=site.team, last_seen_at=long_ago)


# name: (path, how to add rows, pinned count)
PAGES: dict[str, tuple[Callable[[Client], str], Callable[[Client, User, Site, int], None], int]] = {
    # the person, contacts, their services, their referrals, the CLIENT_VIEWED insert
    "a person's timeline": (lambda p: reverse("encounters:timeline", args=[p.code]), contacts_today, 8),
    # contacts, their services, the day's totals, the totals per service
    "today": (lambda p: reverse("encounters:today"), contacts_today, 7),
    # the people (one UNION branch per team)
    "people not seen": (lambda p: reverse("encounters:not_seen"), people_not_seen, 4),
}


def count(client: HttpClient, path: str, **extra: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=extra)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(
    page_name: str, worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    path, add, pinned = PAGES[page_name]
    add(person, worker, site, 2)
    with_two = count(worker_client, path(person))
    add(person, worker, site, 18)
    with_twenty = count(worker_client, path(person))
    assert (with_two, with_twenty) == (pinned, pinned)


def test_the_next_rows_for_htmx_skip_the_totals(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    contacts_today(person, worker, site, 20)
    assert count(worker_client, reverse("encounters:today"), HX_Request="true") == 5


def test_people_not_seen_costs_one_query_per_team_of_the_user(
    client: HttpClient, supervisor: User, person: Client, worker: User, site: Site
) -> None:
    """A supervisor of three teams: still one query for the people (a UNION of three branches)."""
    for team in TeamFactory.create_batch(2):
        Membership.objects.create(user=supervisor, team=team, role=Membership.Role.SUPERVISOR)
    people_not_seen(person, worker, site, 20)
    client.force_login(supervisor)
    assert count(client, reverse("encounters:not_seen")) == 4
    assert Encounter.objects.count() == 0
