"""The team dashboard's vaccinations (health/vaccination_figures.py): doses the team gave and
people vaccinated per vaccine over the period (and for one worker), equal to a count written
directly in SQL here, and printed as the dashboard's rule (dashboards/pages.py `show_all`, the
team's own figures) makes of it. The team's own vaccines show by the team's name for them;
another team's never do."""

import re
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from clients.models import Client
from core.dates import add_months
from dashboards.forms import worker_token
from dashboards.pages import show_all
from health.models import TeamVaccine
from health.services.prevention import VaccinationAtContact, record_vaccination
from health.vaccination_figures import team_vaccinations
from tests.contacts import log_contact
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# The same question asked another way: per vaccine (a team's own by its name), the doses the
# team gave in the period and the people given them.
DIRECT = """
SELECT coalesce(tv.name, v.vaccine), count(v.id), count(DISTINCT v.client_id)
  FROM health_vaccination AS v LEFT JOIN health_teamvaccine AS tv ON tv.id = v.team_vaccine_id
 WHERE v.team_id = %(team)s AND v."where" = 'by_team' AND v.given_on BETWEEN %(first)s AND %(last)s
 GROUP BY 1
"""
LABELS = {"hep_a": "Hepatitis A", "hep_b": "Hepatitis B", "tetanus": "Tetanus", "flu": "Flu", "covid": "COVID-19"}


def doses(*given: tuple[str, int] | tuple[str, int, str] | TeamVaccine) -> dict[str, Any]:
    """A contact's vaccinations part: (vaccine, dose[, where]) or a team's vaccine (dose 1)."""
    return {
        "vaccinations": tuple(
            VaccinationAtContact("other", 1, team_vaccine_id=item.pk)
            if isinstance(item, TeamVaccine)
            else VaccinationAtContact(*item)
            for item in given
        )
    }


@pytest.fixture
def given(worker: User, supervisor: User, outsider: User, team: Team, other_team: Team, person: Client) -> None:
    """This month: Robin (`person`) hepatitis B dose 1 and the team's meningitis vaccine (the
    worker), then hepatitis B dose 2 (the supervisor); Ana hepatitis B dose 1, the team's rabies
    vaccine, and tetanus noted as given elsewhere (the worker); COVID-19 for Robin noted on his
    record, outside a contact, by the supervisor. Last year: Ana, flu. Another team: hepatitis B
    and a vaccine of its own. Rabies is retired since, and cholera was retired unused."""
    now = timezone.now().replace(microsecond=0)
    ana = ClientFactory.create(home_team=team)
    meningitis = TeamVaccine.objects.create(team=team, name="Meningitis ACWY", doses=1)
    rabies = TeamVaccine.objects.create(team=team, name="Rabies", doses=3)
    TeamVaccine.objects.create(team=team, name="Cholera", doses=2, is_active=False)
    theirs = TeamVaccine.objects.create(team=other_team, name="Typhoid by the river", doses=1)
    log_contact(worker, person, happened_at=now, parts=doses(("hep_b", 1), meningitis))
    log_contact(supervisor, person, happened_at=now, parts=doses(("hep_b", 2)))
    log_contact(worker, ana, happened_at=now, parts=doses(("hep_b", 1), rabies, ("tetanus", 1, "elsewhere")))
    log_contact(worker, ana, happened_at=now - timedelta(days=400), parts=doses(("flu", 1)))
    record_vaccination(actor=supervisor, client=person, vaccine="covid", dose=1, given_on=timezone.localdate())
    river = ClientFactory.create(home_team=other_team)
    log_contact(outsider, river, happened_at=now, parts=doses(("hep_b", 1), theirs))
    rabies.is_active = False
    rabies.save()


def this_month() -> tuple[date, date]:
    month = timezone.localdate().replace(day=1)
    return month, add_months(month, 1)


def table_of(page: str) -> str:
    return unescape(page).split('id="vaccinations-caption"', 1)[1].split("</table>", 1)[0]


def cells_of(table: str, label: str) -> list[str]:
    row = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", table, re.S)
    assert row is not None, label
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_the_figures_equal_a_direct_count_and_the_page_prints_them_as_the_rule_makes_them(
    given: None, supervisor_client: HttpClient, team: Team
) -> None:
    first, after = this_month()
    figures = {row.label: (row.doses, row.people) for row in team_vaccinations({team.pk: "North"}, first, after)}
    with connection.cursor() as cursor:
        cursor.execute(DIRECT, {"team": team.pk, "first": first, "last": after - timedelta(days=1)})
        direct = {LABELS.get(name, name): (count, people) for name, count, people in cursor.fetchall()}

    assert figures == {
        "Hepatitis A": (0, 0),
        "Hepatitis B": (3, 2),  # Robin twice, Ana once
        "Tetanus": (0, 0),  # given elsewhere: noted, not the team's dose
        "Flu": (0, 0),  # last year's not counted
        "COVID-19": (1, 1),  # noted on the record, outside a contact
        "Meningitis ACWY": (1, 1),  # the team's own, by its name
        "Rabies": (1, 1),  # retired since, shown: it was given
    }  # cholera, retired unused: not shown; another team's vaccine: never
    assert direct == {label: counts for label, counts in figures.items() if counts != (0, 0)}

    month = f"{first:%Y-%m}"
    response = supervisor_client.get(
        reverse("dashboards:dashboard"), {"period": "custom", "start": month, "end": month}
    )
    table = table_of(response.content.decode())
    for label, (count, people) in figures.items():
        assert cells_of(table, label) == [str(show_all(count)), str(show_all(people))]
    assert "Cholera" not in table and "Typhoid" not in table
    assert table.count('<th scope="row">Hepatitis B</th>') == 1


def test_one_workers_doses_are_those_at_their_contacts(
    given: None, supervisor_client: HttpClient, worker: User, team: Team
) -> None:
    first, after = this_month()
    figures = {
        row.label: (row.doses, row.people)
        for row in team_vaccinations({team.pk: "North"}, first, after, worker_id=worker.pk)
    }
    # Not the supervisor's second dose for Robin, nor the COVID-19 dose the supervisor noted.
    assert (figures["Hepatitis B"], figures["COVID-19"], figures["Meningitis ACWY"]) == ((2, 2), (0, 0), (1, 1))

    month = f"{first:%Y-%m}"
    data = {"period": "custom", "start": month, "end": month, "worker": worker_token(worker.pk)}
    table = table_of(supervisor_client.get(reverse("dashboards:dashboard"), data).content.decode())
    assert cells_of(table, "Hepatitis B") == ["2", "2"]
    assert cells_of(table, "COVID-19") == ["0", "0"]


def test_a_supervisor_of_two_teams_sees_each_teams_vaccines_under_its_name(
    given: None, client: HttpClient, supervisor: User, team: Team, other_team: Team
) -> None:
    MembershipFactory.create(team=other_team, user=supervisor, role=Membership.Role.SUPERVISOR)
    client.force_login(supervisor)
    month = f"{this_month()[0]:%Y-%m}"
    response = client.get(reverse("dashboards:dashboard"), {"period": "custom", "start": month, "end": month})
    table = table_of(response.content.decode())
    assert cells_of(table, "Hepatitis B · North") == ["3", "2"]
    assert cells_of(table, "Hepatitis B · River") == ["1", "1"]
    assert cells_of(table, "Typhoid by the river · River") == ["1", "1"]
    assert cells_of(table, "Meningitis ACWY · North") == ["1", "1"]
