"""Query counts of who-viewed, erasure and transfer pages: pinned, and the same with 2 rows as with 20."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import append
from clients.models import Alias, Client, SafetyFlag
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def audit_rows(person: Client, rows: int) -> None:
    """`rows` events about the person, each by a different member of staff (so `rows` report lines)."""
    now = timezone.now()
    for i, user in enumerate(UserFactory.create_batch(rows)):
        append(action=AuditEvent.Action.CLIENT_VIEWED, actor_id=user.pk, client_id=person.pk, at=now - i * MINUTE)


def aliases_and_flags(person: Client, rows: int) -> None:
    Alias.objects.bulk_create(Alias(client=person, name=f"Name {i}") for i in range(rows))
    SafetyFlag.objects.bulk_create(SafetyFlag(client=person, text=f"Flag {i}") for i in range(rows))


def teams(person: Client, rows: int) -> None:
    TeamFactory.create_batch(rows)


# name: (path, how to add rows, pinned count). The counts: session, user, memberships, the
# person (get_client_for_user), then the page's own queries.
PAGES: dict[str, tuple[Callable[[Client], str], Callable[[Client, int], None], int]] = {
    # events, their users, the CLIENT_VIEWED insert
    "who viewed, full list": (lambda p: reverse("clients:viewers", args=[p.code]), audit_rows, 7),
    # grouped events, their users, the VIEWERS_PRINTED insert
    "who viewed, printed report": (lambda p: reverse("clients:viewers_print", args=[p.code]), audit_rows, 7),
    # alias and flag counts
    "erase identifying data": (lambda p: reverse("clients:erase", args=[p.code]), aliases_and_flags, 5),
    # the teams to choose from
    "move to another team": (lambda p: reverse("clients:transfer", args=[p.code]), teams, 5),
}


def count(client: HttpClient, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(page_name: str, supervisor_client: HttpClient, person: Client) -> None:
    path, grow, pinned = PAGES[page_name]
    grow(person, 2)
    with_two = count(supervisor_client, path(person))
    grow(person, 18)
    with_twenty = count(supervisor_client, path(person))
    assert (with_two, with_twenty) == (pinned, pinned)


def test_the_supervisors_person_page_is_constant_as_the_trail_grows(
    supervisor_client: HttpClient, person: Client, supervisor: User
) -> None:
    """The whole page (other features' sections included) costs the same with 2 and 20 events;
    this section's own share is pinned in test_viewers (two queries)."""
    path = reverse("clients:detail", args=[person.code])
    audit_rows(person, 2)
    with_two = count(supervisor_client, path)
    audit_rows(person, 18)
    assert count(supervisor_client, path) == with_two
