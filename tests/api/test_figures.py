"""The organisation's figures through the API: the protection layer's figures, never raw counts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from dashboards.hierarchy import year_figures
from privacy.models import Release
from tests.dashboards.conftest import Programme, programme  # noqa: F401 (the dashboards' known programme)

pytestmark = pytest.mark.django_db

Api = Callable[..., Any]
PINNED = 8  # queries of a call for figures already built (test_figures_cost_the_same_queries...)


def test_small_counts_come_as_words_not_numbers(
    programme: Programme,  # noqa: F811
    api_as: Callable[[User, str], Api],
    data_admin: User,
    team: Team,
) -> None:
    """North's January to March: every count is 1 to 10, so none is given as a number."""
    body = api_as(data_admin, "read")("get", reverse("api:figures"), period="2026-Q1").json()
    north = next(row for row in body["teams"] if row["team"] == str(team.pk))
    assert north["figures"]["contacts"] == {"value": None, "status": "small", "words": "fewer than 11"}
    assert all(
        figure["value"] is None
        for row in body["teams"]
        for figure in row["figures"].values()
        if figure["status"] in {"small", "withheld", "few_people"}
    )
    assert body["protection"] == {"threshold": 11, "interval": 2}
    for person in (programme.robin, programme.ana, programme.ben, programme.cai):
        assert person.code not in str(body)
        assert (person.preferred_name or "#") not in str(body)


def test_the_api_gives_exactly_what_the_organisation_view_shows(
    programme: Programme,  # noqa: F811
    api_as: Callable[[User, str], Api],
    data_admin: User,
) -> None:
    """The same cached protected figures as the page: together they say nothing more."""
    body = api_as(data_admin, "read")("get", reverse("api:figures"), period="2026-02").json()
    this_month = timezone.localdate().replace(day=1)
    teams = dict(Team.objects.values_list("pk", "name"))
    year = year_figures(2026, teams=teams, before=this_month)
    period = ("month", __import__("datetime").date(2026, 2, 1))
    for row in body["teams"]:
        team = None if row["team"] is None else next(t for t in teams if str(t) == row["team"])
        for measure, figure in row["figures"].items():
            shown = year.get(measure, team, period)
            assert figure["status"] == shown.status
            assert figure["value"] == (float(shown.value) if shown.published and shown.value is not None else None)


def test_each_call_is_in_the_release_register_and_the_audit_trail(
    programme: Programme,  # noqa: F811
    api_as: Callable[[User, str], Api],
    data_admin: User,
) -> None:
    api_as(data_admin, "read")("get", reverse("api:figures"), period="2026-Q1")
    release = Release.objects.get()
    assert (release.actor_id, release.kind, release.parameters["period"], release.parameters["via"]) == (
        data_admin.pk,
        "organisation_view",
        "2026-Q1",
        "api",
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_FIGURES_READ)
    assert (event.actor_id, event.details["period"]) == (data_admin.pk, "2026-Q1")


def test_only_data_admins_get_figures(api_as: Callable[[User, str], Api], supervisor: User) -> None:
    response = api_as(supervisor, "read")("get", reverse("api:figures"))
    assert response.status_code == 403
    assert not Release.objects.exists()


def test_a_period_still_running_is_refused(api_as: Callable[[User, str], Api], data_admin: User) -> None:
    this_month = timezone.localdate().replace(day=1)
    response = api_as(data_admin, "read")("get", reverse("api:figures"), period=f"{this_month:%Y-%m}")
    assert response.status_code == 400
    assert not Release.objects.exists()


def test_figures_cost_the_same_queries_for_2_and_20_teams(api_as: Callable[[User, str], Api], data_admin: User) -> None:
    """Pinned, once the year's figures are built (the organisation view's cache): the token, the
    rate limit, the caller's memberships, the teams, the rollups' version, the cache's key, the
    release register and the audit trail. The topics and vaccines come with the same cached
    figures, at no query more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import TeamFactory

    call = api_as(data_admin, "read")

    def counted() -> int:
        call("get", reverse("api:figures"), period="2026-Q1")  # builds the year (not counted)
        with CaptureQueriesContext(connection) as queries:
            body = call("get", reverse("api:figures"), period="2026-Q1").json()
        assert "vaccines:other" in body["measures"] and "topics:naloxone" in body["measures"]
        return len(queries)

    TeamFactory.create_batch(2)
    few = counted()
    TeamFactory.create_batch(18)
    many = counted()
    assert (few, many) == (PINNED, PINNED)
