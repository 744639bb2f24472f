import json

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Alias, Client
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def detail(person: Client) -> str:
    return reverse("clients:detail", args=[person.code])


def edit(person: Client) -> str:
    return reverse("clients:edit", args=[person.code])


def form_data(person: Client, **changes: str) -> dict[str, str]:
    """What the edit page posts back unchanged, with `changes` applied."""
    data = {
        "version": str(person.version),
        "preferred_name": person.preferred_name,
        "year_of_birth": str(person.year_of_birth or ""),
        "gender": person.gender,
        "gender_self_described": person.gender_self_described,
        "pronouns": person.pronouns,
        "languages": person.languages,
        "contact_preference": person.contact_preference,
        "contact_details": person.contact_details,
        "description": person.description,
    }
    if person.may_leave_message:
        data["may_leave_message"] = "on"
    return {**data, **changes}


def test_the_page_shows_only_the_details_filled_in(worker_client: HttpClient, person: Client) -> None:
    page = worker_client.get(detail(person)).content.decode()
    assert "No other details recorded." in page
    assert "Pronouns" not in page
    assert "Also known as" not in page
    assert "Leave no message" not in page


def test_the_page_shows_aliases_pronouns_languages_contact_and_description(
    worker_client: HttpClient, person: Client
) -> None:
    Client.objects.filter(pk=person.pk).update(
        pronouns="they/them",
        languages="Spanish, Catalan",
        contact_preference=Client.ContactPreference.TEXT_MESSAGE,
        contact_details="600 123 456",
        may_leave_message=True,
        description="Tall, green backpack",
    )
    Alias.objects.create(client=person, name="Birdie")
    Alias.objects.create(client=person, name="Rob")
    page = worker_client.get(detail(person)).content.decode()
    assert "Birdie, Rob" in page
    for text in ["they/them", "Spanish, Catalan", "Text message", "600 123 456", "Tall, green backpack"]:
        assert text in page
    assert "A message may be left." in page
    assert "Leave no message" not in page
    assert "No other details recorded." not in page


@pytest.mark.parametrize(
    ("preference", "details", "shown"),
    [
        (Client.ContactPreference.PHONE_CALL, "", True),
        (Client.ContactPreference.NOT_ASKED, "600 123 456", True),
        (Client.ContactPreference.NOT_ASKED, "", False),
        (Client.ContactPreference.NO_CONTACT, "", False),
    ],
    ids=["phone", "details-only", "nothing", "no-contact"],
)
def test_leave_no_message_is_prominent_when_a_contact_method_is_set(
    worker_client: HttpClient, person: Client, preference: str, details: str, shown: bool
) -> None:
    Client.objects.filter(pk=person.pk).update(
        contact_preference=preference, contact_details=details, may_leave_message=False
    )
    page = worker_client.get(detail(person)).content.decode()
    assert ('class="alert alert-danger fw-semibold py-2">Leave no message.' in page) is shown


def test_the_edit_page_shows_the_current_values_and_is_audited_as_a_read(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    Alias.objects.create(client=person, name="Birdie")
    response = worker_client.get(edit(person))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Robin"' in page
    assert "Birdie" in page
    assert reverse("clients:alias_add", args=[person.code]) in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_VIEWED)
    assert (event.actor_id, event.client_id) == (worker.pk, person.pk)


def test_saving_stores_the_changes_and_audits_the_field_names_only(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    data = form_data(
        person,
        pronouns="she/her",
        languages="Romanian",
        contact_preference=Client.ContactPreference.PHONE_CALL,
        contact_details="600 000 111",
        description="Red cap",
    )
    response = worker_client.post(edit(person), data)
    assert response.status_code == 302
    assert response["Location"] == detail(person)
    person.refresh_from_db()
    assert (person.pronouns, person.languages, person.contact_preference) == ("she/her", "Romanian", "phone_call")
    assert (person.contact_details, person.description, person.preferred_name) == ("600 000 111", "Red cap", "Robin")
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_CHANGED)
    assert (event.actor_id, event.client_id, event.object_id) == (worker.pk, person.pk, str(person.pk))
    assert event.details == {
        "fields": ["contact_details", "contact_preference", "description", "languages", "pronouns"]
    }
    stored = json.dumps(event.details) + event.object_type + event.object_id
    for value in ["she/her", "Romanian", "600 000 111", "Red cap"]:
        assert value not in stored


def test_a_new_preferred_name_refreshes_the_names_for_search(worker_client: HttpClient, person: Client) -> None:
    Alias.objects.create(client=person, name="Birdie")
    worker_client.post(edit(person), form_data(person, preferred_name="Róbyn"))
    person.refresh_from_db()
    assert person.preferred_name == "Róbyn"
    assert person.search_names == "robyn birdie"
    assert AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_CHANGED).details == {"fields": ["preferred_name"]}


