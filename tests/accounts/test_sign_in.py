import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("accounts:sign_in")


def test_signing_in_is_audited_and_rotates_the_session(client: HttpClient, worker: User) -> None:
    client.get(URL)
    before = client.session.session_key
    response = client.post(URL, {"username": "worker", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session.session_key != before
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert (event.actor_id, event.ip) == (worker.pk, "10.0.0.7")


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client: HttpClient, worker: User) -> None:
    wrong_password = client.post(URL, {"username": "worker", "password": "not-the-password"})
    unknown_user = client.post(URL, {"username": "nobody", "password": "not-the-password"})
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED).order_by("at")
    assert [event.actor_id for event in events] == [worker.pk, None]


def test_the_failed_username_and_password_never_reach_the_audit_trail(client: HttpClient, worker: User) -> None:
    client.post(URL, {"username": "my-secret-typo", "password": "hunter2-hunter2"})
    stored = AuditEvent.objects.values_list("object_type", "object_id", "request_id")
    assert "my-secret-typo" not in str(list(stored))


def test_next_is_followed_only_within_the_site(client: HttpClient, worker: User) -> None:
    inside = client.post(f"{URL}?next=/people/", {"username": "worker", "password": TEST_PASSWORD})
    assert inside["Location"] == "/people/"
    client.logout()
    outside = client.post(f"{URL}?next=https://evil.example/", {"username": "worker", "password": TEST_PASSWORD})
    assert outside["Location"] == reverse("core:home")


def test_sign_out_is_post_only_audited_and_clears_the_browser(worker_client: HttpClient, worker: User) -> None:
    assert worker_client.get(reverse("accounts:sign_out")).status_code == 405
    response = worker_client.post(reverse("accounts:sign_out"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert {name for name, cookie in response.cookies.items() if cookie["max-age"] == 0} >= {"sessionid", "csrftoken"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_OUT, actor_id=worker.pk).exists()
    assert worker_client.get(reverse("core:home")).status_code == 302


def test_anonymous_users_are_sent_to_sign_in(client: HttpClient) -> None:
    response = client.get(reverse("clients:list"))
    assert response["Location"] == f"{URL}?next=/people/"


def test_signed_in_pages_are_not_cached(worker_client: HttpClient) -> None:
    response = worker_client.get(reverse("core:home"))
    assert response["Cache-Control"] == "no-store"


def test_pages_carry_a_strict_content_security_policy(client: HttpClient) -> None:
    policy = client.get(URL)["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
