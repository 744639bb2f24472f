"""Moving a person to another team."""

import json

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Membership, Team, User
from audit.models import AuditEvent
from clients.models import Client
from clients.services.transfer import transfer_client
from core.errors import Invalid
from encounters.models import Encounter
from tests.factories import ClientFactory, MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_supervisor_moves_the_person_and_the_old_team_loses_them(
    supervisor_client: HttpClient, person: Client, other_team: Team, encounter: Encounter
) -> None:
    response = supervisor_client.post(reverse("clients:transfer", args=[person.code]), {"team": other_team.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:list")  # the supervisor is not in the new team
    person.refresh_from_db()
    assert person.home_team_id == other_team.pk
    assert supervisor_client.get(reverse("clients:detail", args=[person.code])).status_code == 404
    assert Encounter.objects.get(pk=encounter.pk).client_id == person.pk  # the contact stays


def test_the_old_teams_worker_gets_404_and_the_new_team_sees_the_person(
    client: HttpClient, person: Client, other_team: Team, worker: User, outsider: User, supervisor: User
) -> None:
    client.force_login(supervisor)
    client.post(reverse("clients:transfer", args=[person.code]), {"team": other_team.pk})
    client.force_login(worker)
    assert client.get(reverse("clients:detail", args=[person.code])).status_code == 404
    assert person not in client.get(reverse("clients:list")).context["people"]
    client.force_login(outsider)
    assert client.get(reverse("clients:detail", args=[person.code])).status_code == 200


def test_the_transfer_is_audited_with_team_ids_never_names(
    supervisor_client: HttpClient, supervisor: User, person: Client, team: Team, other_team: Team
) -> None:
    supervisor_client.post(reverse("clients:transfer", args=[person.code]), {"team": other_team.pk})
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_TRANSFERRED)
    assert (event.actor_id, event.client_id) == (supervisor.pk, person.pk)
    assert event.details == {"from_team": str(team.pk), "to_team": str(other_team.pk)}
    stored = json.dumps(event.details) + event.object_type + event.object_id
    assert team.name not in stored and other_team.name not in stored


def test_any_team_but_the_current_one_is_offered(supervisor_client: HttpClient, person: Client) -> None:
    """Including teams the supervisor does not supervise: a person who moves across town is
    handed to the team there (see client_transfer)."""
    far = TeamFactory.create(name="Harbour")
    response = supervisor_client.get(reverse("clients:transfer", args=[person.code]))
    offered = set(response.context["form"].fields["team"].queryset)
    assert far in offered and person.home_team not in offered


def test_the_current_team_or_an_unknown_one_is_refused_and_nothing_moves(
    supervisor_client: HttpClient, person: Client, team: Team
) -> None:
    for choice in (str(team.pk), "00000000-0000-0000-0000-000000000000", ""):
        response = supervisor_client.post(reverse("clients:transfer", args=[person.code]), {"team": choice})
        assert response.status_code == 200
        assert response.context["form"].errors["team"]
    person.refresh_from_db()
    assert person.home_team_id == team.pk
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_TRANSFERRED).exists()


def test_a_supervisor_of_both_teams_stays_on_the_persons_page(
    client: HttpClient, supervisor: User, person: Client, other_team: Team
) -> None:
    MembershipFactory.create(user=supervisor, team=other_team, role=Membership.Role.SUPERVISOR)
    client.force_login(supervisor)
    response = client.post(reverse("clients:transfer", args=[person.code]), {"team": other_team.pk})
    assert response["Location"] == reverse("clients:detail", args=[person.code])
    page = client.get(response["Location"]).content.decode()
    assert f"{person.code} is now with River." in page


def test_records_merged_into_the_person_move_with_them(
    person: Client, team: Team, other_team: Team, supervisor: User
) -> None:
    merged = ClientFactory.create(home_team=team, merged_into=person)
    transfer_client(actor=supervisor, client=person, to_team=other_team)
    assert Client.objects.get(pk=merged.pk).home_team_id == other_team.pk


def test_moving_to_the_same_team_is_refused_by_the_service(person: Client, team: Team, supervisor: User) -> None:
    with pytest.raises(Invalid):
        transfer_client(actor=supervisor, client=person, to_team=team)


def test_workers_are_refused(worker_client: HttpClient, person: Client, other_team: Team) -> None:
    response = worker_client.post(reverse("clients:transfer", args=[person.code]), {"team": other_team.pk})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.home_team_id != other_team.pk


def test_a_supervisor_of_another_team_gets_404_even_when_working_here(
    client: HttpClient, person: Client, team: Team, other_team: Team
) -> None:
    user = MembershipFactory.create(team=other_team, role=Membership.Role.SUPERVISOR).user
    MembershipFactory.create(team=team, role=Membership.Role.WORKER, user=user)
    client.force_login(user)
    response = client.post(reverse("clients:transfer", args=[person.code]), {"team": other_team.pk})
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.home_team_id == team.pk
