"""Two people editing a person's details at once: one saves, the other sees both versions
and loses nothing of what they typed (core/versioning.py)."""

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Alias, Client
from clients.services.erasure import erase_client
from clients.services.identity import update_identity
from core.versioning import EditConflict
from tests.forms import form_data, saved_meanwhile

pytestmark = pytest.mark.django_db


def edit(person: Client) -> str:
    return reverse("clients:edit", args=[person.code])


def changes() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_CHANGED).order_by("id"))


def test_two_people_at_once_the_second_gets_both_versions_and_loses_nothing(
    client: HttpClient, person: Client, worker: User, supervisor: User
) -> None:
    as_loaded = {"preferred_name": "Robin", "year_of_birth": "1985", "gender": "woman", "version": "1"}
    saved = {**as_loaded, "pronouns": "they/them", "description": "Red cap"}
    mine = saved_meanwhile(client, loads=(worker, edit(person)), saves=(supervisor, edit(person), saved))
    assert mine == as_loaded
    typed = {**mine, "pronouns": "she/her", "languages": "Basque", "may_leave_message": "on"}
    response = client.post(edit(person), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved these details while you were editing them" in page
    assert "Your changes were not saved, and nothing you typed is lost." in page
    assert "she/her" in page and "they/them" in page and "Basque" in page and "Red cap" in page
    assert "A message may be left." in page and "Leave no message." in page
    rows = {row.name: (row.yours, row.saved, row.differs) for row in response.context["rows"]}
    assert rows["pronouns"] == ("she/her", "they/them", True)
    assert rows["languages"] == ("Basque", "", True)
    assert rows["description"] == ("", "Red cap", True)
    assert rows["preferred_name"] == ("Robin", "Robin", False)
    person.refresh_from_db()
    assert (person.pronouns, person.languages, person.description, person.version) == ("they/them", "", "Red cap", 2)
    assert not person.may_leave_message
    assert [event.actor_id for event in changes()] == [supervisor.pk]

    again = form_data(response)  # what they typed, on top of the saved version
    assert again == {**typed, "version": "2"}
    assert client.post(edit(person), again).status_code == 302
    person.refresh_from_db()
    assert (person.pronouns, person.languages, person.description, person.version) == ("she/her", "Basque", "", 3)
    assert person.may_leave_message
    assert [event.actor_id for event in changes()] == [supervisor.pk, worker.pk]
    assert changes()[1].details == {"fields": ["description", "languages", "may_leave_message", "pronouns"]}


def test_the_save_is_a_compare_and_set_on_the_version(person: Client, worker: User, supervisor: User) -> None:
    """Both loaded version 1: exactly one save of version 1 is written."""
    first = update_identity(actor=worker, client=person, version=1, changes={"pronouns": "they/them"})
    assert first == ["pronouns"]
    with pytest.raises(EditConflict):
        update_identity(actor=worker, client=person, version=1, changes={"pronouns": "he/him"})
    person.refresh_from_db()
    assert (person.pronouns, person.version, len(changes())) == ("they/them", 2, 1)


def test_a_name_added_meanwhile_is_no_conflict(worker_client: HttpClient, person: Client) -> None:
    """Other names are rows of their own: adding one does not make the details stale."""
    data = form_data(worker_client.get(edit(person)))
    worker_client.post(reverse("clients:alias_add", args=[person.code]), {"name": "Birdie"})
    assert worker_client.post(edit(person), {**data, "pronouns": "she/her"}).status_code == 302
    person.refresh_from_db()
    assert (person.pronouns, person.version, person.search_names) == ("she/her", 2, "robin birdie")
    assert list(Alias.objects.values_list("name", flat=True)) == ["Birdie"]


def test_a_forged_version_gets_the_conflict_page_not_an_overwrite(worker_client: HttpClient, person: Client) -> None:
    data = {**form_data(worker_client.get(edit(person))), "version": "7", "pronouns": "he/him"}
    assert worker_client.post(edit(person), data).status_code == 409
    person.refresh_from_db()
    assert (person.pronouns, person.version, changes()) == ("", 1, [])


def test_a_double_tap_saves_once(worker_client: HttpClient, person: Client) -> None:
    data = {**form_data(worker_client.get(edit(person))), "pronouns": "she/her"}
    first = worker_client.post(edit(person), data)
    second = worker_client.post(edit(person), data, follow=True)  # the same version 1 again
    assert first["Location"] == second.redirect_chain[-1][0] == reverse("clients:detail", args=[person.code])
    assert "Saved." in second.content.decode()
    person.refresh_from_db()
    assert (person.pronouns, person.version, len(changes())) == ("she/her", 2, 1)


def test_a_double_tap_racing_itself_is_not_shown_as_a_conflict(
    worker_client: HttpClient, person: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both taps loaded version 1 before either saved: the loser finds its own values saved."""
    data = {**form_data(worker_client.get(edit(person))), "pronouns": "she/her"}
    worker_client.post(edit(person), data)

    def lost_the_race(**kwargs: Any) -> list[str]:
        raise EditConflict

    monkeypatch.setattr("clients.views.identity.update_identity", lost_the_race)
    response = worker_client.post(edit(person), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("clients:detail", args=[person.code])
    assert "Saved." in response.content.decode()
    assert len(changes()) == 1


def test_an_edit_loaded_before_an_erasure_writes_nothing(
    worker_client: HttpClient, person: Client, supervisor: User
) -> None:
    """The erasure is a newer version: the details typed before it are shown, not stored."""
    Client.objects.filter(pk=person.pk).update(pronouns="she/her")
    data = form_data(worker_client.get(edit(person)))
    erase_client(actor=supervisor, client=Client.objects.get(pk=person.pk))
    response = worker_client.post(edit(person), {**data, "description": "Green hat"})
    assert response.status_code == 409
    person.refresh_from_db()
    assert (person.preferred_name, person.pronouns, person.description) == ("", "", "")
    assert changes() == []
