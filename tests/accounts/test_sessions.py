"""Sessions: 15 minutes idle (sliding), 12 hours at most, a new key at sign-in, server-side
end at sign-out, all of a user's sessions ended at once by deactivation or a system admin."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RecoveryCode, User, UserSession
from accounts.sessions import end_sessions
from audit.models import AuditEvent
from config.settings import base
from core.context import SystemActor
from tests.factories import TEST_PASSWORD, UserFactory
from tests.totp import authenticator_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:sign_in")
HOME = reverse("core:home")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def sign_in(client: HttpClient, username: str = "worker") -> None:
    response = client.post(LOGIN, {"username": username, "password": TEST_PASSWORD})
    assert response["Location"] == HOME


def status(client: HttpClient, path: str = HOME) -> int:
    return client.get(path).status_code


def test_fifteen_idle_minutes_end_the_session_and_activity_moves_the_limit(client: HttpClient, worker: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        clock.shift(timedelta(minutes=14, seconds=59))
        assert status(client) == 200
        clock.shift(timedelta(minutes=14, seconds=59))  # 30 minutes after signing in
        assert status(client) == 200
        row = UserSession.objects.get(user=worker)
        assert row.expire_date == START + timedelta(minutes=29, seconds=58) + timedelta(minutes=15)
        clock.shift(timedelta(minutes=15))
        response = client.get(reverse("clients:list"))
    assert response["Location"] == f"{LOGIN}?next=/people/"


def test_the_middleware_ends_an_idle_session_even_if_the_row_lives_longer(client: HttpClient, worker: User) -> None:
    """Defence in depth: the row's expiry and the middleware both count the 15 minutes."""
    with override_settings(SESSION_COOKIE_AGE=3600), time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        clock.shift(timedelta(minutes=15))
        response = client.get(HOME)
        assert response["Location"] == f"{LOGIN}?next=/"
        page = client.get(response["Location"]).content.decode()
    assert "signed out after 15 minutes without activity" in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_EXPIRED)
    assert (event.actor_id, event.details) == (worker.pk, {"reason": "idle"})
    assert not UserSession.objects.filter(user=worker).exists()


def test_twelve_hours_end_a_session_however_active(client: HttpClient, worker: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        for _ in range(71):  # a request every 10 minutes until 11 h 50 min
            clock.shift(timedelta(minutes=10))
            assert status(client) == 200
        clock.shift(timedelta(minutes=10))
        response = client.get(HOME)
        assert response.status_code == 302
        assert "a session lasts at most 12 hours" in client.get(response["Location"]).content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_EXPIRED)
    assert (event.actor_id, event.details) == (worker.pk, {"reason": "absolute"})


def test_activity_is_written_at_most_once_a_minute(client: HttpClient, worker: User) -> None:
    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert status(client) == 200
        return sum(1 for query in queries if query["sql"].startswith('UPDATE "accounts_usersession"'))

    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        clock.shift(timedelta(seconds=59))
        assert session_writes() == 0
        clock.shift(timedelta(seconds=1))
        assert session_writes() == 1
        assert session_writes() == 0


def test_signing_in_starts_a_new_session_key_stored_with_the_user(client: HttpClient, worker: User) -> None:
    client.get(LOGIN)
    client.post(LOGIN, {"username": "worker", "password": "not-the-password"})
    anonymous_key = client.session.session_key
    sign_in(client)
    assert client.session.session_key != anonymous_key
    row = UserSession.objects.get(session_key=client.session.session_key)
    assert row.user_id == worker.pk  # type: ignore[attr-defined]
    assert not UserSession.objects.filter(session_key=anonymous_key).exists()


def test_the_production_cookie_is_host_prefixed_secure_http_only_and_lax(client: HttpClient, worker: User) -> None:
    assert (base.SESSION_COOKIE_NAME, base.SESSION_COOKIE_SECURE) == ("__Host-sessionid", True)
    assert (base.SESSION_COOKIE_HTTPONLY, base.SESSION_COOKIE_SAMESITE) == (True, "Lax")
    production = {
        "SESSION_COOKIE_NAME": base.SESSION_COOKIE_NAME,
        "SESSION_COOKIE_SECURE": base.SESSION_COOKIE_SECURE,
        "CSRF_COOKIE_NAME": base.CSRF_COOKIE_NAME,
        "CSRF_COOKIE_SECURE": base.CSRF_COOKIE_SECURE,
    }
    with override_settings(**production):
        response = client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD}, secure=True)
    cookie = response.cookies["__Host-sessionid"]
    assert (cookie["secure"], cookie["httponly"], cookie["samesite"], cookie["path"]) == (True, True, "Lax", "/")
    assert (cookie["domain"], cookie["max-age"], cookie["expires"]) == ("", "", "")  # ends with the browser


