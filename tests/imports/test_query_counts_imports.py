"""Query counts of the import pages: pinned, and the same with 2 rows as with 20."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Team, User
from imports.models import ImportJob
from tests.factories import ClientFactory, SiteFactory

pytestmark = pytest.mark.django_db


def queries(http: HttpClient, path: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path)
    assert response.status_code == 200
    return len(captured), response.context


def a_file(team: Team, user: User, rows: int) -> ImportJob:
    """A log of `rows` contacts, one in two with a person of the team, one bad row."""
    people = [ClientFactory.create(home_team=team) for _ in range(rows // 2)]
    lines = ["Date,Site,Person,Condoms,Sterile syringes"]
    for n in range(rows):
        code = people[n // 2].code if n % 2 and people else ""
        lines.append(f"2025-06-{1 + n % 28:02d},Plaza,{code},{n + 1},{'lots' if n == 0 else n}")
    content = ("\n".join(lines) + "\n").encode()
    return ImportJob.objects.create(
        team=team, created_by=user, file_type="csv", file_size=len(content), content=content
    )


def test_the_check_costs_the_same_for_a_file_of_2_rows_or_20(
    supervisor_client: HttpClient, supervisor: User, team: Team
) -> None:
    """Session, user, memberships (3); the job (1); the catalogue's names (1), the team's sites,
    people and old codes (3), the services by slug (1); the form's services (1)."""
    SiteFactory.create(team=team, name="Plaza")
    small = a_file(team, supervisor, 2)
    with_two, context = queries(supervisor_client, reverse("imports:import_detail", args=[small.pk]))
    assert len(context["preview"]) == 1 and len(context["row_problems"]) == 1
    large = a_file(team, supervisor, 20)
    with_twenty, context = queries(supervisor_client, reverse("imports:import_detail", args=[large.pk]))
    assert len(context["preview"]) == 10 and len(context["row_problems"]) == 1
    assert with_two == with_twenty == 10


def test_the_list_of_imports_costs_the_same_with_2_or_20(
    supervisor_client: HttpClient, supervisor: User, team: Team
) -> None:
    """Session, user, memberships (3); the form's teams (1); the user's imports with their teams (1)."""
    for _ in range(2):
        a_file(team, supervisor, 1)
    with_two, context = queries(supervisor_client, reverse("imports:import_list"))
    assert len(context["imports"]) == 2
    for _ in range(18):
        a_file(team, supervisor, 1)
    with_twenty, context = queries(supervisor_client, reverse("imports:import_list"))
    assert len(context["imports"]) == 20
    assert with_two == with_twenty == 5


def test_the_progress_costs_the_same_whatever_the_file(
    supervisor_client: HttpClient, supervisor: User, team: Team
) -> None:
    """Session, user, memberships (3); the job (1)."""
    counts = []
    for rows in (2, 20):
        job = a_file(team, supervisor, rows)
        ImportJob.objects.filter(pk=job.pk).update(status="running", rows_total=rows)
        count, _context = queries(supervisor_client, reverse("imports:import_detail", args=[job.pk]))
        counts.append(count)
    assert counts == [4, 4]
