"""The caseload a device keeps: recent people of the worker's teams, at most 150, with codes,
names they go by, aliases and active safety flags; never notes or contact details."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Alias, Client, SafetyFlag
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
        {"code": person.code, "name": "Robin", "aliases": ["Rob"], "flags": ["Do not visit alone"]}
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
