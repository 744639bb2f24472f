import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter
from tests.factories import EncounterFactory, ServiceProvidedFactory

pytestmark = pytest.mark.django_db


def test_opening_a_person_writes_an_audit_event(worker_client: HttpClient, worker: User, person: Client) -> None:
    response = worker_client.get(reverse("clients:detail", args=[person.code]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_VIEWED)
    assert (event.actor_id, event.client_id, event.ip) == (worker.pk, person.pk, "10.1.2.3")
    assert event.request_id == response["X-Request-ID"]


def test_the_page_lists_the_persons_contacts_newest_first(
    worker_client: HttpClient, encounter: Encounter, person: Client
) -> None:
    ServiceProvidedFactory.create(encounter=encounter, quantity=7)
    older = EncounterFactory.create(
        client=person, team=person.home_team, happened_at=encounter.happened_at.replace(year=2020)
    )
    response = worker_client.get(reverse("clients:detail", args=[person.code]))
    page = response.content.decode()
    assert "2 contacts" in page
    assert page.index(reverse("encounters:detail", args=[encounter.pk])) < page.index(
        reverse("encounters:detail", args=[older.pk])
    )
    assert "× 7" in page


def test_a_lower_case_code_in_the_url_is_not_found(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.get(reverse("clients:detail", args=[person.code]).lower())
    assert response.status_code == 404  # URLs are canonical: the converter accepts upper case only


def test_outsider_gets_404_and_no_audit_of_a_read(client: HttpClient, outsider: User, person: Client) -> None:
    client.force_login(outsider)
    response = client.get(reverse("clients:detail", args=[person.code]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_VIEWED).exists()
    assert person.preferred_name not in response.content.decode()
