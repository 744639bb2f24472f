"""How goal attainment changed over the period: on the supervisors' dashboard as it is, in
the organisation view through the protection layer (dashboards/attainment.py, hierarchy.py).

Known data, on top of North's programme (tests/dashboards/conftest.py), January to March 2026,
one goal each with levels (T-score of one goal at level x: 50 + 10x):
  Robin  Dec 10: 0, Feb 10: +1      start 50, end 60: rose
  Dee    Dec 10: +1, Mar 5: -1      start 60, end 40: did not rise
  Ana    Feb 12: -1 only            rated in the period, nothing before it to compare
  Ben    Dec 12: +2 only            nothing rated in the period: not counted
  Cai (River) Feb 1: 0 -> +2        another team: never in North's figures
So: 3 people, 2 compared, mean T-score 55.0 at the start and 50.0 at the end, 1 rose.
"""

from collections.abc import Iterator
from datetime import date, datetime, time

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from clients.models import Client
from dashboards import rollups
from tests.factories import ClientFactory
from tests.goals.factories import GoalFactory, ReviewFactory

from .conftest import Programme, at

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboards:dashboard")
ORGANISATION = reverse("dashboards:organisation")
JANUARY_TO_MARCH = {"period": "custom", "start": "2026-01", "end": "2026-03"}

LEVELS = {
    "gas_much_less": "Sleeping out every night",
    "gas_less": "Inside one or two nights",
    "gas_expected": "Inside most nights",
    "gas_more": "Inside every night",
    "gas_much_more": "A room of my own",
}


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    with translation.override("en"):
        yield


def december(day: int) -> datetime:
    return timezone.make_aware(datetime.combine(date(2025, 12, day), time(12)))


def rated(person: Client, *reviews: tuple[datetime, int]) -> None:
    goal = GoalFactory.create(client=person, created_at=december(1), **LEVELS)
    for when, level in reviews:
        ReviewFactory.create(goal=goal, gas=level, reviewed_at=when)


@pytest.fixture
def attainment(programme: Programme) -> Programme:
    rated(programme.robin, (december(10), 0), (at(2, 10), 1))
    rated(programme.dee, (december(10), 1), (at(3, 5), -1))
    rated(programme.ana, (at(2, 12), -1))
    rated(programme.ben, (december(12), 2))
    rated(programme.cai, (at(2, 1), 0), (at(2, 20), 2))
    rollups.refresh()
    return programme


def sentences(html: str) -> str:
    start = html.index('data-figure="attainment"')
    return html[start : html.index("</div>", start)]


def test_the_dashboard_shows_how_goal_attainment_changed(attainment: Programme, supervisor_client: HttpClient) -> None:
    response = supervisor_client.get(DASHBOARD, JANUARY_TO_MARCH)
    figure = response.context["figures"].attainment
    assert (figure.people, figure.compared, figure.rose) == (3, 2, 1)
    assert (round(figure.mean_start, 3), round(figure.mean_end, 3)) == (55.0, 50.0)
    text = sentences(response.content.decode())
    assert "3 people had a goal level rated in this period." in text
    assert (
        "Of the 2 people who also had one before it, the mean T-score went from 55.0 at the start of the period "
        "to 50.0 at the end; 1 of them rose." in text
    )
    assert "Kiresuk and Sherman, 1968" in response.content.decode()


def test_a_period_with_ratings_but_none_before_it_says_so(attainment: Programme, supervisor_client: HttpClient) -> None:
    """December 2025: Robin, Dee and Ben rated for the first time; nothing before to compare."""
    response = supervisor_client.get(DASHBOARD, {"period": "custom", "start": "2025-12", "end": "2025-12"})
    text = sentences(response.content.decode())
    assert "3 people had a goal level rated in this period." in text
    assert "None of them had a level rated before the period began" in text


def test_a_period_with_no_ratings(programme: Programme, supervisor_client: HttpClient) -> None:
    text = sentences(supervisor_client.get(DASHBOARD, JANUARY_TO_MARCH).content.decode())
    assert "No goal levels were rated in this period." in text


def test_the_dashboard_in_spanish(attainment: Programme, supervisor_client: HttpClient) -> None:
    supervisor_client.cookies["django_language"] = "es"
    text = sentences(supervisor_client.get(DASHBOARD, JANUARY_TO_MARCH).content.decode())
    assert "3 personas" in text
    assert "55,0" in text and "50,0" in text


def test_the_organisation_view_withholds_a_small_number(
    attainment: Programme, client: HttpClient, data_admin: User
) -> None:
    client.force_login(data_admin)
    response = client.get(ORGANISATION, {"period": "2026-Q1"})
    assert response.status_code == 200
    tables = response.context["tables"]
    organisation = tables["teams"].rows[-1]
    headers = response.context["tables"]["teams"].headers[1:]
    people = organisation.cells[headers.index("People with a goal level rated")]
    share = organisation.cells[headers.index("Share whose goal attainment T-score rose")]
    assert (people.status, people.text) == ("small", "fewer than 11")  # 4 people: North's 3 and Cai
    assert (share.status, share.text) == ("small", "fewer than 11")
    # February: Robin, Ana and Cai rated; only Robin had a level before, and rose; none did not.
    people, rose, not_rose, share = tables["attainment"].rows[1].cells
    assert [cell.status for cell in (people, rose, not_rose, share)] == ["small", "small", "zero", "small"]
    assert share.text == "fewer than 11"
    page = response.content.decode()
    assert "People with a goal level rated" in page and "Share whose goal attainment T-score rose" in page
    assert "55.0" not in page  # the dashboards' unprotected mean is never here


def test_the_organisation_view_publishes_a_protected_figure_and_its_share(
    programme: Programme, client: HttpClient, data_admin: User, team: object
) -> None:
    """Twelve people of North each rose from 0 to +1 in February: 12 people (rounded, within 2),
    12 rose and none did not: the share is worked out from those, 1."""
    for _ in range(12):
        person = ClientFactory.create(home_team=programme.robin.home_team)
        rated(person, (december(10), 0), (at(2, 10), 1))
    rollups.refresh()
    client.force_login(data_admin)
    response = client.get(ORGANISATION, {"period": "2026-02"})
    organisation = response.context["tables"]["teams"].rows[-1]
    headers = response.context["tables"]["teams"].headers[1:]
    people = organisation.cells[headers.index("People with a goal level rated")]
    share = organisation.cells[headers.index("Share whose goal attainment T-score rose")]
    assert people.status == "rounded" and abs(int(people.text) - 12) <= 2 and people.note == "rounded"
    assert (share.status, share.figure.value) == ("exact", 1.0)
    cell = response.content.decode()
    assert 'data-privacy="exact"' in cell


def test_the_organisation_view_in_spanish(attainment: Programme, client: HttpClient, data_admin: User) -> None:
    client.force_login(data_admin)
    client.cookies["django_language"] = "es"
    page = client.get(ORGANISATION, {"period": "2026-Q1"}).content.decode()
    assert "menos de 11" in page
    assert "Personas con un nivel de meta valorado" in page
