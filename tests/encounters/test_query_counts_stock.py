"""Query counts of the stock pages and of a volunteer's person page: pinned, the same with 2
items, changes and contacts as with 20."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Alias, Client, SafetyFlag
from encounters.models import ServiceType
from encounters.services.stock import adjust_count, receive_delivery, set_reorder_level
from tests.contacts import log_contact
from tests.factories import ServiceTypeFactory

pytestmark = pytest.mark.django_db

# session, user, memberships (3); teams, items, stock levels, latest changes (4).
STOCK = 7
# session, user, memberships (3); teams, the form's team (1, validating), stock levels, their months (2).
REPORT = 7
# session, user, memberships (3); the person (1), the view's audit event (1), flags (1), the
# contacts they logged and their services (2), capped count (1), aliases (1).
VOLUNTEER_PERSON_PAGE = 10


def grow_stock(supervisor: User, team: Team, items: int) -> None:
    today = timezone.localdate()
    for n in range(items):
        item = ServiceTypeFactory.create(slug=f"item-{items}-{n}", name=f"Item {n}", category="supplies")
        receive_delivery(actor=supervisor, team=team, service_type=item, quantity=10, on=today - timedelta(days=n))
        adjust_count(actor=supervisor, team=team, service_type=item, counted=9, reason="Damaged", on=today)
        set_reorder_level(actor=supervisor, team=team, service_type=item, level=12)


def count(client: HttpClient, url: str, data: dict[str, str] | None = None) -> int:
    """The page's queries, with a session signed in just now: growing the data can take over a
    minute on a loaded machine, and a session last seen a minute ago is written once more."""
    user = User.objects.get(pk=client.session["_auth_user_id"])
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(queries)


def test_the_stock_page_query_count(supervisor_client: HttpClient, supervisor: User, team: Team) -> None:
    grow_stock(supervisor, team, 2)
    two = count(supervisor_client, reverse("encounters:stock"))
    grow_stock(supervisor, team, 18)
    assert (two, count(supervisor_client, reverse("encounters:stock"))) == (STOCK, STOCK)


def test_the_stock_report_query_count(supervisor_client: HttpClient, supervisor: User, team: Team) -> None:
    data = {"month": f"{timezone.localdate():%Y-%m}", "team": str(team.pk)}
    grow_stock(supervisor, team, 2)
    two = count(supervisor_client, reverse("encounters:stock_report"), data)
    grow_stock(supervisor, team, 18)
    assert (two, count(supervisor_client, reverse("encounters:stock_report"), data)) == (REPORT, REPORT)


def test_a_volunteers_person_page_query_count(volunteer_client: HttpClient, volunteer: User, person: Client) -> None:
    kit = ServiceType.objects.get(slug="naloxone-kit")

    def grow(rows: int) -> None:
        for n in range(rows):
            Alias.objects.create(client=person, name=f"Alias {rows}-{n}")
            SafetyFlag.objects.create(client=person, text=f"Flag {rows}-{n}")
            log_contact(volunteer, person, services={kit: 1}, happened_at=timezone.now() - timedelta(hours=n + 1))

    url = reverse("clients:detail", args=[person.code])
    grow(2)
    two = count(volunteer_client, url)
    grow(18)
    assert (two, count(volunteer_client, url)) == (VOLUNTEER_PERSON_PAGE, VOLUNTEER_PERSON_PAGE)
