"""Two-factor sign-in: TOTP for supervisors, data admins and system admins (workers by
setting or by choice), codes that work once, recovery codes stored hashed, nobody signed in
before the last step."""

import hashlib
import re
from base64 import b32decode
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import login
from django.test import Client as HttpClient
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, RecoveryCode, User, UserSession
from accounts.two_factor import hash_recovery_code
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD
from tests.totp import authenticator_for, code_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:sign_in")
CODE = reverse("accounts:sign_in_code")
SET_UP = reverse("accounts:sign_in_set_up")
HOME = reverse("core:home")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def password_step(client: HttpClient, user: User, next_url: str = "") -> str:
    data = {"username": user.username, "password": TEST_PASSWORD, "next": next_url}
    response = client.post(LOGIN, data)
    assert response.status_code == 302
    return str(response["Location"])


def is_signed_in(client: HttpClient) -> bool:
    return client.get(HOME).status_code == 200


def code_from_key(key_text: str, at: datetime) -> str:
    """What an authenticator app computes from the key typed in by hand."""
    totp = TOTP(b32decode(key_text.replace(" ", "")))
    totp.time = at.timestamp()
    return f"{totp.token():06d}"


@pytest.mark.parametrize("role", ["supervisor", "data_admin", "system_admin"])
def test_these_roles_need_a_code_after_the_password(
    client: HttpClient, role: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(role)
    device = authenticator_for(user)
    before = client.session.session_key
    assert password_step(client, user, "/people/") == CODE
    assert not is_signed_in(client)
    response = client.post(CODE, {"code": code_for(device)})
    assert response["Location"] == "/people/"
    assert is_signed_in(client)
    assert client.session.session_key != before
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert (event.actor_id, event.details) == (user.pk, {"second_factor": "totp"})


def test_a_worker_signs_in_with_the_password_alone_by_default(client: HttpClient, worker: User) -> None:
    assert password_step(client, worker) == HOME
    assert is_signed_in(client)
    assert AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN).details == {"second_factor": "none"}


def test_a_setting_requires_it_of_workers_too(client: HttpClient, worker: User) -> None:
    with override_settings(ALONGSIDE_WORKER_2FA=True):
        assert password_step(client, worker) == SET_UP
        assert not is_signed_in(client)


def test_a_worker_who_set_it_up_is_always_asked(client: HttpClient, worker: User) -> None:
    authenticator_for(worker)
    assert password_step(client, worker) == CODE


def test_a_code_works_only_once(client: HttpClient, supervisor: User) -> None:
    device = authenticator_for(supervisor)
    with time_machine.travel(START, tick=False):
        code = code_for(device)
        password_step(client, supervisor)
        client.post(CODE, {"code": code})
        assert is_signed_in(client)
        other = HttpClient()
        password_step(other, supervisor)
        replay = other.post(CODE, {"code": code})
        assert replay.status_code == 200
        assert "That code did not work" in replay.content.decode()
        assert not is_signed_in(other)
    failure = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert (failure.actor_id, failure.details) == (supervisor.pk, {"step": "code"})


def test_a_wrong_code_keeps_the_person_out(client: HttpClient, supervisor: User) -> None:
    authenticator_for(supervisor)
    password_step(client, supervisor)
    response = client.post(CODE, {"code": "123456"})
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_the_password_step_is_forgotten_after_five_minutes(client: HttpClient, supervisor: User) -> None:
    device = authenticator_for(supervisor)
    with time_machine.travel(START, tick=False) as clock:
        password_step(client, supervisor)
        clock.shift(timedelta(minutes=5))
        response = client.post(CODE, {"code": code_for(device)})
    assert response["Location"] == LOGIN
    assert not is_signed_in(client)


def test_pending_is_not_signed_in_anywhere(client: HttpClient, supervisor: User, person: object) -> None:
    authenticator_for(supervisor)
    password_step(client, supervisor)
    for name in ["core:home", "clients:list", "accounts:security", "admin:index"]:
        assert client.get(reverse(name)).status_code == 302
    assert UserSession.objects.filter(user=supervisor).count() == 0


def test_first_sign_in_sets_up_an_authenticator_with_a_qr_code_and_the_key(
    client: HttpClient, supervisor: User
) -> None:
    with time_machine.travel(START, tick=False):
        assert password_step(client, supervisor) == SET_UP
        page = client.get(SET_UP).content.decode()
        assert 'src="data:image/svg+xml' in page
        assert "<script" not in page.split("<main", 1)[1]
        key = re.search(r'<code[^>]*id="totp-secret"[^>]*>([A-Z2-7 ]+)</code>', page)
        assert key is not None
        assert not is_signed_in(client)
        response = client.post(SET_UP, {"code": code_from_key(key.group(1), START)})
        assert response.status_code == 200
        codes = re.findall(r"<code>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})</code>", response.content.decode())
        assert is_signed_in(client)
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=supervisor).confirmed
    stored = set(RecoveryCode.objects.filter(user=supervisor).values_list("code_hash", flat=True))
    assert stored == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    assert not any(code in str(stored) for code in codes)
    actions = set(AuditEvent.objects.filter(actor_id=supervisor.pk).values_list("action", flat=True))
    assert {"sign_in", "two_factor_set_up", "recovery_codes_made"} <= actions


