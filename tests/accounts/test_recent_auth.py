"""Fresh proof of identity (password or code within 5 minutes) before merging or erasing:
accounts.decorators.recent_auth_required, and the confirm page it sends people to."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.decorators import recent_auth_required
from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from clients.views.merge import client_merge
from clients.views.records import client_erase
from tests.factories import TEST_PASSWORD, ClientFactory
from tests.totp import authenticator_for, code_for

pytestmark = pytest.mark.django_db

CONFIRM = reverse("accounts:confirm")


def later(minutes: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def confirm_url(next_path: str) -> str:
    return f"{CONFIRM}?{urlencode({'next': next_path})}"


def test_merge_and_erase_carry_the_decorator() -> None:
    assert client_merge.needs_recent_auth and client_erase.needs_recent_auth  # type: ignore[attr-defined]
    assert recent_auth_required.__doc__ and "export" in recent_auth_required.__doc__


def test_erasing_needs_a_password_from_the_last_five_minutes(supervisor_client: HttpClient, person: Client) -> None:
    erase = reverse("clients:erase", args=[person.code])
    with later(5):
        response = supervisor_client.post(erase, {"confirm_code": person.code})
        assert response["Location"] == confirm_url(erase)
        person.refresh_from_db()
        assert person.erased_at is None
        confirmed = supervisor_client.post(CONFIRM, {"secret": TEST_PASSWORD, "next": erase})
        assert confirmed["Location"] == erase
        supervisor_client.post(erase, {"confirm_code": person.code})
    person.refresh_from_db()
    assert person.erased_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.REAUTHENTICATED)
    assert event.details == {"with": "password"}


def test_within_five_minutes_of_signing_in_no_question_is_asked(supervisor_client: HttpClient, person: Client) -> None:
    with later(4.9):
        response = supervisor_client.get(reverse("clients:erase", args=[person.code]))
    assert response.status_code == 200


def test_opening_the_merge_page_asks_first_and_comes_back(supervisor_client: HttpClient, person: Client) -> None:
    other = ClientFactory.create(home_team=person.home_team)
    merge = reverse("clients:merge", args=[person.code, other.code])
    with later(6):
        response = supervisor_client.get(merge)
        assert response["Location"] == confirm_url(merge)
        page = supervisor_client.get(response["Location"]).content.decode()
        assert '<h1 class="h3">Confirm it\'s you</h1>' in page
        supervisor_client.post(CONFIRM, {"secret": TEST_PASSWORD, "next": merge})
        assert supervisor_client.get(merge).status_code == 200


def test_people_without_the_role_are_refused_before_any_question(worker_client: HttpClient, person: Client) -> None:
    with later(6):
        assert worker_client.get(reverse("clients:erase", args=[person.code])).status_code == 403


def test_a_code_from_the_app_confirms_too(supervisor_client: HttpClient, supervisor: User, person: Client) -> None:
    device = authenticator_for(supervisor)
    erase = reverse("clients:erase", args=[person.code])
    with later(6):
        supervisor_client.post(CONFIRM, {"secret": code_for(device), "next": erase})
        assert supervisor_client.get(erase).status_code == 200
    assert AuditEvent.objects.get(action=AuditEvent.Action.REAUTHENTICATED).details == {"with": "code"}


def test_a_wrong_answer_is_refused_and_counted(supervisor_client: HttpClient, supervisor: User) -> None:
    response = supervisor_client.post(CONFIRM, {"secret": "not-my-password", "next": "/"})
    assert response.status_code == 200
    assert "That did not match" in response.content.decode()
    failure = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert (failure.actor_id, failure.details) == (supervisor.pk, {"step": "confirm"})


def test_five_wrong_answers_sign_out_and_pause(supervisor_client: HttpClient, supervisor: User) -> None:
    for _ in range(5):
        response = supervisor_client.post(CONFIRM, {"secret": "not-my-password", "next": "/"})
    assert response["Location"] == reverse("accounts:login")
    assert supervisor_client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT, actor_id=supervisor.pk).count() == 1


def test_confirm_only_goes_back_within_the_site(worker_client: HttpClient) -> None:
    response = worker_client.post(CONFIRM, {"secret": TEST_PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")
