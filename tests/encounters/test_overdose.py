"""Overdose responses recorded on their own: the form (person or no one named), its page, the
supervisors' list, and the response shown on its contact's page."""

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, OverdoseResponse, Site
from tests.factories import ClientFactory, SiteFactory

from .referral_factories import OverdoseResponseFactory

pytestmark = pytest.mark.django_db

NEW = reverse("encounters:overdose_new")


def form(**changes: Any) -> dict[str, Any]:
    an_hour_ago = timezone.localtime() - timedelta(hours=1)
    data = {
        "id": str(uuid.uuid4()),
        "who": "none",
        "happened_at": an_hour_ago.strftime("%Y-%m-%dT%H:%M"),
        "naloxone_doses": "2",
        "emergency_services": "not_called_wishes",
        "outcome": "responsive",
        "debrief": "Found on the bench, not breathing well. Two doses; sat up after a few minutes.",
    }
    return {**data, **changes}


def test_the_form_respects_the_persons_wishes_in_its_words(worker_client: HttpClient) -> None:
    html = worker_client.get(NEW).content.decode()
    assert "Not called, as the person asked" in html
    assert "If the person asked you not to call, that is a valid answer." in html
    assert "Stick to facts" in html and "No blame, no judgement" in html
    assert re.search(r'id="who-none"\s+value="none"\s+checked', html)  # no one named, until chosen


def test_a_response_with_no_one_named_is_stored_for_the_team_and_audited(
    worker_client: HttpClient, worker: User, team: Team, site: Site
) -> None:
    response = worker_client.post(NEW, form(site=str(site.pk)))
    stored = OverdoseResponse.objects.get()
    assert response["Location"] == reverse("encounters:overdose_detail", args=[stored.pk])
    assert (stored.team_id, stored.client_id, stored.site_id, stored.created_by_id) == (
        team.pk,
        None,
        site.pk,
        worker.pk,
    )
    assert (stored.naloxone_doses, stored.emergency_services, stored.outcome) == (2, "not_called_wishes", "responsive")
    assert stored.encounter_id is None
    event = AuditEvent.objects.get(action=AuditEvent.Action.OVERDOSE_RECORDED)
    assert event.client_id is None and event.details == {}


def test_a_response_for_a_named_person_is_stored_with_them(
    worker_client: HttpClient, person: Client, team: Team
) -> None:
    worker_client.post(NEW, form(who=person.code, outcome="transported", emergency_services="called"))
    stored = OverdoseResponse.objects.get()
    assert (stored.client_id, stored.team_id, stored.outcome) == (person.pk, team.pk, "transported")
    assert AuditEvent.objects.get(action=AuditEvent.Action.OVERDOSE_RECORDED).client_id == person.pk


def test_a_retried_submission_stores_one_response(worker_client: HttpClient) -> None:
    data = form()
    first = worker_client.post(NEW, data)
    second = worker_client.post(NEW, data)
    assert OverdoseResponse.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_an_id_of_someone_elses_response_is_404(client: HttpClient, supervisor: User, worker: User, team: Team) -> None:
    earlier = OverdoseResponseFactory.create(client=None, team=team, created_by=supervisor)
    client.force_login(worker)
    assert client.post(NEW, form(id=str(earlier.pk))).status_code == 404
    assert OverdoseResponse.objects.count() == 1


@pytest.mark.parametrize("doses", ["21", "-1", "many"])
def test_doses_outside_0_to_20_are_refused_and_what_was_typed_stays(worker_client: HttpClient, doses: str) -> None:
    response = worker_client.post(NEW, form(naloxone_doses=doses))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Naloxone doses given" in html and "is-invalid" in html
    assert "Found on the bench" in html  # the debrief typed is kept
    assert not OverdoseResponse.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.OVERDOSE_RECORDED).exists()


def test_a_time_in_the_future_is_refused(worker_client: HttpClient) -> None:
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = worker_client.post(NEW, form(happened_at=tomorrow))
    assert "The time cannot be in the future." in response.content.decode()
    assert not OverdoseResponse.objects.exists()


def test_a_missing_answer_is_asked_for(worker_client: HttpClient) -> None:
    data = form()
    del data["emergency_services"]
    response = worker_client.post(NEW, data)
    assert "Say whether emergency services were called." in response.content.decode()
    assert not OverdoseResponse.objects.exists()


