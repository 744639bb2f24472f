"""The demo's vaccinations (demo/prevention.py) counted: on the North team's dashboard, per
vaccine with the team's own vaccine by its name, equal to a count written directly in SQL here;
in the organisation view, the doses per built-in vaccine and "Other vaccines" over the latest
complete quarter equal a direct SQL count (before protection), and what the view prints is that
count protected, with no team vaccine's name anywhere on the page."""

import html
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from core.dates import add_months
from dashboards.forms import DEFAULT_MONTHS
from dashboards.hierarchy import QUARTER, build
from dashboards.organisation import Shown
from health.models import TeamVaccine
from health.vaccination_figures import BUILT_IN, OTHER, vaccine_measure

pytestmark = pytest.mark.django_db

# Doses the teams gave in the period per vaccine, a team's own ones together as "other".
ORGANISATION_BY_HAND = """
SELECT vaccine, count(*) FROM health_vaccination
 WHERE "where" = 'by_team' AND given_on >= %s AND given_on < %s
 GROUP BY vaccine
"""
# One team's doses and people per vaccine, its own by name.
TEAM_BY_HAND = """
SELECT coalesce(tv.name, v.vaccine), count(*), count(DISTINCT v.client_id)
  FROM health_vaccination AS v LEFT JOIN health_teamvaccine AS tv ON tv.id = v.team_vaccine_id
 WHERE v.team_id = %s AND v."where" = 'by_team' AND v.given_on >= %s AND v.given_on < %s
 GROUP BY 1
"""


def latest_complete_quarter(today: date) -> tuple[date, date]:
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    first = date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)
    return first, start


def cells_of(page: str, label: str) -> list[str]:
    table = page.split('id="vaccinations-caption"', 1)[1].split("</table>", 1)[0]
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', table, re.S)
    assert row is not None, label
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


def test_the_demo_vaccinations_on_the_dashboard_and_in_the_organisation_view(client: HttpClient) -> None:
    with override_settings(ALLOW_DEMO_DATA=True):
        call_command("load_demo", stdout=None)
    north = Team.objects.get(name="North team")
    this_month = timezone.localdate().replace(day=1)
    first = add_months(this_month, 1 - DEFAULT_MONTHS)
    with connection.cursor() as cursor:
        cursor.execute(TEAM_BY_HAND, [north.pk, first, add_months(this_month, 1)])
        team_expected = {name: (doses, people) for name, doses, people in cursor.fetchall()}
    assert team_expected.get("Combined hepatitis A and B", (0, 0))[0] > 0  # the team's own, given lately
    client.force_login(User.objects.get(username="supervisor"))  # North's only
    page = client.get(reverse("dashboards:dashboard")).content.decode()  # the last 12 months
    for key, label in [*BUILT_IN, ("Combined hepatitis A and B", "Combined hepatitis A and B")]:
        doses, people = team_expected.get(key, (0, 0))
        assert cells_of(page, str(label)) == [str(doses), str(people)], label

    quarter, after = latest_complete_quarter(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(ORGANISATION_BY_HAND, [quarter, after])
        expected = dict(cursor.fetchall())
    assert expected.get("hep_b", 0) > 0
    teams = list(Team.objects.values_list("pk", flat=True))
    year = build(quarter.year, teams=teams, before=this_month)
    keys = [key for key, _label in BUILT_IN] + [OTHER]
    found = {key: year.truth.get(vaccine_measure(key), {}).get((None, (QUARTER, quarter)), 0) for key in keys}
    assert found == {key: expected.get(key, 0) for key in keys}

    client.force_login(User.objects.get(username="data-admin"))
    period = f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"
    page = client.get(reverse("dashboards:organisation"), {"period": period}).content.decode()
    for key, label in [*BUILT_IN, (OTHER, "Other vaccines")]:
        text = Shown(year.get(vaccine_measure(key), None, (QUARTER, quarter))).text
        printed = text + (" rounded" if text[0].isdigit() and text != "0" else "")
        assert cells_of(page, str(label)) == [printed], label
    # A team's own vaccine is its words: never named outside the team.
    for name in TeamVaccine.objects.values_list("name", flat=True):
        assert name not in page