def test_sign_out_ends_the_server_session_and_clears_the_browser(client: HttpClient, worker: User) -> None:
    sign_in(client)
    old_key = client.session.session_key
    response = client.post(reverse("accounts:sign_out"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert {name for name, cookie in response.cookies.items() if cookie["max-age"] == 0} >= {"sessionid", "csrftoken"}
    assert not UserSession.objects.filter(session_key=old_key).exists()
    replay = HttpClient()
    replay.cookies["sessionid"] = str(old_key)
    assert status(replay) == 302


def test_ending_all_of_a_user_s_sessions_is_one_delete(worker: User) -> None:
    for _ in range(3):
        sign_in(HttpClient())
    with CaptureQueriesContext(connection) as queries:
        assert end_sessions(actor=SystemActor("test"), user=worker, reason="test") == 3
    deletes = [query["sql"] for query in queries if query["sql"].startswith("DELETE")]
    assert len(deletes) == 1 and "accounts_usersession" in deletes[0]
    assert not UserSession.objects.filter(user=worker).exists()


def admin_client(system_admin: User) -> HttpClient:
    client = HttpClient()
    client.force_login(system_admin)
    return client


def run_action(admin: HttpClient, action: str, user: User) -> None:
    changelist = reverse("admin:accounts_user_changelist")
    response = admin.post(changelist, {"action": action, "_selected_action": [user.pk]})
    assert response.status_code == 302


def test_a_system_admin_ends_all_of_a_user_s_sessions(system_admin: User, worker: User) -> None:
    phone, laptop = HttpClient(), HttpClient()
    sign_in(phone)
    sign_in(laptop)
    run_action(admin_client(system_admin), "end_all_sessions", worker)
    assert status(phone) == status(laptop) == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSIONS_ENDED)
    assert (event.actor_id, event.object_id, event.details) == (
        system_admin.pk,
        str(worker.pk),
        {"reason": "admin", "sessions": 2},
    )


def test_deactivating_a_user_ends_their_sessions_at_once(system_admin: User) -> None:
    user = UserFactory.create(username="leaving")
    phone = HttpClient()
    sign_in(phone, "leaving")
    admin = admin_client(system_admin)
    change = reverse("admin:accounts_user_change", args=[user.pk])
    data = {
        "username": "leaving",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        # is_active left out: unticked
    }
    response = admin.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not UserSession.objects.filter(user=user).exists()
    assert status(phone) == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSIONS_ENDED)
    assert event.details == {"reason": "deactivated", "sessions": 1}


def test_a_system_admin_resets_two_factor_for_a_lost_phone(system_admin: User, supervisor: User) -> None:
    authenticator_for(supervisor)
    RecoveryCode.objects.create(user=supervisor, code_hash="0" * 64)
    run_action(admin_client(system_admin), "reset_two_factor", supervisor)
    assert not supervisor.totpdevice_set.exists()  # type: ignore[attr-defined]
    assert not RecoveryCode.objects.filter(user=supervisor).exists()
    response = HttpClient().post(LOGIN, {"username": "supervisor", "password": TEST_PASSWORD})
    assert response["Location"] == reverse("accounts:sign_in_set_up")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_RESET, object_id=str(supervisor.pk)).exists()


def test_a_system_admin_ends_a_pause_early(client: HttpClient, system_admin: User, worker: User) -> None:
    for _ in range(5):
        client.post(LOGIN, {"username": "worker", "password": "not-the-password"})
    assert client.post(LOGIN, {"username": "worker", "password": TEST_PASSWORD}).status_code == 200
    run_action(admin_client(system_admin), "end_sign_in_pause", worker)
    sign_in(client)


def test_the_admin_has_no_sign_in_of_its_own(client: HttpClient) -> None:
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response["Location"] == f"{LOGIN}?next=/admin/"


def test_an_htmx_request_after_the_session_ended_is_sent_to_sign_in_as_a_whole_page(
    client: HttpClient, worker: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        clock.shift(timedelta(minutes=16))
        response = client.get(reverse("clients:list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{LOGIN}?next=/people/"


def test_clearsessions_removes_expired_rows_of_our_session_table(client: HttpClient, worker: User) -> None:
    with time_machine.travel(START, tick=False):
        sign_in(client)
    fresh = HttpClient()
    sign_in(fresh)
    call_command("clearsessions")
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [fresh.session.session_key]
