"""The organisation view as a data admin reads it: protected figures only (privacy/,
dashboards/hierarchy.py); tests/privacy plays the attacker against it."""

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from dashboards import rollups
from tests.factories import ClientFactory

from .conftest import Programme
from .helpers import check_in, instrument

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:organisation")
JANUARY_TO_MARCH = {"period": "custom", "start": "2026-01", "end": "2026-03"}  # the old form


def test_the_organisation_view_shows_small_counts_as_fewer_than_11(
    programme: Programme, client: HttpClient, data_admin: User
) -> None:
    """North's January to March: every count is 1 to 10, so every one says so in words."""
    client.force_login(data_admin)
    response = client.get(URL, {"period": "2026-Q1"})
    assert response.status_code == 200
    tables = response.context["tables"]
    january = tables["contacts"].rows[0]
    assert [cell.text for cell in january.cells[:2]] == ["fewer than 11", "fewer than 11"]  # 4 contacts, 1 anonymous
    # Syringes (35) and naloxone kits (1) from 3 and 1 people: judged by who received them.
    assert [cell.status for cell in january.cells[2:]] == ["few_people", "few_people"]
    assert all(cell.status in {"small", "zero", "few_people"} for row in tables["teams"].rows for cell in row.cells)
    page = response.content.decode()
    assert 'data-privacy="small"' in page and "fewer than 11" in page
    assert "within 2 of the true number" in page


def test_the_organisation_view_offers_complete_periods_only(
    programme: Programme, client: HttpClient, data_admin: User
) -> None:
    client.force_login(data_admin)
    form = client.get(URL).context["form"]
    offered = [value for value, _label in form.fields["period"].choices]
    this_month = timezone.localdate().replace(day=1)
    assert f"{this_month:%Y-%m}" not in offered  # a month still running is never shown
    assert "2026-Q1" in offered and "2026-03" in offered
    # A range of months is not a period it takes: the default is shown instead.
    response = client.get(URL, JANUARY_TO_MARCH)
    assert response.context["period_code"] != "2026-01"


def test_every_view_is_noted_in_the_release_register(
    programme: Programme, client: HttpClient, data_admin: User
) -> None:
    from privacy.models import Release

    client.force_login(data_admin)
    client.get(URL, {"period": "2026-Q1"})
    release = Release.objects.get()
    assert (release.actor_id, release.kind, release.parameters["period"]) == (
        data_admin.pk,
        "organisation_view",
        "2026-Q1",
    )
    assert set(release.parameters) == {"period", "teams"}  # parameters, never figures


def test_the_organisation_view_names_no_one(programme: Programme, client: HttpClient, data_admin: User) -> None:
    client.force_login(data_admin)
    page = client.get(URL, {"period": "2026-Q1"}).content.decode()
    for person in (programme.robin, programme.ana, programme.ben, programme.dee, programme.cai):
        assert person.preferred_name not in page and person.code not in page
    for username in ("worker", "supervisor", "outsider"):
        user = User.objects.get(username=username)
        assert user.first_name not in page
    assert "North" in page and "River" in page  # teams are named


def test_eleven_people_are_enough_to_show_a_month(team: Team, client: HttpClient, data_admin: User) -> None:
    who5 = instrument("who5")
    when = timezone.make_aware(datetime.combine(date(2026, 2, 10), time(12)))
    for index in range(11):
        person = ClientFactory.create(home_team=team)
        check_in(person, who5, [index % 6, 2, 2, 2, 2], at=when + timedelta(hours=index))
    rollups.refresh()
    client.force_login(data_admin)
    tables = client.get(URL, {"period": "2026-02"}).context["tables"]
    people, mean = tables["wellbeing"].rows[0].cells
    assert people.status == "rounded" and 11 <= people.figure.value <= 13
    # Raw scores 8 + (0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4), times 4: a mean of 4 * (8 + 25 / 11).
    assert mean.text == "41.1"


@pytest.mark.parametrize("method", ["post", "put"])
def test_the_organisation_view_answers_only_get(client: HttpClient, data_admin: User, method: str) -> None:
    client.force_login(data_admin)
    assert getattr(client, method)(URL).status_code == 405
