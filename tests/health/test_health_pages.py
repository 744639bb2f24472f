"""The health part of Log a contact, the person's page section, and the health record page."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, Site
from health.models import HealthTest, LinkageStep
from health.services import record_linkage_step, record_test
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

LOG = reverse("encounters:log")


def contact(person: Client, site: Site, **extra: str) -> dict[str, str]:
    data = {
        "id": str(uuid.uuid4()),
        "who": person.code,
        "head_count": "1",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk),
        "kind": "street",
        "health_for": person.code,
        "save": "1",
    }
    return data | extra


def reactive_hiv(worker: User, person: Client, days_ago: int = 10) -> HealthTest:
    return record_test(
        actor=worker,
        client=person,
        kind="hiv",
        method="rapid",
        result="reactive",
        tested_on=timezone.localdate() - timedelta(days=days_ago),
    )


def test_log_a_contact_with_a_reactive_test(worker_client: HttpClient, person: Client, site: Site) -> None:
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    data = contact(
        person,
        site,
        **{
            "health-hiv-result": "reactive",
            "health-hiv-method": "rapid",
            "health-hiv-follow_up_on": due,
            "health-syphilis-result": "non_reactive",
            "health-syphilis-method": "referral",
        },
    )
    response = worker_client.post(LOG, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    encounter = Encounter.objects.get()
    stored = set(HealthTest.objects.filter(encounter=encounter).values_list("kind", "method", "result"))
    assert stored == {("hiv", "rapid", "reactive"), ("syphilis", "referral", "non_reactive")}


def test_log_a_contact_with_the_next_linkage_step(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    test = reactive_hiv(worker, person)
    page = worker_client.get(LOG, {"person": person.code}).content.decode()
    assert f'name="health-step-{test.pk}-step"' in page
    response = worker_client.post(LOG, contact(person, site, **{f"health-step-{test.pk}-step": "confirmed"}))
    assert response.status_code == 302
    step = LinkageStep.objects.get()
    assert (step.test_id, step.step, step.encounter_id) == (test.pk, "confirmed", Encounter.objects.get().pk)


def test_a_mistake_in_the_health_part_keeps_the_contact_unsaved_and_shows_it(
    worker_client: HttpClient, person: Client, site: Site
) -> None:
    data = contact(
        person,
        site,
        **{"health-hiv-result": "reactive", "health-hiv-method": "rapid", "health-hiv-follow_up_on": "not a date"},
    )
    response = worker_client.post(LOG, data)
    assert response.status_code == 200
    assert Encounter.objects.count() == 0 and HealthTest.objects.count() == 0
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert 'value="reactive" selected' in page  # what was typed is kept


def test_tests_noted_for_someone_else_are_refused(worker_client: HttpClient, person: Client, site: Site) -> None:
    other = ClientFactory.create(home_team=person.home_team)
    data = contact(
        person, site, health_for=other.code, **{"health-hiv-result": "non_reactive", "health-hiv-method": "rapid"}
    )
    response = worker_client.post(LOG, data)
    assert response.status_code == 200
    assert Encounter.objects.count() == 0 and HealthTest.objects.count() == 0
    assert "noted for someone else" in response.content.decode()


def test_the_persons_page_shows_each_cascade(worker_client: HttpClient, worker: User, person: Client) -> None:
    test = reactive_hiv(worker, person, days_ago=30)
    record_linkage_step(
        actor=worker,
        test=test,
        step="confirmed",
        done_on=timezone.localdate() - timedelta(days=20),
        follow_up_on=timezone.localdate() + timedelta(days=3),
    )
    record_test(
        actor=worker, client=person, kind="hbv", method="rapid", result="not_shared", tested_on=timezone.localdate()
    )
    page = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Tests and linkage to care" in page
    assert "Confirmatory test" in page and "next: Linked to care" in page
    assert "Hepatitis B" in page and "Not shared" in page


def test_the_health_record_page_notes_a_test_done_elsewhere(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    url = reverse("health:person_health", args=[person.code])
    page = worker_client.get(url)
    assert page.status_code == 200
    viewed = AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_VIEWED, client_id=person.pk)
    assert viewed.count() == 1
    on = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = worker_client.post(
        url, {"on": on, "health-hcv_antibody-result": "reactive", "health-hcv_antibody-method": "referral"}
    )
    assert response.status_code == 302
    test = HealthTest.objects.get()
    assert (test.kind, test.method, test.tested_on.isoformat(), test.encounter) == (
        "hcv_antibody",
        "referral",
        on,
        None,
    )


def test_the_health_record_page_refuses_a_step_before_its_test(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    test = reactive_hiv(worker, person, days_ago=1)
    url = reverse("health:person_health", args=[person.code])
    on = (timezone.localdate() - timedelta(days=5)).isoformat()
    response = worker_client.post(url, {"on": on, f"health-step-{test.pk}-step": "linked"})
    assert response.status_code == 200
    assert "cannot come before its test" in response.content.decode()
    assert LinkageStep.objects.count() == 0


def test_another_teams_worker_gets_404(client: HttpClient, outsider: User, person: Client) -> None:
    client.force_login(outsider)
    assert client.get(reverse("health:person_health", args=[person.code])).status_code == 404


def test_a_data_admin_gets_403(client: HttpClient, data_admin: User, person: Client) -> None:
    client.force_login(data_admin)
    assert client.get(reverse("health:person_health", args=[person.code])).status_code == 403
