"""The caseload a device keeps: recent people of the worker's teams, at most 150, with codes,
names they go by, aliases and active safety flags; never notes or contact details."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Alias, Client, SafetyFlag
from goals.models import Goal
from goals.services import end_goal, review_goal, set_goal
from offline.models import Device
from offline.services import CASELOAD_LIMIT
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_the_caseload_carries_codes_aliases_and_flags_but_no_notes(
    worker_client: HttpClient, worker: User, person: Client, other_team: Team
) -> None:
    Client.objects.filter(pk=person.pk).update(
        preferred_name="Robin", description="Tall, green coat", contact_details="555-0100"
    )
    Alias.objects.create(client=person, name="Rob")
    SafetyFlag.objects.create(client=person, text="Do not visit alone")
    SafetyFlag.objects.create(client=person, text="Old flag", ended_at=timezone.now())
    ClientFactory.create(home_team=other_team)
    device = Device.objects.create(user=worker, label="Chrome on Android")

    response = worker_client.get(reverse("offline:people", args=[device.pk]))

    assert response.json()["people"] == [
        {"code": person.code, "name": "Robin", "aliases": ["Rob"], "flags": ["Do not visit alone"], "goals": []}
    ]
    body = response.content.decode()
    assert "green coat" not in body and "555-0100" not in body
    event = AuditEvent.objects.get(action=AuditEvent.Action.OFFLINE_PEOPLE_SENT)
    assert event.details == {"people": 1}


def test_the_caseload_is_the_150_most_recently_seen(worker_client: HttpClient, worker: User, team: Team) -> None:
    now = timezone.now()
    for minutes in range(CASELOAD_LIMIT + 5):
        ClientFactory.create(home_team=team, last_seen_at=now - timedelta(minutes=minutes))
    device = Device.objects.create(user=worker, label="Chrome on Android")

    people = worker_client.get(reverse("offline:people", args=[device.pk])).json()["people"]

    assert len(people) == CASELOAD_LIMIT
    newest = Client.objects.filter(home_team=team).order_by("-last_seen_at").values_list("code", flat=True)[:3]
    assert [entry["code"] for entry in people[:3]] == list(newest)


def test_the_caseload_carries_each_persons_active_goals_for_the_goals_panel(
    worker_client: HttpClient, worker: User, person: Client, other_team: Team
) -> None:
    """The goal in their words, the levels they described, the steps not done yet and the
    latest rating; never a goal ended, the reason for a goal or a review's note."""
    goal = set_goal(
        actor=worker,
        client=person,
        words="Get my ID back",
        why="So I can rent a room",
        steps=["Ask for a birth certificate", "Find the office"],
        gas_expected="Has an appointment",
        gas_more="Has the ID",
    )
    first, second = goal.steps.order_by("order")
    review_goal(actor=worker, goal=goal, closeness=4, note="Feeling stuck", steps_done=[first])
    ended = set_goal(actor=worker, client=person, words="Old goal")
    end_goal(actor=worker, goal=ended, status=Goal.Status.SET_ASIDE, version=ended.version)
    elsewhere = ClientFactory.create(home_team=other_team)
    set_goal(actor=worker, client=elsewhere, words="Not this team's")
    device = Device.objects.create(user=worker, label="Chrome on Android")

    response = worker_client.get(reverse("offline:people", args=[device.pk]))

    [entry] = response.json()["people"]
    assert entry["goals"] == [
        {
            "id": str(goal.pk),
            "words": "Get my ID back",
            "closeness": 4,
            "reviewed_on": timezone.localdate().isoformat(),
            "levels": [[-2, ""], [-1, ""], [0, "Has an appointment"], [1, "Has the ID"], [2, ""]],
            "steps": [[str(second.pk), "Find the office"]],
        }
    ]
    body = response.content.decode()
    assert "Old goal" not in body and "Feeling stuck" not in body and "rent a room" not in body


def test_a_distribution_volunteer_caches_codes_aliases_and_flags_only(
    client: HttpClient, volunteer: User, worker: User, person: Client
) -> None:
    Client.objects.filter(pk=person.pk).update(preferred_name="Robin")
    Alias.objects.create(client=person, name="Rob")
    SafetyFlag.objects.create(client=person, text="Do not visit alone")
    set_goal(actor=worker, client=person, words="Get my ID back")
    device = Device.objects.create(user=volunteer, label="Chrome on Android")
    client.force_login(volunteer)

    response = client.get(reverse("offline:people", args=[device.pk]))

    assert response.json()["people"] == [
        {"code": person.code, "name": "", "aliases": ["Rob"], "flags": ["Do not visit alone"]}
    ]
    assert "Robin" not in response.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_caseload_costs_the_same_queries_with_2_or_20_people_with_goals(
    worker_client: HttpClient, worker: User, team: Team, rows: int
) -> None:
    for person in ClientFactory.create_batch(rows, home_team=team):
        Alias.objects.create(client=person, name=f"Alias {person.code}")
        set_goal(actor=worker, client=person, words="A goal", steps=["A step"])
    device = Device.objects.create(user=worker, label="Chrome on Android")
    url = reverse("offline:people", args=[device.pk])
    with CaptureQueriesContext(connection) as queries:
        assert len(worker_client.get(url).json()["people"]) == rows
    assert len(queries) == CASELOAD_QUERIES


# Session, user, memberships (3); the device (1); the people with their flags, their aliases
# (2); the goals with their latest rating, their open steps (2); the audit event (1).
CASELOAD_QUERIES = 9
