import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Membership, Team
from audit.models import AuditEvent
from clients.models import CODE_ALPHABET, Client
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = reverse("clients:register")


def test_worker_registers_a_person_with_a_code_and_an_audit_event(worker_client: HttpClient, team: Team) -> None:
    response = worker_client.post(
        URL, {"agrees_to_record": "on", "preferred_name": "Robin", "year_of_birth": "1990", "gender": "woman"}
    )
    person = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[person.code])
    assert person.home_team_id == team.pk
    assert person.preferred_name == "Robin"
    assert person.year_of_birth == 1990
    assert set(person.code.replace("-", "")) <= set(CODE_ALPHABET)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_CREATED)
    assert event.client_id == person.pk
    assert "Robin" not in f"{event.object_type}{event.object_id}{event.request_id}"


def test_everything_but_agreement_is_optional(worker_client: HttpClient) -> None:
    response = worker_client.post(URL, {"agrees_to_record": "on"})
    assert response.status_code == 302
    person = Client.objects.get()
    assert (person.preferred_name, person.year_of_birth, person.gender) == ("", None, "")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "agrees_to_record", "a record is kept only with their agreement"),
        ({"agrees_to_record": "on", "preferred_name": "x" * 10_000}, "preferred_name", "at most 100 characters"),
        ({"agrees_to_record": "on", "year_of_birth": "2999"}, "year_of_birth", "less than or equal to"),
        ({"agrees_to_record": "on", "year_of_birth": "1899"}, "year_of_birth", "greater than or equal to 1900"),
        ({"agrees_to_record": "on", "year_of_birth": "soon"}, "year_of_birth", "Enter a whole number"),
        (
            {"agrees_to_record": "on", "gender": "woman", "gender_self_described": "x"},
            "gender_self_described",
            "Choose",
        ),
    ],
    ids=["empty", "huge-name", "future-year", "before-1900", "not-a-number", "self-description-without-choice"],
)
def test_bad_input_rerenders_with_messages_and_stores_nothing(
    worker_client: HttpClient, data: dict[str, str], field: str, message: str
) -> None:
    response = worker_client.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert message in response.content.decode()
    for name, value in data.items():
        assert str(form[name].value()) in {value, "True"}
        if name in {"preferred_name", "year_of_birth", "gender_self_described"} and len(value) < 200:
            assert f'value="{value}"' in response.content.decode()
    assert Client.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_CREATED).exists()


def test_a_long_name_is_kept_in_the_form(worker_client: HttpClient) -> None:
    response = worker_client.post(URL, {"preferred_name": "y" * 10_000})
    assert response.context["form"]["preferred_name"].value() == "y" * 10_000


def test_a_posted_other_team_is_ignored(worker_client: HttpClient, team: Team, other_team: Team) -> None:
    worker_client.post(URL, {"agrees_to_record": "on", "home_team": str(other_team.pk)})
    assert Client.objects.get().home_team_id == team.pk


def test_a_member_of_two_teams_cannot_pick_a_team_they_are_not_in(
    client: HttpClient, team: Team, other_team: Team
) -> None:
    user = MembershipFactory.create(team=team, role=Membership.Role.WORKER).user
    MembershipFactory.create(user=user, team=TeamFactory.create(), role=Membership.Role.WORKER)
    client.force_login(user)
    response = client.post(URL, {"agrees_to_record": "on", "home_team": str(other_team.pk)})
    assert response.status_code == 200
    assert "home_team" in response.context["form"].errors
    assert Client.objects.count() == 0
