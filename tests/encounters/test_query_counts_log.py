"""Log a contact costs the same number of queries with 2 rows as with 20: people in the team,
service types (each a quick button of the team), and the chosen person's open referrals.

Every request: session, user, memberships (3). Then Log a contact's own:
- service types with their place among the team's quick buttons (1: a subquery, not a
  second query for TeamService);
- a fresh form: the worker's last site (1); the form's site list (1);
- the picker: recent people with their safety flags, the chosen person first (1);
- a registered person chosen: their open referrals (1);
- the team's safer-use topics (1: health/education_forms.py topics_offered), on every full page.
A submission also looks up the chosen person (clean_who), the team (the fixed team field)
and the site, and whether the id is stored already (a retry), once, inside log_encounter.
"""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client
from encounters.models import Encounter, Referral, ServiceType, Site, TeamService
from health.models import TeamVaccine
from tests.factories import ClientFactory, EncounterFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db

URL = reverse("encounters:log")


def grow(team: Team, worker: User, person: Client, rows: int) -> None:
    """`rows` more people, service types (quick buttons), open referrals of `person`, contacts,
    and vaccines of the team's own (offered in the person's health part)."""
    ClientFactory.create_batch(rows, home_team=team, last_seen_at=timezone.now())
    start = TeamVaccine.objects.count()
    TeamVaccine.objects.bulk_create(TeamVaccine(team=team, name=f"Own {start + n}", doses=2) for n in range(rows))
    for service_type in ServiceTypeFactory.create_batch(rows):
        TeamService.objects.create(team=team, service_type=service_type, order=service_type.order)
    for _ in range(rows):
        Referral.objects.create(client=person, team=team, to=Referral.To.HOUSING, created_by=worker)
        EncounterFactory.create(client=person, team=team, worker=worker)


def contact(person: Client, site: Site, **extra: str) -> dict[str, str]:
    data = {
        "id": str(uuid.uuid4()),
        "who": person.code,
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk),
        "kind": "street",
        "service_sterile-syringes": "2",
        "service_naloxone-kit": "1",
    }
    return {**data, **extra}


Request = Callable[[HttpClient, Client, Site], Any]


def follow_up(person: Client, site: Site) -> dict[str, str]:
    """A new referral made, one open referral marked attended, an overdose response."""
    referral = Referral.objects.filter(client=person).open().order_by("created_at").first()
    assert referral is not None
    return contact(
        person,
        site,
        **{
            "referral-to": "benefits",
            f"update-{referral.pk}-status": "attended",
            "overdose-emergency_services": "called",
            "overdose-outcome": "transported",
        },
    )


# name: (request, expected status, pinned count)
REQUESTS: dict[str, tuple[Request, int, int]] = {
    "fresh form": (lambda http, p, s: http.get(URL), 200, 8),
    # Opened from the person's page: they are first in the picker query; + open referrals,
    # + their open cascades of linkage to care and their team's own vaccines (health).
    "fresh form for a person": (lambda http, p, s: http.get(URL, {"person": p.code}), 200, 11),
    # No-JS redraw with the person chosen: no last-site query (what was typed is kept).
    "redraw for a person": (lambda http, p, s: http.post(URL, contact(p, s, find="1")), 200, 10),
    # htmx: only the per-person part: the person (1), their open referrals (1), their open
    # cascades (1) and their team's own vaccines (1); not even the service types.
    "htmx part for a person": (
        lambda http, p, s: http.post(URL, contact(p, s, find="1", part="extras"), headers={"HX-Request": "true"}),
        200,
        7,
    ),
    # Refused (a date in the future): service types, person (clean_who), team, site, then the
    # page drawn again: picker, open referrals, open cascades, the team's own vaccines, site
    # list, topics. No id lookup: the form is invalid.
    "refused": (lambda http, p, s: http.post(URL, contact(p, s, happened_at="2999-01-01T10:00")), 200, 13),
}


def count(http: HttpClient, request: Request, person: Client, site: Site, status: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = request(http, person, site)
    assert response.status_code == status
    return len(queries)


@pytest.mark.parametrize("name", REQUESTS)
def test_query_count_is_pinned_and_constant(
    name: str, worker_client: HttpClient, team: Team, worker: User, person: Client, site: Site
) -> None:
    request, status, pinned = REQUESTS[name]
    grow(team, worker, person, 2)
    with_two = count(worker_client, request, person, site, status)
    grow(team, worker, person, 18)
    with_twenty = count(worker_client, request, person, site, status)
    assert (with_two, with_twenty) == (pinned, pinned)


def test_saving_a_contact_with_everything_costs_the_same_with_more_rows(
    worker_client: HttpClient, team: Team, worker: User, person: Client, site: Site
) -> None:
    """A contact, two services, a referral made, one followed up, an overdose response: 31
    (33 before the one save path: the id was looked up twice and the picker drawn for a
    page never shown, and the follow-up had a savepoint of its own).

    Reads (9): session, user, memberships, service types, person, team, site, the open
    referrals, and the id (a retry?) inside log_encounter.
    Writes: contact, services (one bulk insert), last seen, audit; referral, its history,
    audit; the follow-up (one conditional UPDATE: still open and the person's), its history,
    audit; the response, audit; the goals part linking reviews made beside the contact
    (one UPDATE); the check-ins part throwing the contact's drafts away (one DELETE). The
    rest are savepoints (the services are atomic; in production the outer one is the
    request's transaction). None of it grows with the people, services or referrals
    already stored.
    """
    counts = []
    for rows in (2, 18):
        grow(team, worker, person, rows)
        data = follow_up(person, site)
        with CaptureQueriesContext(connection) as queries:
            response = worker_client.post(URL, data)
        assert response.status_code == 302
        counts.append(len(queries))
    assert counts == [32, 32]  # 31, and the stock the contact draws on (one statement: encounters/services/supplies.py)
    assert Encounter.objects.filter(referrals__to="benefits").count() == 2
    assert ServiceType.objects.filter(is_active=True).count() > 20