def test_saving_without_changes_writes_nothing(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(edit(person), form_data(person), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_CHANGED).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year_of_birth": "1899"}, "year_of_birth", "between 1900 and"),
        ({"year_of_birth": str(timezone.now().year + 1)}, "year_of_birth", "between 1900 and"),
        ({"year_of_birth": "soon"}, "year_of_birth", "Enter a whole number"),
        ({"preferred_name": "x" * 101}, "preferred_name", "at most 100 characters"),
        ({"pronouns": "p" * 41}, "pronouns", "at most 40 characters"),
        ({"description": "d" * 501}, "description", "at most 500 characters"),
        ({"contact_preference": "carrier_pigeon"}, "contact_preference", "Select a valid choice"),
        ({"gender": "woman", "gender_self_described": "fluid"}, "gender_self_described", "Choose"),
    ],
    ids=["before-1900", "next-year", "not-a-number", "long-name", "long-pronouns", "long-description", "bad", "self"],
)
def test_bad_input_rerenders_with_the_typed_data_and_stores_nothing(
    worker_client: HttpClient, person: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = worker_client.post(edit(person), form_data(person, languages="Basque", **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert message in page
    assert 'value="Basque"' in page
    assert form[field].value() == changes[field]
    assert response.context["heading"] == "Robin"
    person.refresh_from_db()
    assert person.languages == ""
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_CHANGED).exists()


def test_adding_an_alias_makes_it_searchable_and_is_audited(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    response = worker_client.post(reverse("clients:alias_add", args=[person.code]), {"name": "  Birdie   Jay "})
    assert response.status_code == 302
    assert response["Location"] == edit(person)
    alias = Alias.objects.get(client=person)
    assert (alias.name, alias.created_by_id) == ("Birdie Jay", worker.pk)
    person.refresh_from_db()
    assert person.search_names == "robin birdie jay"
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_CHANGED)
    assert event.details == {"fields": ["aliases"], "change": "added"}
    assert (event.object_id, event.client_id) == (str(alias.pk), person.pk)


@pytest.mark.parametrize(
    ("name", "message"), [("ROBIN", "already recorded"), ("birdíe", "already recorded"), (" ", "")]
)
def test_a_known_or_empty_alias_is_refused(worker_client: HttpClient, person: Client, name: str, message: str) -> None:
    Alias.objects.create(client=person, name="Birdie")
    response = worker_client.post(reverse("clients:alias_add", args=[person.code]), {"name": name})
    assert response.status_code == 200
    assert response.context["alias_form"].errors["name"]
    assert message in response.content.decode()
    assert list(Alias.objects.values_list("name", flat=True)) == ["Birdie"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_CHANGED).exists()


def test_removing_an_alias_updates_the_names_for_search(worker_client: HttpClient, person: Client) -> None:
    alias = Alias.objects.create(client=person, name="Birdie")
    Alias.objects.create(client=person, name="Jay")
    response = worker_client.post(reverse("clients:alias_remove", args=[person.code, alias.pk]))
    assert response.status_code == 302
    assert list(Alias.objects.values_list("name", flat=True)) == ["Jay"]
    person.refresh_from_db()
    assert person.search_names == "robin jay"
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_CHANGED)
    assert event.details == {"fields": ["aliases"], "change": "removed", "alias_id": alias.pk}


def test_another_persons_alias_cannot_be_removed_through_this_person(worker_client: HttpClient, person: Client) -> None:
    other = ClientFactory.create(home_team=person.home_team)
    alias = Alias.objects.create(client=other, name="Birdie")
    response = worker_client.post(reverse("clients:alias_remove", args=[person.code, alias.pk]))
    assert response.status_code == 404
    assert Alias.objects.filter(pk=alias.pk).exists()


def test_outsider_gets_404_and_changes_nothing(client: HttpClient, outsider: User, person: Client) -> None:
    client.force_login(outsider)
    assert client.get(edit(person)).status_code == 404
    assert client.post(edit(person), form_data(person, pronouns="he/him")).status_code == 404
    assert client.post(reverse("clients:alias_add", args=[person.code]), {"name": "Birdie"}).status_code == 404
    person.refresh_from_db()
    assert person.pronouns == ""
    assert not Alias.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_merged_code_opens_the_kept_record_without_saving(worker_client: HttpClient, person: Client) -> None:
    merged = ClientFactory.create(home_team=person.home_team, merged_into=person)
    response = worker_client.post(edit(merged), form_data(merged, pronouns="he/him"))
    assert response.status_code == 302
    assert response["Location"] == edit(person)
    person.refresh_from_db()
    merged.refresh_from_db()
    assert (person.pronouns, merged.pronouns) == ("", "")
    assert worker_client.get(edit(merged))["Location"] == edit(person)
