"""The distribution volunteer's limited access (accounts/roles.py), page by page.

The access matrix (tests/security/test_volunteer_access.py) proves which pages open; these
tests prove what the shared pages show and store for a volunteer.
"""

import uuid

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from audit.models import AuditEvent
from clients.models import Alias, Client, SafetyFlag
from core.errors import PermissionDenied
from encounters.models import Encounter, Referral
from encounters.services.overdose import OverdoseDetails
from encounters.services.referrals import NewReferral
from tests.contacts import log_contact
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_a_volunteer_holds_only_the_volunteer_role(volunteer: User) -> None:
    assert volunteer.roles == {Membership.Role.VOLUNTEER}
    assert volunteer.supervised_team_ids() == []


def test_a_volunteer_anywhere_is_limited_everywhere(volunteer: User) -> None:
    """Fail closed: a second, fuller membership does not open person-level pages."""
    MembershipFactory.create(user=volunteer, team=TeamFactory.create(), role=Membership.Role.SUPERVISOR)
    volunteer = User.objects.get(pk=volunteer.pk)
    assert volunteer.roles == {Membership.Role.VOLUNTEER}
    assert volunteer.supervised_team_ids() == []


def test_the_person_page_shows_code_aliases_flags_and_their_own_contacts_only(
    volunteer_client: HttpClient, volunteer: User, worker: User, person: Client
) -> None:
    person.year_of_birth = 1971
    person.save()
    Alias.objects.create(client=person, name="Birdie")
    SafetyFlag.objects.create(client=person, text="Meet in pairs")
    log_contact(worker, person, note="Talked about the housing offer")
    log_contact(volunteer, person, note="Took a kit")
    response = volunteer_client.get(reverse("clients:detail", args=[person.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert person.code in page and "Birdie" in page and "Meet in pairs" in page
    assert "Took a kit" in page
    assert "Talked about the housing offer" not in page
    assert "1971" not in page
    for hidden in ("consent", "Goals", "Wellbeing", "Referrals", "flag_add"):
        assert hidden not in page
    viewed = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_VIEWED)
    assert (viewed.actor_id, viewed.client_id) == (volunteer.pk, person.pk)


def test_another_workers_contact_is_not_found(volunteer_client: HttpClient, worker: User, person: Client) -> None:
    theirs = log_contact(worker, person, note="A note by the worker").encounter
    response = volunteer_client.get(reverse("encounters:detail", args=[theirs.pk]))
    assert response.status_code == 404
    assert b"A note by the worker" not in response.content


def test_their_own_contact_opens_without_a_correction_link(
    volunteer_client: HttpClient, volunteer: User, person: Client
) -> None:
    mine = log_contact(volunteer, person, note="Took a kit").encounter
    response = volunteer_client.get(reverse("encounters:detail", args=[mine.pk]))
    assert response.status_code == 200
    assert b"Took a kit" in response.content
    assert reverse("encounters:edit", args=[mine.pk]).encode() not in response.content


def test_registering_keeps_a_code_and_an_alias_only(volunteer_client: HttpClient, team: Team) -> None:
    form = volunteer_client.get(reverse("clients:register")).content.decode()
    assert 'name="year_of_birth"' not in form and 'name="gender"' not in form
    data = {"agrees_to_record": "on", "preferred_name": "Sparrow", "year_of_birth": "1980", "gender": "woman"}
    response = volunteer_client.post(reverse("clients:register"), data)
    person = Client.objects.get()
    assert response.status_code == 302
    assert (person.preferred_name, person.year_of_birth, person.gender) == ("Sparrow", None, "")
    assert person.home_team_id == team.pk


def test_log_a_contact_draws_no_staff_panels(volunteer_client: HttpClient, person: Client) -> None:
    page = volunteer_client.get(reverse("encounters:log") + f"?person={person.code}").content.decode()
    assert 'id="contact-goals"' not in page and 'id="contact-checkin"' not in page
    assert 'name="referral-to"' not in page and 'name="overdose-outcome"' not in page


def test_a_volunteer_logs_a_contact_with_supplies(
    volunteer_client: HttpClient, volunteer: User, person: Client
) -> None:
    data = {
        "id": str(uuid.uuid4()),
        "who": person.code,
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "street",
        "service_naloxone-kit": "1",
    }
    response = volunteer_client.post(reverse("encounters:log"), data)
    encounter = Encounter.objects.get()
    assert response.status_code == 302
    assert (encounter.worker_id, encounter.client_id) == (volunteer.pk, person.pk)
    assert dict(encounter.services.values_list("service_type__slug", "quantity")) == {"naloxone-kit": 1}


@pytest.mark.parametrize(
    ("key", "data"),
    [
        ("referral", NewReferral(to=Referral.To.HOUSING)),
        ("overdose", OverdoseDetails(naloxone_doses=1, emergency_services="called", outcome="responsive")),
    ],
)
def test_the_save_path_refuses_staff_parts_from_a_volunteer(
    volunteer: User, person: Client, key: str, data: object
) -> None:
    with pytest.raises(PermissionDenied):
        log_contact(volunteer, person, parts={key: data})
    assert not Encounter.objects.exists()


def test_home_shows_a_volunteer_only_their_actions(volunteer_client: HttpClient) -> None:
    page = volunteer_client.get(reverse("core:home")).content.decode()
    assert reverse("encounters:log") in page and reverse("clients:register") in page
    for hidden in ("encounters:followups_mine", "encounters:not_seen", "encounters:overdose_new"):
        assert reverse(hidden) not in page
