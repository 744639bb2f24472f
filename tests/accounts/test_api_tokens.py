"""Personal access tokens: made on the user's own page, shown once, stored hashed, revocable, audited."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import create_api_token, revoke_api_token
from accounts.tokens import usable_token
from audit.models import AuditEvent
from core.errors import Invalid, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def test_the_secret_is_stored_only_as_its_hash(worker: User) -> None:
    token, secret = create_api_token(actor=worker, name="Health department", scope="read", days=30)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.token_hash, stored.prefix, stored.name}
    assert secret.startswith(stored.prefix)
    assert usable_token(secret) == stored


def test_a_token_lives_at_most_90_days(worker: User) -> None:
    with pytest.raises(Invalid):
        create_api_token(actor=worker, name="x", scope="read", days=91)
    token, _secret = create_api_token(actor=worker, name="x", scope="read", days=90)
    assert token.expires_at - token.created_at == timedelta(days=90)


def test_an_expired_token_stops_working(worker: User) -> None:
    _token, secret = create_api_token(actor=worker, name="x", scope="read", days=7)
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        assert usable_token(secret) is None


def test_only_team_members_may_make_a_token_that_writes(data_admin: User, system_admin: User) -> None:
    with pytest.raises(Invalid):
        create_api_token(actor=data_admin, name="x", scope="write", days=7)
    with pytest.raises(PermissionDenied):
        create_api_token(actor=system_admin, name="x", scope="read", days=7)
    token, _secret = create_api_token(actor=data_admin, name="figures", scope="read", days=7)
    assert token.scope == "read"


def test_revoking_stops_the_token_at_once_and_is_audited(worker: User) -> None:
    token, secret = create_api_token(actor=worker, name="x", scope="write", days=30)
    revoke_api_token(actor=worker, token_id=token.pk)
    assert usable_token(secret) is None
    actions = list(AuditEvent.objects.filter(object_id=str(token.pk)).values_list("action", flat=True).order_by("id"))
    assert actions == [AuditEvent.Action.API_TOKEN_CREATED, AuditEvent.Action.API_TOKEN_REVOKED]


def test_nobody_revokes_another_users_token(worker: User, supervisor: User) -> None:
    token, secret = create_api_token(actor=worker, name="x", scope="read", days=30)
    with pytest.raises(NotFound):
        revoke_api_token(actor=supervisor, token_id=token.pk)
    assert usable_token(secret) is not None


def test_a_deactivated_users_token_stops_working(worker: User) -> None:
    _token, secret = create_api_token(actor=worker, name="x", scope="read", days=30)
    User.objects.filter(pk=worker.pk).update(is_active=False)
    assert usable_token(secret) is None


def test_the_page_shows_a_new_token_once_and_lists_it_with_its_last_use(worker_client: HttpClient) -> None:
    url = reverse("accounts:api_tokens")
    made = worker_client.post(url, {"name": "Health department", "scope": "read", "days": "30"})
    secret = made.context["secret"]
    assert secret in made.content.decode()
    listed = worker_client.get(url).content.decode()
    assert "Health department" in listed
    assert secret not in listed
    assert "Never used." in listed
    assert worker_client.get(reverse("api:me"), headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert "Last used" in worker_client.get(url).content.decode()


def test_the_page_revokes_a_token(worker: User, worker_client: HttpClient) -> None:
    token, secret = create_api_token(actor=worker, name="Old system", scope="read", days=30)
    response = worker_client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert "Revoked" in worker_client.get(reverse("accounts:api_tokens")).content.decode()
    assert usable_token(secret) is None