def test_the_set_up_key_stays_the_same_until_confirmed(client: HttpClient, supervisor: User) -> None:
    password_step(client, supervisor)
    first = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', client.get(SET_UP).content.decode())
    again = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', client.get(SET_UP).content.decode())
    assert first is not None and again is not None
    assert first.group(1) == again.group(1)
    assert TOTPDevice.objects.filter(user=supervisor).count() == 1


def test_a_wrong_first_code_sets_nothing_up(client: HttpClient, supervisor: User) -> None:
    password_step(client, supervisor)
    response = client.post(SET_UP, {"code": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=supervisor, confirmed=True).exists()
    assert not RecoveryCode.objects.exists()
    assert not is_signed_in(client)


def test_a_recovery_code_signs_in_once(client: HttpClient, supervisor: User) -> None:
    authenticator_for(supervisor)
    RecoveryCode.objects.create(user=supervisor, code_hash=hash_recovery_code("abcd-efgh-jkmn-pqrs"))
    RecoveryCode.objects.create(user=supervisor, code_hash=hash_recovery_code("tvwx-yz23-4567-89ab"))
    password_step(client, supervisor)
    response = client.post(CODE, {"code": "ABCD EFGH JKMN PQRS"}, follow=True)
    assert "You used a recovery code: 1 left." in response.content.decode()
    assert AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN).details == {"second_factor": "recovery"}
    other = HttpClient()
    password_step(other, supervisor)
    assert other.post(CODE, {"code": "abcd-efgh-jkmn-pqrs"}).status_code == 200
    assert not is_signed_in(other)


def test_a_worker_promoted_to_supervisor_must_sign_in_again_with_a_second_factor(
    client: HttpClient, worker: User
) -> None:
    password_step(client, worker)
    assert is_signed_in(client)
    Membership.objects.filter(user=worker).update(role=Membership.Role.SUPERVISOR)
    response = client.get(reverse("clients:list"))
    assert response["Location"] == f"{LOGIN}?next=/people/"
    assert "needs two-factor sign-in" in client.get(response["Location"]).content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_EXPIRED)
    assert (event.actor_id, event.details) == (worker.pk, {"reason": "two_factor"})
    assert password_step(client, worker) == SET_UP


def test_a_session_not_started_by_the_sign_in_page_is_refused(client: HttpClient, worker: User) -> None:
    """Any login() but ours (no stamps) is ended at the first request."""
    request = RequestFactory().get("/")
    request.session = client.session
    login(request, worker, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    client.cookies["sessionid"] = str(request.session.session_key)
    assert client.get(HOME)["Location"].startswith(LOGIN)


def test_a_worker_can_turn_it_on_and_make_new_recovery_codes(worker_client: HttpClient, worker: User) -> None:
    page = worker_client.get(reverse("accounts:security")).content.decode()
    assert "Off. You can turn it on" in page
    set_up = worker_client.get(reverse("accounts:new_authenticator")).content.decode()
    key = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', set_up)
    assert key is not None
    code = code_from_key(key.group(1), timezone.now())
    response = worker_client.post(reverse("accounts:new_authenticator"), {"code": code})
    first = re.findall(r"<code>([a-z2-9-]{19})</code>", response.content.decode())
    assert len(first) == 10
    again = worker_client.post(reverse("accounts:recovery_codes"))
    second = re.findall(r"<code>([a-z2-9-]{19})</code>", again.content.decode())
    assert len(second) == 10 and not set(first) & set(second)
    assert RecoveryCode.objects.filter(user=worker).count() == 10
    assert "10 recovery codes left." in worker_client.get(reverse("accounts:security")).content.decode()
    worker_client.post(reverse("accounts:sign_out"))
    assert password_step(worker_client, worker) == CODE


def test_a_new_phone_replaces_the_old_authenticator(supervisor_client: HttpClient, supervisor: User) -> None:
    old = authenticator_for(supervisor)
    page = supervisor_client.get(reverse("accounts:new_authenticator")).content.decode()
    key = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page)
    assert key is not None
    code = code_from_key(key.group(1), timezone.now())
    supervisor_client.post(reverse("accounts:new_authenticator"), {"code": code})
    assert list(TOTPDevice.objects.filter(user=supervisor).values_list("confirmed", flat=True)) == [True]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_authenticator_keys_are_not_in_the_admin(client: HttpClient, system_admin: User) -> None:
    client.force_login(system_admin)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
