"""A distribution volunteer's API token (accounts/roles.py): limited as its pages are. It
sees the team's people as codes, aliases and flags, the contacts it logged and nothing
else; it logs contacts with supplies, supplies for others and reported reversals through
the same save path, which refuses anything more."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients.models import Alias, Client, SafetyFlag
from encounters.models import Encounter, Referral
from tests.factories import EncounterFactory

pytestmark = pytest.mark.django_db

Api = Callable[..., Any]


def test_a_volunteers_token_reads_codes_aliases_and_flags_only(
    api_as: Callable[[User, str], Api], volunteer: User, person: Client
) -> None:
    Client.objects.filter(pk=person.pk).update(preferred_name="Robin", year_of_birth=1980, last_seen_at=timezone.now())
    Alias.objects.create(client=person, name="Birdie")
    SafetyFlag.objects.create(client=person, text="Meet in pairs")
    call = api_as(volunteer, "read")

    listed = call("get", reverse("api:people")).json()["items"]
    record = call("get", reverse("api:person", args=[person.code])).json()

    assert [(item["code"], item["year_of_birth"], item["last_seen_at"]) for item in listed] == [
        (person.code, None, None)
    ]
    assert (record["code"], record["preferred_name"], record["aliases"]) == (person.code, "", ["Birdie"])
    assert [flag["text"] for flag in record["flags"]] == ["Meet in pairs"]
    assert record["year_of_birth"] is None and record["last_seen_at"] is None
    assert call("get", reverse("api:person_check_ins", args=[person.code])).status_code == 403
    assert call("get", reverse("api:referrals")).status_code == 403


def test_a_volunteers_token_sees_only_the_contacts_it_logged(
    api_as: Callable[[User, str], Api], volunteer: User, worker: User, person: Client
) -> None:
    theirs = EncounterFactory.create(client=person, team=person.home_team, worker=worker, note="Worker's note")
    mine = EncounterFactory.create(client=person, team=person.home_team, worker=volunteer)
    call = api_as(volunteer, "read")

    listed = call("get", reverse("api:contacts")).json()["items"]

    assert [item["id"] for item in listed] == [str(mine.pk)]
    assert call("get", reverse("api:contact", args=[theirs.pk])).status_code == 404
    assert call("get", reverse("api:contact", args=[mine.pk])).status_code == 200


def test_a_volunteers_token_logs_a_contact_but_not_a_referral(
    api_as: Callable[[User, str], Api], volunteer: User, person: Client
) -> None:
    call = api_as(volunteer, "write")
    body = {"id": str(uuid.uuid4()), "person": person.code, "happened_at": timezone.now().isoformat(), "kind": "street"}
    with_referral = {**body, "id": str(uuid.uuid4()), "referral": {"to": "housing", "status": "made"}}

    saved = call("post", reverse("api:contacts"), body)
    refused = call("post", reverse("api:contacts"), with_referral)

    assert saved.status_code == 201
    assert refused.status_code == 403
    assert "recorded by staff" in refused.json()["detail"]
    assert list(Encounter.objects.values_list("pk", "worker_id")) == [(uuid.UUID(body["id"]), volunteer.pk)]
    assert not Referral.objects.exists()


def test_a_volunteer_makes_its_own_token_on_the_tokens_page(volunteer: User, client: Any) -> None:
    client.force_login(volunteer)
    assert client.get(reverse("accounts:api_tokens")).status_code == 200
