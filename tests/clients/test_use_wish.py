"""The person's own words on what they want from their relationship with drugs (issue 21):
off unless the organisation turns it on; written only with the person; changed or deleted
whenever they ask; never scored, charted or exported; gone on erasure."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client, UseWish
from clients.services.erasure import erase_client

pytestmark = pytest.mark.django_db

ON = override_settings(ALONGSIDE_USE_WISHES=True)


def edit(person: Client) -> str:
    return reverse("clients:use_wish_edit", args=[person.code])


def person_page(http: HttpClient, person: Client) -> str:
    response = http.get(reverse("clients:detail", args=[person.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_off_unless_the_organisation_turns_it_on(worker_client: HttpClient, person: Client) -> None:
    assert "What they want from their relationship with drugs" not in person_page(worker_client, person)
    assert worker_client.get(edit(person)).status_code == 404
    response = worker_client.post(edit(person), {"words": "Use more safely", "with_person": "on"})
    assert response.status_code == 404
    assert not UseWish.objects.exists()


@ON
def test_written_with_the_person_shown_in_their_words_and_audited_without_them(
    worker_client: HttpClient, person: Client, worker: User
) -> None:
    assert "Nothing written. Optional, and only with the person" in person_page(worker_client, person)
    response = worker_client.post(edit(person), {"words": "  Cut down at weekends  ", "with_person": "on"})
    assert response.status_code == 302
    wish = UseWish.objects.get()
    assert (wish.client_id, wish.words, wish.updated_by_id) == (person.pk, "Cut down at weekends", worker.pk)
    assert "“Cut down at weekends”" in person_page(worker_client, person)
    event = AuditEvent.objects.get(action=AuditEvent.Action.USE_WISH_CHANGED)
    assert (event.client_id, event.details) == (person.pk, {"change": "written"})
    assert "weekends" not in str(event.details)


@ON
def test_only_with_the_person(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(edit(person), {"words": "Use more safely"})
    assert response.status_code == 200
    assert "Only write this with the person, in their words." in response.content.decode()
    assert not UseWish.objects.exists()


@ON
def test_changed_and_deleted_whenever_they_ask(worker_client: HttpClient, person: Client) -> None:
    worker_client.post(edit(person), {"words": "Use more safely", "with_person": "on"})
    worker_client.post(edit(person), {"words": "No change wanted", "with_person": "on"})
    assert list(UseWish.objects.values_list("words", flat=True)) == ["No change wanted"]
    assert "No change wanted" in worker_client.get(edit(person)).content.decode()  # the form starts from it
    response = worker_client.post(reverse("clients:use_wish_delete", args=[person.code]))
    assert response.status_code == 302
    assert not UseWish.objects.exists()
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.USE_WISH_CHANGED).order_by("at", "id")
    assert [event.details["change"] for event in changes] == ["written", "changed", "deleted"]


@ON
def test_another_team_gets_404_and_a_data_admin_403(
    client: HttpClient, outsider: User, data_admin: User, person: Client
) -> None:
    client.force_login(outsider)
    assert client.post(edit(person), {"words": "Use more safely", "with_person": "on"}).status_code == 404
    assert client.post(reverse("clients:use_wish_delete", args=[person.code])).status_code == 404
    client.force_login(data_admin)
    assert client.get(edit(person)).status_code == 403
    assert not UseWish.objects.exists()


@ON
def test_deleting_needs_a_post(worker_client: HttpClient, person: Client) -> None:
    assert worker_client.get(reverse("clients:use_wish_delete", args=[person.code])).status_code == 405


@ON
def test_gone_when_identifying_data_is_erased(person: Client, supervisor: User) -> None:
    UseWish.objects.create(client=person, words="Use more safely")
    erase_client(actor=supervisor, client=person)
    assert not UseWish.objects.exists()


@ON
def test_the_person_page_costs_one_query_more_whatever_is_written(worker_client: HttpClient, person: Client) -> None:
    counts = []
    for words in (None, "Cut down at weekends"):
        if words:
            UseWish.objects.create(client=person, words=words)
        with CaptureQueriesContext(connection) as queries:
            person_page(worker_client, person)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_never_scored_charted_or_exported() -> None:
    """No figure, chart, rollup or export reads it: the code that makes them never names it."""
    root = Path(settings.BASE_DIR)
    readers = [root / "dashboards", root / "exports", root / "privacy", root / "outcomes", root / "goals"]
    named = [
        str(path.relative_to(root))
        for folder in readers
        for path in folder.rglob("*.py")
        if "UseWish" in path.read_text(encoding="utf-8") or "use_wish" in path.read_text(encoding="utf-8")
    ]
    assert named == []
