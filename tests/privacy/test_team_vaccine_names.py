"""A team's own vaccine is named in the team's words, and the name never leaves the team: the
organisation view counts its doses with every other team-added vaccine as "Other vaccines",
and no output a data admin can obtain (the organisation view, the API's figures, the
aggregate export's files) holds its name or its note. The doses themselves are counted,
protected like every figure: the "Other vaccines" figure is a direct SQL count before
protection, and what the view prints is that count protected."""

import itertools
import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from dashboards.hierarchy import MONTH, year_figures
from dashboards.organisation import Shown
from health.models import TeamVaccine, Vaccination
from tests.factories import ClientFactory, make_token

from .outputs import finished, start_export

pytestmark = pytest.mark.django_db

MONTH_GIVEN = date(2026, 3, 1)
NAME = "Zoster pilot at the harbour"
NOTE = "Batch kept in the blue fridge"
SEED = 0x5EED_0000

# Doses the teams gave in the month: a team's own vaccines together, by hand.
OTHER_BY_HAND = """
SELECT count(*) FROM health_vaccination
 WHERE vaccine = 'other' AND "where" = 'by_team' AND given_on >= %s AND given_on < %s
"""


@pytest.fixture
def export_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    settings.ALONGSIDE_EXPORT_ROOT = root
    return root


@pytest.fixture
def own_doses(team: Team, other_team: Team, worker: User, outsider: User) -> TeamVaccine:
    """North's own vaccine given 14 times in March, and once elsewhere; River's own vaccine twice;
    and hepatitis B doses beside them."""
    own = TeamVaccine.objects.create(team=team, name=NAME, doses=2, note=NOTE)
    theirs = TeamVaccine.objects.create(team=other_team, name="River's travel vaccine", doses=1)
    rows = []
    for n in range(14):
        person = ClientFactory.create(home_team=team)
        given_on = MONTH_GIVEN.replace(day=1 + n)
        rows.append(Vaccination(client=person, team=team, vaccine="other", team_vaccine=own, dose=1,
                                given_on=given_on, created_by=worker))  # fmt: skip
        rows.append(Vaccination(client=person, team=team, vaccine="hep_b", dose=1, given_on=given_on,
                                created_by=worker))  # fmt: skip
    rows.append(Vaccination(client=person, team=team, vaccine="other", team_vaccine=own, dose=2,
                            given_on=MONTH_GIVEN, where="elsewhere", created_by=worker))  # fmt: skip
    for _ in range(2):
        person = ClientFactory.create(home_team=other_team)
        rows.append(Vaccination(client=person, team=other_team, vaccine="other", team_vaccine=theirs, dose=1,
                                given_on=MONTH_GIVEN, created_by=outsider))  # fmt: skip
    # Fixed ids: the cell-key method's record keys come from them (dashboards 0008), so whether
    # the audit publishes or withholds a figure is the same in every run, not a draw of random ids.
    ids = (uuid.UUID(int=SEED + n) for n in itertools.count())
    for row in rows:
        row.id = next(ids)
    Vaccination.objects.bulk_create(rows)
    return own


def other_vaccines_cell(page: str) -> str:
    table = page.split('id="vaccinations-caption"', 1)[1].split("</table>", 1)[0]
    row = re.search(r'<th scope="row">Other vaccines</th>(.*?)</tr>', table, re.S)
    assert row is not None
    cell = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()


def test_no_output_names_a_teams_vaccine_and_its_doses_count_as_other_vaccines(
    own_doses: TeamVaccine,
    client: HttpClient,
    data_admin: User,
    team: Team,
    other_team: Team,
    export_root: Path,
) -> None:
    after = date(2026, 4, 1)
    with connection.cursor() as cursor:
        cursor.execute(OTHER_BY_HAND, [MONTH_GIVEN, after])
        (by_hand,) = cursor.fetchone()
    assert by_hand == 16  # North's 14 and River's 2; the dose given elsewhere is not the team's

    teams = list(Team.objects.values_list("pk", flat=True))
    year = year_figures(2026, teams=teams, before=timezone.localdate().replace(day=1))
    assert year.truth["vaccines:other"][(None, (MONTH, MONTH_GIVEN))] == by_hand
    assert year.truth["vaccines:hep_b"][(None, (MONTH, MONTH_GIVEN))] == 14
    protected = year.get("vaccines:other", None, (MONTH, MONTH_GIVEN))
    assert protected.value is not None  # 16: rounded, published

    client.force_login(data_admin)
    view = client.get(reverse("dashboards:organisation"), {"period": "2026-03"}).content.decode()
    text = Shown(protected).text
    assert other_vaccines_cell(view) == f"{text} rounded"
    token = {"Authorization": f"Bearer {make_token(data_admin, 'read')}"}
    answer = client.get(reverse("api:figures"), {"period": "2026-03"}, headers=token)
    assert answer.json()["period"] == "2026-03"
    api = answer.content.decode()

    export = start_export(data_admin, [team, other_team], ["aggregate"], first_month=MONTH_GIVEN,
                          last_month=MONTH_GIVEN)  # fmt: skip
    (files,) = finished([export], export_root)
    assert "aggregate_report.csv" in files.files

    outputs = {"the organisation view": view, "the API's figures": api}
    outputs |= {f"the export's {name}": data.decode(errors="replace") for name, data in files.files.items()}
    for where, output in outputs.items():
        for words in (NAME, NOTE, "River's travel vaccine", "Zoster", "blue fridge"):
            assert words.lower() not in output.lower(), (words, where)
    # The view of every period the data admin may ask for: none names it either.
    for period in ("2026", "2026-Q1", "2026-01", "2026-02", "2026-04"):
        page = client.get(reverse("dashboards:organisation"), {"period": period}).content.decode()
        assert "Zoster" not in page and "travel vaccine" not in page, period
