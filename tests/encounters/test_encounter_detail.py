import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from audit.models import AuditEvent
from encounters.models import Encounter
from tests.factories import EncounterFactory

pytestmark = pytest.mark.django_db


def test_opening_a_contact_is_audited_against_the_person(worker_client: HttpClient, encounter: Encounter) -> None:
    response = worker_client.get(reverse("encounters:detail", args=[encounter.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENCOUNTER_VIEWED)
    assert event.client_id == encounter.client_id


def test_an_anonymous_contact_shows_its_head_count(worker_client: HttpClient, worker, site) -> None:
    anonymous = EncounterFactory.create(client=None, team=site.team, site=site, worker=worker, head_count=3)
    response = worker_client.get(reverse("encounters:detail", args=[anonymous.pk]))
    assert "Anonymous contact (3 people)" in response.content.decode()
