"""Query counts of the sign-in and security pages, pinned, the same with 2 rows as with 20
(recovery codes, audit events, teams and other sessions of the user)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RecoveryCode, User
from audit.models import AuditEvent
from audit.services import record
from tests.factories import TEST_PASSWORD, TeamFactory
from tests.totp import authenticator_for

pytestmark = pytest.mark.django_db


def grow(user: User, rows: int) -> None:
    start = RecoveryCode.objects.filter(user=user).count()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=f"{start + n:064x}") for n in range(rows))
    for _ in range(rows):
        record(action=AuditEvent.Action.SIGN_IN, actor=user)
        TeamFactory.create()
        HttpClient().force_login(user)


def signed_in(user: User) -> HttpClient:
    client = HttpClient()
    client.force_login(user)
    return client


def pending(user: User) -> HttpClient:
    client = HttpClient()
    client.post(reverse("accounts:sign_in"), {"username": user.username, "password": TEST_PASSWORD})
    return client


# name: (who, how the client gets there, url name, pinned count). Signed-in pages: session,
# user and memberships (the navigation) come first. Counted on a second visit: the first visit
# of a set-up page also stores the new key (one INSERT).
PAGES: dict[str, tuple[str, Callable[[User], HttpClient], str, int]] = {
    "sign-in": ("supervisor", lambda user: HttpClient(), "accounts:sign_in", 0),
    # session, pending user
    "code": ("supervisor", pending, "accounts:sign_in_code", 2),
    # session, pending user, a confirmed authenticator? (none), the one being set up
    "first set-up": ("worker_by_setting", pending, "accounts:sign_in_set_up", 4),
    # + authenticator, recovery codes left
    "security": ("supervisor", signed_in, "accounts:security", 5),
    # + authenticator (a code is asked for only when there is one)
    "confirm": ("supervisor", signed_in, "accounts:confirm", 4),
    # + the one being set up
    "new authenticator": ("supervisor", signed_in, "accounts:new_authenticator", 4),
    # + authenticator, recovery codes left
    "recovery codes": ("supervisor", signed_in, "accounts:recovery_codes", 5),
}


def count(client: HttpClient, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.get("Location")
    return len(queries)


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(
    page_name: str, supervisor: User, worker: User, settings: pytest.FixtureRequest
) -> None:
    who, client_for, name, pinned = PAGES[page_name]
    if who == "worker_by_setting":
        settings.ALONGSIDE_WORKER_2FA = True  # type: ignore[attr-defined]
        user = worker
    else:
        user = supervisor
        authenticator_for(user)
    grow(user, 2)
    with_two = count(client_for(user), reverse(name))
    grow(user, 18)
    with_twenty = count(client_for(user), reverse(name))
    assert (with_two, with_twenty) == (pinned, pinned)
