"""The small-number rule (dashboards/privacy.py) and the organisation view that applies it."""

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from dashboards import rollups
from dashboards.privacy import Shown, about, count_of_people, protect_parts
from tests.factories import ClientFactory

from .conftest import Programme
from .helpers import check_in, instrument

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:organisation")
JANUARY_TO_MARCH = {"period": "custom", "start": "2026-01", "end": "2026-03"}


@pytest.mark.parametrize(
    ("people", "hidden"), [(0, False), (1, True), (5, True), (10, True), (11, False), (250, False)]
)
def test_a_figure_about_1_to_10_people_is_hidden(people: int, hidden: bool) -> None:
    assert count_of_people(people).hidden is hidden
    assert about(42.5, people=people, decimals=1).hidden is hidden


def test_hidden_figures_say_fewer_than_11_and_shown_ones_their_value() -> None:
    assert str(about(7, people=7)) == "fewer than 11"
    assert str(about(61.0, people=30, decimals=1)) == "61.0"
    assert str(about(None, people=0)) == "–"


def test_one_hidden_part_of_a_total_takes_the_next_smallest_with_it() -> None:
    parts = [count_of_people(n) for n in (40, 5, 20)]
    protected = protect_parts(parts, [40, 5, 20])
    assert [part.hidden for part in protected] == [False, True, True]  # 40 - ? - 20 cannot give the 5

    # Two hidden already: nothing more to hide; a 0 is never the second.
    def hidden(counts: tuple[int, ...]) -> list[bool]:
        return [part.hidden for part in protect_parts([count_of_people(n) for n in counts], counts)]

    assert hidden((3, 4, 30)) == [True, True, False]
    assert hidden((0, 4, 30)) == [False, True, True]
    assert protect_parts([Shown(12, False)], [12]) == [Shown(12, False)]


def test_the_organisation_view_hides_small_figures(programme: Programme, client: HttpClient, data_admin: User) -> None:
    client.force_login(data_admin)
    response = client.get(URL, JANUARY_TO_MARCH)
    assert response.status_code == 200
    tables = response.context["tables"]
    january = tables["wellbeing"].rows[0]
    assert [str(cell) for cell in january.cells] == ["fewer than 11"] * 5  # 4 people (3 North, 1 River)
    assert all(cell.hidden for row in tables["contacts"].rows[:2] for cell in row.cells if cell.value)
    assert all(cell.hidden for row in tables["teams"].rows for cell in row.cells if cell.value)
    # Nothing hidden draws: the charts have no line and no bar where the tables hide.
    charts = response.context["charts"]
    assert charts["wellbeing"].lines[0].segments == [] and charts["contacts"].bars == []


def test_the_organisation_view_names_no_one(programme: Programme, client: HttpClient, data_admin: User) -> None:
    client.force_login(data_admin)
    page = client.get(URL, JANUARY_TO_MARCH).content.decode()
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
    tables = client.get(URL, {"period": "custom", "start": "2026-02", "end": "2026-02"}).context["tables"]
    people, mean, median, lower, upper = tables["wellbeing"].rows[0].cells
    assert not any(cell.hidden for cell in (people, mean, median, lower, upper))
    # Raw scores 8 + (0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5): the sixth of eleven is 8 + 2, times 4.
    assert (people.value, median.value) == (11, 40.0)


@pytest.mark.parametrize("method", ["post", "put"])
def test_only_get(client: HttpClient, data_admin: User, method: str) -> None:
    client.force_login(data_admin)
    assert getattr(client, method)(URL).status_code == 405
