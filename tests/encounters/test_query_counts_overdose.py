"""Query counts of the overdose response pages: pinned, and the same with 2 rows as with 20.

Every page: session, user, memberships (3), then its own queries.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team
from clients.models import Client
from encounters.models import OverdoseResponse
from tests.encounters.referral_factories import OverdoseResponseFactory
from tests.factories import ClientFactory, SiteFactory

pytestmark = pytest.mark.django_db


def grow(team: Team, rows: int) -> None:
    """`rows` more people called Robin (the search finds them), sites, and responses over the year."""
    now = timezone.now()
    for index in range(rows):
        person = ClientFactory.create(home_team=team, preferred_name=f"Robin {index}", last_seen_at=now)
        SiteFactory.create(team=team)
        OverdoseResponseFactory.create(client=person, happened_at=now - timedelta(days=index * 20))


# name: (method, path, data, headers, pinned count)
PAGES: dict[str, tuple[str, Callable[[OverdoseResponse], str], dict[str, Any] | None, dict[str, str], int]] = {
    # sites, the team's recent people
    "record a response": ("get", lambda r: reverse("encounters:overdose_new"), None, {}, 5),
    # sites, matching people, their aliases
    "record a response, find": (
        "post",
        lambda r: reverse("encounters:overdose_new"),
        {"find": "1", "q": "robin", "who": "none"},
        {},
        6,
    ),
    # matching people, their aliases
    "record a response, find (htmx)": (
        "post",
        lambda r: reverse("encounters:overdose_new"),
        {"find": "1", "q": "robin", "who": "none"},
        {"HX-Request": "true"},
        5,
    ),
    # the response (person, site, who recorded it), the CLIENT_VIEWED insert
    "response page": ("get", lambda r: reverse("encounters:overdose_detail", args=[r.pk]), None, {}, 5),
    # counts per month, the latest responses
    "overdose responses (supervisors)": ("get", lambda r: reverse("encounters:overdose_list"), None, {}, 5),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(
    page_name: str, supervisor_client: HttpClient, team: Team, person: Client
) -> None:
    method, path, data, headers, pinned = PAGES[page_name]
    response = OverdoseResponseFactory.create(client=person)
    counts = []
    for rows in (2, 18):
        grow(team, rows)
        with CaptureQueriesContext(connection) as queries:
            page = getattr(supervisor_client, method)(path(response), data or {}, headers=headers)
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts == [pinned, pinned]
