"""Query counts of the exports pages, pinned, the same with 2 and with 20 exports (and teams)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from exports.models import Export
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def grow(user: User, rows: int) -> Export:
    """`rows` finished exports of this admin, each with a summary per file, and `rows` teams."""
    TeamFactory.create_batch(rows)
    latest = None
    month = timezone.localdate().replace(day=1)
    for _ in range(rows):
        latest = Export.objects.create(
            created_by=user, datasets=["contacts", "aggregate"], team_ids=[], first_month=month, last_month=month,
            status=Export.Status.DONE, finished_at=timezone.now(), expires_at=timezone.now() + timedelta(days=7),
            file_name="x.zip", summary={"contacts": {"file": "contacts.csv", "rows": 5, "privacy": {"k_achieved": 11}}},
        )  # fmt: skip
    assert latest is not None
    return latest


PAGES: dict[str, tuple[str, Callable[[Export], str], dict[str, str] | None, dict[str, str], int]] = {
    # name: (method, path, data, headers, pinned): session, user, my exports, teams (the form's choices);
    # the detail page: the export, its teams' names; the service types once for the contacts' columns.
    "exports": ("get", lambda e: reverse("exports:export_list"), None, {}, 6),
    "review": ("post", lambda e: reverse("exports:export_start"), None, {}, 6),
    "detail": ("get", lambda e: reverse("exports:export_detail", args=[e.pk]), None, {}, 4),
    "detail, htmx status": (
        "get",
        lambda e: reverse("exports:export_detail", args=[e.pk]),
        None,
        {"HX-Request": "true"},
        4,
    ),
}


def count(client: HttpClient, method: str, path: str, data: dict[str, str] | None, headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data or {}, headers=headers)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(page_name: str, client: HttpClient, data_admin: User) -> None:
    client.force_login(data_admin)
    method, path, data, headers, pinned = PAGES[page_name]
    if page_name == "review":
        data = {"review": "1", "datasets": ["contacts"], "start": "2025-01", "end": "2025-02", "k": "11"}  # type: ignore[dict-item]
    export = grow(data_admin, 2)
    with_two = count(client, method, path(export), data, headers)
    export = grow(data_admin, 18)
    with_twenty = count(client, method, path(export), data, headers)
    assert (with_two, with_twenty) == (pinned, pinned)
