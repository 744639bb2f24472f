"""Who sees a contact: the person's current home team, or (anonymous) the team that logged it."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Team, User
from clients.models import Client
from clients.services.transfer import transfer_client
from encounters.models import Encounter, Site
from tests.factories import EncounterFactory

pytestmark = pytest.mark.django_db


def move(person: Client | None, to_team: Team, by: User) -> None:
    assert person is not None
    transfer_client(actor=by, client=person, to_team=to_team)


def test_after_a_transfer_the_old_team_gets_404_on_the_contact_page(
    client: HttpClient, encounter: Encounter, other_team: Team, worker: User, supervisor: User
) -> None:
    move(encounter.client, other_team, supervisor)
    client.force_login(worker)  # logged the contact, but the person is no longer their team's
    response = client.get(reverse("encounters:detail", args=[encounter.pk]))
    assert response.status_code == 404
    assert not Encounter.objects.visible_to(worker).filter(pk=encounter.pk).exists()


def test_after_a_transfer_the_new_team_sees_the_old_contacts(
    client: HttpClient, encounter: Encounter, other_team: Team, outsider: User, supervisor: User
) -> None:
    person = encounter.client
    assert person is not None
    move(person, other_team, supervisor)
    client.force_login(outsider)  # a worker of the receiving team
    page = client.get(reverse("encounters:detail", args=[encounter.pk]))
    assert page.status_code == 200
    person_page = client.get(reverse("clients:detail", args=[person.code]))
    contacts = next(data for section, data in person_page.context["sections"] if section.key == "contacts")
    assert [shown.pk for shown in contacts["encounters"]] == [encounter.pk]
    timeline = client.get(reverse("encounters:timeline", args=[person.code]))
    assert [shown.pk for shown in timeline.context["encounters"]] == [encounter.pk]


def test_an_anonymous_contact_stays_with_the_team_that_logged_it(
    worker: User, outsider: User, site: Site, supervisor: User
) -> None:
    anonymous = EncounterFactory.create(client=None, team=site.team, site=site, worker=worker, head_count=4)
    assert list(Encounter.objects.visible_to(worker)) == [anonymous]
    assert list(Encounter.objects.visible_to(supervisor)) == [anonymous]
    assert list(Encounter.objects.visible_to(outsider)) == []


def test_a_contact_logged_by_another_team_for_this_teams_person_is_visible(
    person: Client, outsider: User, worker: User, other_team: Team
) -> None:
    """A contact counts for the person's team whoever logged it (e.g. before a transfer back)."""
    logged_elsewhere = EncounterFactory.create(client=person, team=other_team, worker=outsider)
    assert list(Encounter.objects.visible_to(worker)) == [logged_elsewhere]
    assert list(Encounter.objects.visible_to(outsider)) == []


def test_a_persons_contacts_are_scoped_as_visible_to_decides(
    person: Client, worker: User, outsider: User, data_admin: User, other_team: Team, supervisor: User
) -> None:
    """of_person decides the scope once on the person; it must agree with visible_to."""
    EncounterFactory.create_batch(2, client=person, worker=worker)
    for user in (worker, outsider, data_admin):
        expected = set(Encounter.objects.visible_to(user).filter(client=person))
        assert set(Encounter.objects.of_person(person, user)) == expected
    assert len(Encounter.objects.of_person(person, worker)) == 2
    move(person, other_team, supervisor)
    assert list(Encounter.objects.of_person(person, worker)) == []
    assert len(Encounter.objects.of_person(person, outsider)) == 2
