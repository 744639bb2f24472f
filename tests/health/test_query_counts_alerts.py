"""Query counts of the pages that show bad-batch alerts: pinned, the same with 2 alerts as with 20."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from health.models import Alert

pytestmark = pytest.mark.django_db


def grow(team: Team, supervisor: User, alerts: int) -> None:
    for index in range(alerts):
        alert = Alert.objects.create(
            description_en=f"Batch {index}",
            area="Centre",
            status="posted",
            expires_at=timezone.now() + timedelta(days=1),
            created_by=supervisor,
            posted_at=timezone.now(),
            posted_by=supervisor,
        )
        alert.teams.set([team])


# name: (path, pinned count)
PAGES: dict[str, tuple[Callable[[], str], int]] = {
    # session, user, memberships (3), the alerts with their teams (2), the form's teams
    "alerts": (lambda: reverse("health:alert_list"), 6),
    # session, user, memberships (3), the alerts for the user's teams (1), items below their
    # reorder level (core/notices.py: 1)
    "home": (lambda: reverse("core:home"), 5),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(page_name: str, client: HttpClient, supervisor: User, team: Team) -> None:
    path, pinned = PAGES[page_name]
    client.force_login(supervisor)
    counts, shown = [], []
    for alerts in (2, 18):
        grow(team, supervisor, alerts)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path())
        assert response.status_code == 200
        counts.append(len(queries))
        shown.append(response.content.decode().count("Batch "))
    assert counts == [pinned, pinned]
    assert shown == [2, 20]
