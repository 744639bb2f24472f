"""What the service worker keeps: the offline Log a contact page holds no one's data; the
service worker and the manifest; sign-out keeps a sealed outbox when the page wiped first."""

import json

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client
from encounters.models import ServiceType, TeamService
from health.models import TeamVaccine
from tests.factories import ClientFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db

URL = reverse("offline:log")


def test_the_offline_page_carries_the_teams_services_and_sites_but_nobody(
    worker_client: HttpClient, person: Client, site: object
) -> None:
    Client.objects.filter(pk=person.pk).update(preferred_name="Robin", last_seen_at=timezone.now())

    page = worker_client.get(URL).content.decode()

    assert "Robin" not in page and person.code not in page
    assert "One more: Sterile syringes" in page
    assert "Bus station" in page  # the team's site
    words = page.split('id="offline-words" type="application/json">')[1].split("</script>")[0]
    assert json.loads(words)["savedOnPhone"] == "Saved on this phone. It will be sent when the signal returns."


def test_the_offline_page_is_in_spanish_for_a_spanish_speaking_worker(worker_client: HttpClient) -> None:
    worker_client.cookies["django_language"] = "es"
    page = worker_client.get(URL, headers={"accept-language": "es"}).content.decode()
    words = json.loads(page.split('id="offline-words" type="application/json">')[1].split("</script>")[0])
    assert words["savedOnPhone"] == "Guardado en este teléfono. Se enviará cuando vuelva la señal."
    assert "Registrar un contacto" in page


@pytest.mark.parametrize("rows", [2, 20])
def test_the_offline_page_costs_the_same_queries_with_2_or_20_rows(
    worker_client: HttpClient, team: Team, rows: int
) -> None:
    ClientFactory.create_batch(rows, home_team=team)
    TeamVaccine.objects.bulk_create(TeamVaccine(team=team, name=f"Own {n}", doses=2) for n in range(rows))
    for service_type in ServiceTypeFactory.create_batch(rows):
        TeamService.objects.create(team=team, service_type=service_type, order=service_type.order)
    worker_client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert worker_client.get(URL).status_code == 200
    assert len(queries) == EXPECTED_QUERIES
    assert ServiceType.objects.count() >= rows


# Session, user, memberships (3); service types with the team's quick buttons (1); the sites (1);
# the questionnaires offered with their questions (2); the team's safer-use topics (1); the
# worker's teams' own vaccines in use (1).
EXPECTED_QUERIES = 9


def test_a_workers_offline_page_draws_the_check_in_and_the_frame_of_a_goal_review(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    """The questionnaires offered (no one's answers) and a review card with no goal in it:
    the goals themselves come from the phone's encrypted cache."""
    from goals.services import set_goal

    set_goal(actor=worker, client=person, words="Get my ID back")

    page = worker_client.get(URL).content.decode()

    assert 'name="checkin_for"' in page
    assert 'name="checkin-who5-' in page and "I have felt cheerful and in good spirits" in page
    assert 'name="goal_review-GOAL-closeness"' in page
    assert "Get my ID back" not in page
    assert "Make a referral" in page and "Supplies for others (secondary distribution)" in page


def test_a_workers_offline_page_draws_the_tests_prep_and_pep_and_vaccinations_for_the_person_chosen(
    worker_client: HttpClient, team: Team, other_team: Team
) -> None:
    """Health's parts of a contact, unbound and named for no one: offline.js fills in
    `health_for` with the person chosen. No linkage step: it needs the person's open cascades.
    The worker's team's own vaccines in use are there too; a retired one and another team's are not."""
    own = TeamVaccine.objects.create(team=team, name="Meningitis ACWY", doses=2)
    TeamVaccine.objects.create(team=team, name="Retired rabies", doses=1, is_active=False)
    TeamVaccine.objects.create(team=other_team, name="Shingles", doses=2)
    page = worker_client.get(URL).content.decode()
    assert f'name="health-vaccine-team-{own.pk}-dose"' in page and "Meningitis ACWY" in page
    assert "Retired rabies" not in page and "Shingles" not in page

    assert 'name="health_for"' in page and 'id="offline-health-for"' in page
    for name in ("health-hiv-result", "health-hcv_rna-method", "health-prep-status", "health-pep-words",
                 "health-vaccine-hep_b-dose", "health-vaccine-tetanus-where"):  # fmt: skip
        assert f'name="{name}"' in page, name
    assert "Tests (HIV, hepatitis, syphilis)" in page and "PrEP and PEP" in page and "Vaccinations" in page
    assert "health-step-" not in page


def test_a_volunteers_offline_page_draws_only_what_it_may_record(volunteer_client: HttpClient) -> None:
    """Supplies, supplies for others and a reported reversal; no check-in, goals, referral
    or overdose response (accounts/roles.py)."""
    page = volunteer_client.get(URL).content.decode()

    assert "Supplies for others (secondary distribution)" in page and 'name="reversal-reported"' in page
    assert 'name="others-people"' in page
    staff_only_parts = (
        'name="checkin',
        "goal_review",
        "referral-to",
        "overdose-outcome",
        "Wellbeing check-in",
        "health",
    )
    for staff_only in staff_only_parts:
        assert staff_only not in page


def test_the_service_worker_is_served_from_the_root_with_its_shell(client: HttpClient) -> None:
    response = client.get(reverse("service_worker"))
    script = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    shell = json.loads(script.split("var SHELL = ")[1].split(";\n")[0])
    assert shell[0] == URL
    assert any(path.endswith(".css") for path in shell) and any("offline" in path for path in shell)
    assert "__VERSION__" not in script and "alongside-shell-" in script


def test_the_manifest_opens_log_a_contact(client: HttpClient) -> None:
    body = client.get(reverse("manifest")).json()
    assert body["start_url"] == reverse("encounters:log")
    assert body["display"] == "standalone"


def test_sign_out_after_the_page_wiped_keeps_the_sealed_outbox(worker_client: HttpClient, worker: User) -> None:
    response = worker_client.post(reverse("accounts:sign_out"), {"offline_wiped": "1"})
    assert response["Clear-Site-Data"] == '"cache"'


def test_sign_out_without_offline_use_clears_storage_too(worker_client: HttpClient) -> None:
    response = worker_client.post(reverse("accounts:sign_out"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
