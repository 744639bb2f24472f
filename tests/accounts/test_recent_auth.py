"""Fresh proof of identity (the password, and the authenticator's code where one is set up,
within 5 minutes) before a transfer, an erasure, a merge, an export and its download, and any
change to users, teams and roles: accounts.decorators.recent_auth_required, the one helper,
and the confirm page it sends people to."""

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib import admin
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.decorators import recent_auth_required
from accounts.models import Membership, Team, User
from audit.models import AuditEvent
from clients.models import Client
from clients.views.merge import client_merge
from clients.views.records import client_erase, client_transfer
from exports.views import export_download, export_start
from tests.factories import TEST_PASSWORD, ClientFactory, MembershipFactory
from tests.totp import authenticator_for, code_for

pytestmark = pytest.mark.django_db

CONFIRM = reverse("accounts:confirm")


def later(minutes: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def confirm_url(next_path: str) -> str:
    return f"{CONFIRM}?{urlencode({'next': next_path})}"


def test_every_dangerous_view_carries_the_one_decorator() -> None:
    views = [client_transfer, client_erase, client_merge, export_start, export_download]
    assert all(getattr(view, "needs_recent_auth", False) for view in views)
    for model in (User, Team, Membership):
        patterns = admin.site._registry[model].get_urls()
        assert patterns and all(getattr(p.callback, "needs_recent_auth", False) for p in patterns)  # type: ignore[union-attr]
    assert recent_auth_required.__doc__ and "transfer" in recent_auth_required.__doc__


def test_erasing_needs_a_password_from_the_last_five_minutes(supervisor_client: HttpClient, person: Client) -> None:
    erase = reverse("clients:erase", args=[person.code])
    with later(5):
        response = supervisor_client.post(erase, {"confirm_code": person.code})
        assert response["Location"] == confirm_url(erase)
        person.refresh_from_db()
        assert person.erased_at is None
        confirmed = supervisor_client.post(CONFIRM, {"password": TEST_PASSWORD, "next": erase})
        assert confirmed["Location"] == erase
        supervisor_client.post(erase, {"confirm_code": person.code})
    person.refresh_from_db()
    assert person.erased_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.REAUTHENTICATED)
    assert event.details == {"with": "password"}


def test_a_transfer_needs_a_recent_confirmation(
    supervisor_client: HttpClient, person: Client, other_team: Team
) -> None:
    transfer = reverse("clients:transfer", args=[person.code])
    with later(6):
        response = supervisor_client.post(transfer, {"team": other_team.pk})
        assert response["Location"] == confirm_url(transfer)
        person.refresh_from_db()
        assert person.home_team_id != other_team.pk
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_TRANSFERRED).exists()
        supervisor_client.post(CONFIRM, {"password": TEST_PASSWORD, "next": transfer})
        assert supervisor_client.post(transfer, {"team": other_team.pk}).status_code == 302
    person.refresh_from_db()
    assert person.home_team_id == other_team.pk


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
        assert "Your password" in page and "authenticator" not in page  # no app set up: no code asked
        supervisor_client.post(CONFIRM, {"password": TEST_PASSWORD, "next": merge})
        assert supervisor_client.get(merge).status_code == 200


def test_people_without_the_role_are_refused_before_any_question(worker_client: HttpClient, person: Client) -> None:
    with later(6):
        assert worker_client.get(reverse("clients:erase", args=[person.code])).status_code == 403
        assert worker_client.get(reverse("clients:transfer", args=[person.code])).status_code == 403


def test_with_an_authenticator_both_the_password_and_a_code_are_needed(
    supervisor_client: HttpClient, supervisor: User, person: Client
) -> None:
    device = authenticator_for(supervisor)
    erase = reverse("clients:erase", args=[person.code])
    with later(6) as clock:
        page = supervisor_client.get(confirm_url(erase)).content.decode()
        assert "Your password" in page and "The 6-digit code your authenticator app shows now" in page
        for answer in (
            {"password": TEST_PASSWORD},  # the password alone
            {"password": "", "code": code_for(device)},  # the code alone
            {"password": "not-my-password", "code": code_for(device)},  # a wrong password with a right code
            {"password": TEST_PASSWORD, "code": "000000"},  # a wrong code
        ):
            response = supervisor_client.post(CONFIRM, {**answer, "next": erase})
            assert response.status_code == 200
            assert supervisor_client.get(erase)["Location"] == confirm_url(erase)
        clock.shift(timedelta(seconds=5))  # django-otp waits a moment after a wrong code
        supervisor_client.post(CONFIRM, {"password": TEST_PASSWORD, "code": code_for(device), "next": erase})
        assert supervisor_client.get(erase).status_code == 200
    assert AuditEvent.objects.get(action=AuditEvent.Action.REAUTHENTICATED).details == {"with": "password+code"}
    # Two of the four wrong answers reached the check (the others were incomplete forms).
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, actor_id=supervisor.pk).count() == 2