def test_a_person_of_another_team_is_refused_and_nothing_is_stored(worker_client: HttpClient, other_team: Team) -> None:
    elsewhere = ClientFactory.create(home_team=other_team, preferred_name="Quinn")
    response = worker_client.post(NEW, form(who=elsewhere.code))
    html = response.content.decode()
    assert "Choose a person from the list, or No one named." in html
    assert "Quinn" not in html  # their name is never shown
    assert not OverdoseResponse.objects.exists()


def test_a_site_of_another_team_is_refused(worker_client: HttpClient, other_team: Team) -> None:
    theirs = SiteFactory.create(team=other_team)
    response = worker_client.post(NEW, form(site=str(theirs.pk)))
    assert response.status_code == 200
    assert not OverdoseResponse.objects.exists()


def test_finding_a_person_keeps_what_was_typed(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(NEW, form(find="1", q="robin"))
    html = response.content.decode()
    assert f'value="{person.code}"' in html and "Robin" in html
    assert "Found on the bench" in html
    assert not OverdoseResponse.objects.exists()


def test_finding_with_htmx_swaps_only_the_picker(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(NEW, form(find="1", q="robin"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="picker"') and "Robin" in html and "<html" not in html


def test_the_search_finds_nobody_outside_the_team(worker_client: HttpClient, other_team: Team) -> None:
    ClientFactory.create(home_team=other_team, preferred_name="Quinn")
    html = worker_client.post(NEW, form(find="1", q="quinn")).content.decode()
    assert "Quinn" not in html and "Nobody matches in your team." in html


# Its page -----------------------------------------------------------------------------------


def test_a_named_persons_response_page_is_audited(worker_client: HttpClient, person: Client, worker: User) -> None:
    response = OverdoseResponseFactory.create(client=person, created_by=worker, debrief="Two doses, sat up.")
    html = worker_client.get(reverse("encounters:overdose_detail", args=[response.pk])).content.decode()
    assert "Two doses, sat up." in html and "Robin" in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_VIEWED)
    assert (event.client_id, event.object_id) == (person.pk, str(response.pk))


def test_a_response_with_no_one_named_is_not_a_view_of_anyones_record(
    worker_client: HttpClient, team: Team, worker: User
) -> None:
    response = OverdoseResponseFactory.create(client=None, team=team, created_by=worker)
    assert worker_client.get(reverse("encounters:overdose_detail", args=[response.pk])).status_code == 200
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_VIEWED).exists()


def test_another_team_gets_404_for_a_response(client: HttpClient, outsider: User, team: Team) -> None:
    response = OverdoseResponseFactory.create(client=None, team=team)
    client.force_login(outsider)
    assert client.get(reverse("encounters:overdose_detail", args=[response.pk])).status_code == 404


def test_the_contact_page_shows_its_overdose_response(
    worker_client: HttpClient, encounter: Encounter, person: Client, worker: User
) -> None:
    OverdoseResponseFactory.create(client=person, encounter=encounter, created_by=worker, naloxone_doses=3)
    html = worker_client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert "Overdose response" in html and "Naloxone doses given" in html
    assert "Responsive on scene" in html


# The supervisors' list ----------------------------------------------------------------------------


def test_supervisors_see_counts_per_month_and_the_latest_responses(
    supervisor_client: HttpClient, team: Team, other_team: Team, person: Client
) -> None:
    now = timezone.now()
    OverdoseResponseFactory.create(client=person, naloxone_doses=2, happened_at=now)
    OverdoseResponseFactory.create(
        client=None, team=team, naloxone_doses=1, happened_at=now, emergency_services="not_called_wishes"
    )
    OverdoseResponseFactory.create(client=None, team=team, naloxone_doses=4, happened_at=now - timedelta(days=400))
    OverdoseResponseFactory.create(client=None, team=other_team, naloxone_doses=9, happened_at=now)
    response = supervisor_client.get(reverse("encounters:overdose_list"))
    months = response.context["months"]
    assert len(months) == 12
    assert {key: months[0][key] for key in ("responses", "doses", "called")} == {
        "responses": 2,
        "doses": 3,
        "called": 1,
    }
    assert sum(month["responses"] for month in months) == 2  # the one 400 days ago is older than a year
    assert len(response.context["latest"]) == 3  # the latest of the team, the older one too; not the other team's


def test_workers_do_not_get_the_supervisors_list(worker_client: HttpClient) -> None:
    assert worker_client.get(reverse("encounters:overdose_list")).status_code == 403
