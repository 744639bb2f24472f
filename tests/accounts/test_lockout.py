"""Lockout: 5 failed sign-ins in a row pause the account for 15 minutes (never longer, never
for ever), a per-address throttle, one answer for every failure, everything audited."""

import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.forms import SIGN_IN_FAILED
from accounts.models import User
from audit.models import AuditEvent
from audit.services import append
from config.settings import base
from tests.factories import TEST_PASSWORD, UserFactory
from tests.totp import authenticator_for

pytestmark = pytest.mark.django_db

URL = reverse("accounts:sign_in")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Action = AuditEvent.Action


def attempt(client: HttpClient, username: str, password: str, ip: str = "10.0.0.7") -> tuple[int, list[str]]:
    response = client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=ip)
    errors = response.context["form"].non_field_errors() if response.status_code == 200 else []
    return response.status_code, list(errors)


def signed_in(client: HttpClient) -> bool:
    return client.get(reverse("core:home")).status_code == 200


def events(action: str, **filters: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("at", "pk"))


def test_five_failures_pause_the_account_for_fifteen_minutes(client: HttpClient, worker: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            assert attempt(client, "worker", "not-the-password") == (200, [SIGN_IN_FAILED])
        assert events(Action.LOCKED_OUT) == []
        attempt(client, "worker", "not-the-password")
        [locked] = events(Action.LOCKED_OUT)
        assert (locked.actor_id, locked.at, locked.details) == (worker.pk, START, {"minutes": 15})

        # The right password is refused with the same answer as a wrong one.
        assert attempt(client, "worker", TEST_PASSWORD) == (200, [SIGN_IN_FAILED])
        assert not signed_in(client)
        clock.shift(timedelta(minutes=14, seconds=59))
        assert attempt(client, "worker", TEST_PASSWORD) == (200, [SIGN_IN_FAILED])
        refused = events(Action.SIGN_IN_REFUSED, actor_id=worker.pk)
        assert [event.details for event in refused] == [{"reason": "account"}] * 2

        clock.shift(timedelta(seconds=2))
        assert attempt(client, "worker", TEST_PASSWORD)[0] == 302
        assert signed_in(client)
    assert len(events(Action.SIGN_IN_FAILED, actor_id=worker.pk)) == 5


def test_tries_during_the_pause_do_not_make_it_longer(client: HttpClient, worker: User) -> None:
    """Never a permanent lock: attempts while paused are refused and audited, not counted."""
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            attempt(client, "worker", "not-the-password")
        for _ in range(14):
            clock.shift(timedelta(minutes=1))
            attempt(client, "worker", "still-guessing-here")
        clock.shift(timedelta(minutes=1, seconds=1))
        assert attempt(client, "worker", TEST_PASSWORD)[0] == 302
    assert len(events(Action.LOCKED_OUT)) == 1
    assert len(events(Action.SIGN_IN_REFUSED)) == 14


def test_a_success_starts_the_count_again(client: HttpClient, worker: User) -> None:
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            attempt(client, "worker", "not-the-password")
        assert attempt(client, "worker", TEST_PASSWORD)[0] == 302
        client.post(reverse("accounts:sign_out"))
        for _ in range(4):
            attempt(client, "worker", "not-the-password")
        assert attempt(client, "worker", TEST_PASSWORD)[0] == 302
    assert events(Action.LOCKED_OUT) == []


def test_failures_older_than_fifteen_minutes_do_not_count(client: HttpClient, worker: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            attempt(client, "worker", "not-the-password")
        clock.shift(timedelta(minutes=16))
        attempt(client, "worker", "not-the-password")
        assert attempt(client, "worker", TEST_PASSWORD)[0] == 302


def test_unknown_user_wrong_password_and_paused_account_get_one_answer(client: HttpClient, worker: User) -> None:
    with time_machine.travel(START, tick=False):
        wrong_password = attempt(client, "worker", "not-the-password")
        unknown = attempt(client, "nobody-here", "not-the-password")
        for _ in range(4):
            attempt(client, "worker", "not-the-password")
        paused = attempt(client, "worker", TEST_PASSWORD)
    assert wrong_password == unknown == paused == (200, [SIGN_IN_FAILED])


def test_unknown_users_are_never_paused_or_counted_apart(client: HttpClient) -> None:
    """Nothing tells an unknown username from a known one: no pause event, no actor."""
    for _ in range(7):
        assert attempt(client, "nobody-here", "not-the-password") == (200, [SIGN_IN_FAILED])
    assert events(Action.LOCKED_OUT) == []
    assert {event.actor_id for event in events(Action.SIGN_IN_FAILED)} == {None}


def test_an_unknown_user_costs_the_same_hashing_as_a_wrong_password(
    client: HttpClient, worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = MD5PasswordHasher.encode

    def counting_encode(self: MD5PasswordHasher, password: str, salt: str) -> str:
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    attempt(client, "worker", "not-the-password")
    known = len(calls)
    attempt(client, "nobody-here", "not-the-password")
    assert known == len(calls) - known == 1


def test_with_argon2id_an_unknown_user_takes_about_as_long_as_a_wrong_password(
    client: HttpClient, worker: User
) -> None:
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        worker.set_password(TEST_PASSWORD)
        worker.save()

        def timed(username: str) -> float:
            started = time.perf_counter()
            attempt(client, username, "not-the-password", ip=f"10.1.0.{len(username)}")
            return time.perf_counter() - started

        known = statistics.median(timed("worker") for _ in range(3))
        unknown = statistics.median(timed("nobody-here") for _ in range(3))
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_an_address_with_thirty_failures_is_throttled_for_every_account(client: HttpClient, worker: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for number in range(30):
            attempt(client, f"someone-{number}", "not-the-password", ip="10.0.0.9")
        assert attempt(client, "worker", TEST_PASSWORD, ip="10.0.0.9") == (200, [SIGN_IN_FAILED])
        [refused] = events(Action.SIGN_IN_REFUSED)
        assert (refused.ip, refused.details) == ("10.0.0.9", {"reason": "address"})
        # Another address is not affected, and the account itself is not paused.
        assert attempt(HttpClient(), "worker", TEST_PASSWORD, ip="10.0.0.10")[0] == 302
        clock.shift(timedelta(minutes=15, seconds=1))
        assert attempt(client, "worker", TEST_PASSWORD, ip="10.0.0.9")[0] == 302


def test_wrong_codes_count_towards_the_pause(client: HttpClient, supervisor: User) -> None:
    authenticator_for(supervisor)
    with time_machine.travel(START, tick=False):
        assert attempt(client, "supervisor", TEST_PASSWORD)[0] == 302
        for number in range(5):
            response = client.post(reverse("accounts:sign_in_code"), {"code": f"00000{number}"})
        assert response["Location"] == URL
        page = client.get(URL)
        assert "sign-in is paused for 15 minutes" in page.content.decode()
        assert client.get(reverse("accounts:sign_in_code"))["Location"] == URL  # nothing pending any more
        assert attempt(client, "supervisor", TEST_PASSWORD) == (200, [SIGN_IN_FAILED])
    steps = [event.details["step"] for event in events(Action.SIGN_IN_FAILED, actor_id=supervisor.pk)]
    assert steps == ["code"] * 5
    assert len(events(Action.LOCKED_OUT, actor_id=supervisor.pk)) == 1


def test_every_sign_in_failure_pause_and_sign_out_is_audited(client: HttpClient) -> None:
    user = UserFactory.create(username="casey")
    with time_machine.travel(START, tick=False):
        attempt(client, "casey", TEST_PASSWORD)
        client.post(reverse("accounts:sign_out"))
        for _ in range(5):
            attempt(client, "casey", "not-the-password")
        attempt(client, "casey", TEST_PASSWORD)
    actions = list(AuditEvent.objects.filter(actor_id=user.pk).order_by("pk").values_list("action", flat=True))
    assert actions == [
        Action.SIGN_IN,
        Action.SIGN_OUT,
        *[Action.SIGN_IN_FAILED] * 5,
        Action.LOCKED_OUT,
        Action.SIGN_IN_REFUSED,
    ]


def future_event(action: str, user: User, *, minutes: int, ip: str | None = None) -> None:
    """An event stamped ahead of this server's clock (a node with a fast clock, or a bad row)."""
    append(action=action, actor_id=user.pk, ip=ip, at=timezone.now() + timedelta(minutes=minutes))


def test_a_future_dated_pause_does_not_pause_the_account(client: HttpClient, worker: User) -> None:
    future_event(Action.LOCKED_OUT, worker, minutes=60 * 24 * 365)
    assert attempt(client, "worker", TEST_PASSWORD)[0] == 302
    assert events(Action.SIGN_IN_REFUSED) == []


def test_future_dated_failures_count_for_nothing(client: HttpClient, worker: User) -> None:
    for _ in range(10):
        future_event(Action.SIGN_IN_FAILED, worker, minutes=5, ip="10.0.0.7")
    attempt(client, "worker", "not-the-password")
    assert events(Action.LOCKED_OUT) == []
    assert attempt(client, "worker", TEST_PASSWORD)[0] == 302


def test_a_future_dated_success_does_not_hide_failures(client: HttpClient, worker: User) -> None:
    """Nor does a success stamped in the future reset the count: five real failures still pause."""
    future_event(Action.SIGN_IN, worker, minutes=10)
    for _ in range(5):
        attempt(client, "worker", "not-the-password")
    assert len(events(Action.LOCKED_OUT)) == 1
    assert attempt(client, "worker", TEST_PASSWORD) == (200, [SIGN_IN_FAILED])


def test_end_the_pause_works_even_with_future_dated_events(
    client: HttpClient, worker: User, system_admin: User
) -> None:
    """A real pause, plus a pause and failures stamped an hour ahead: the admin's action ends it."""
    for _ in range(5):
        attempt(client, "worker", "not-the-password")
    future_event(Action.LOCKED_OUT, worker, minutes=60)
    future_event(Action.SIGN_IN_FAILED, worker, minutes=61)
    assert attempt(client, "worker", TEST_PASSWORD) == (200, [SIGN_IN_FAILED])

    admin = HttpClient()
    admin.force_login(system_admin)
    changelist = reverse("admin:accounts_user_changelist")
    response = admin.post(changelist, {"action": "end_sign_in_pause", "_selected_action": [worker.pk]}, follow=True)
    assert "Sign-in pause ended." in response.content.decode()
    assert attempt(client, "worker", TEST_PASSWORD)[0] == 302


def test_the_pause_and_its_end_follow_the_order_events_were_written(client: HttpClient, worker: User) -> None:
    """The unlock is written after the pause it ends: it ends it even if its stamp is earlier
    (the node that wrote it had a slower clock)."""
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            attempt(client, "worker", "not-the-password")
        clock.shift(timedelta(minutes=-2))  # the admin's node is two minutes behind
        append(action=Action.SIGN_IN_UNLOCKED, actor_id=worker.pk)
        clock.shift(timedelta(minutes=3))
        assert attempt(client, "worker", TEST_PASSWORD)[0] == 302