def test_a_wrong_answer_is_refused_and_counted(supervisor_client: HttpClient, supervisor: User) -> None:
    response = supervisor_client.post(CONFIRM, {"password": "not-my-password", "next": "/"})
    assert response.status_code == 200
    assert "That password did not match" in response.content.decode()
    failure = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert (failure.actor_id, failure.details) == (supervisor.pk, {"step": "confirm"})


def test_five_wrong_answers_sign_out_and_pause(supervisor_client: HttpClient, supervisor: User) -> None:
    for _ in range(5):
        response = supervisor_client.post(CONFIRM, {"password": "not-my-password", "next": "/"})
    assert response["Location"] == reverse("accounts:sign_in")
    assert supervisor_client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT, actor_id=supervisor.pk).count() == 1


def test_confirm_only_goes_back_within_the_site(worker_client: HttpClient) -> None:
    response = worker_client.post(CONFIRM, {"password": TEST_PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")


# The system admin's changes to users, teams and roles in the Django admin.
ADMIN_PAGES: dict[str, Callable[[User, Membership], str]] = {
    "users": lambda user, membership: reverse("admin:accounts_user_changelist"),
    "a user": lambda user, membership: reverse("admin:accounts_user_change", args=[user.pk]),
    "a user's password": lambda user, membership: reverse("admin:auth_user_password_change", args=[user.pk]),
    "a new user": lambda user, membership: reverse("admin:accounts_user_add"),
    "teams": lambda user, membership: reverse("admin:accounts_team_changelist"),
    "a team": lambda user, membership: reverse("admin:accounts_team_change", args=[membership.team_id]),
    "a membership": lambda user, membership: reverse("admin:accounts_membership_change", args=[membership.pk]),
    "deleting a membership": lambda user, membership: reverse("admin:accounts_membership_delete", args=[membership.pk]),
}


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_every_admin_page_of_users_teams_and_roles_asks_first(
    client: HttpClient, system_admin: User, worker: User, page: str
) -> None:
    membership = worker.memberships.get()  # type: ignore[attr-defined]
    url = ADMIN_PAGES[page](worker, membership)
    client.force_login(system_admin)
    assert client.get(url).status_code == 200
    with later(6):
        assert client.get(url)["Location"] == confirm_url(url)


def test_a_role_change_in_the_admin_is_refused_until_confirmed(
    client: HttpClient, system_admin: User, worker: User
) -> None:
    membership = worker.memberships.get()  # type: ignore[attr-defined]
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    change = {"user": worker.pk, "team": membership.team_id, "role": Membership.Role.SUPERVISOR}
    device = authenticator_for(system_admin)
    client.force_login(system_admin)
    with later(6):
        assert client.post(url, change)["Location"] == confirm_url(url)
        assert Membership.objects.get(pk=membership.pk).role == Membership.Role.WORKER
        client.post(CONFIRM, {"password": TEST_PASSWORD, "code": code_for(device), "next": url})
        assert client.post(url, change).status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == Membership.Role.SUPERVISOR


def test_an_admin_action_on_users_is_refused_until_confirmed(
    client: HttpClient, system_admin: User, worker: User
) -> None:
    other = MembershipFactory.create(user__username="second").user
    changelist = reverse("admin:accounts_user_changelist")
    client.force_login(system_admin)
    with later(6):
        response = client.post(changelist, {"action": "end_all_sessions", "_selected_action": [worker.pk, other.pk]})
        assert response["Location"] == confirm_url(changelist)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SESSIONS_ENDED).exists()
