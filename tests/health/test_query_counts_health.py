"""Query counts of the pages that show a person's tests and cascades: pinned, and the same
with 2 tests (each reactive, with linkage steps) as with 20."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients.models import Client
from health.models import HealthTest, LinkageStep, TeamVaccine, Vaccination

pytestmark = pytest.mark.django_db


def grow(person: Client, worker: User, tests: int) -> None:
    """`tests` more reactive tests of `person`, each with a confirmatory test and linked to care,
    and as many vaccines of the team's own, each with a dose given (shown by name)."""
    on = timezone.localdate() - timedelta(days=30)
    start = TeamVaccine.objects.count()
    for index in range(tests):
        own = TeamVaccine.objects.create(team=person.home_team, name=f"Own vaccine {start + index}", doses=2)
        Vaccination.objects.create(client=person, team=person.home_team, vaccine="other", team_vaccine=own, dose=1,
                                   given_on=on, created_by=worker)  # fmt: skip
        test = HealthTest.objects.create(client=person, team=person.home_team, kind="hiv", method="rapid",
                                         result="reactive", tested_on=on, created_by=worker)  # fmt: skip
        for step in ("confirmed", "linked"):
            LinkageStep.objects.create(test=test, team=person.home_team, step=step, done_on=on, created_by=worker)


# name: (path, pinned count)
PAGES: dict[str, tuple[Callable[[Client], str], int]] = {
    # session, user, memberships (3), the person, the CLIENT_VIEWED insert, open cascades with
    # their steps (2), every test with its steps (2), every vaccine dose with the team's
    # vaccines named (1)
    "health record": (lambda p: reverse("health:person_health", args=[p.code]), 10),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(
    page_name: str, worker_client: HttpClient, worker: User, person: Client
) -> None:
    path, pinned = PAGES[page_name]
    counts, shown = [], []
    for tests in (2, 18):
        grow(person, worker, tests)
        with CaptureQueriesContext(connection) as queries:
            response = worker_client.get(path(person))
        assert response.status_code == 200
        counts.append(len(queries))
        shown.append(response.content.decode().count("Linked to care") + response.content.decode().count("Own vaccine"))
    assert counts == [pinned, pinned]
    assert shown[1] > shown[0]  # the page did show more tests
