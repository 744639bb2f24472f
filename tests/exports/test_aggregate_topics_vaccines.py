"""The aggregate report's safer-use topics and vaccine doses: every figure is the one the
organisation view shows for the same period (the same protected value, for the organisation),
the API gives the same for every team and the organisation, and each is a direct SQL count
before protection: exact in the hierarchy's truth, within the protection interval where
published. The codebook says what every column is, in the export's language."""

import csv
import io
import itertools
import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Team, User
from dashboards.hierarchy import MONTH, QUARTER, Year, year_figures
from dashboards.organisation import Shown
from encounters.models import Encounter
from exports.aggregate import ORGANISATION, SMALL_MARK, WITHHELD_MARK
from exports.models import Export
from health.education import Topic, TopicCovered
from health.education_figures import topic_measure
from health.models import TeamVaccine, Vaccination
from health.vaccination_figures import OTHER, vaccine_measure
from privacy.figures import Protected, Status
from privacy.rules import PROTECTION_INTERVAL
from tests.factories import ClientFactory, SiteFactory, make_token
from tests.privacy.outputs import parse_page

from .conftest import new_export, open_zip, run_worker

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)
SEED = 0xA66_0000
# (team, measure): how many in March. North's naloxone and hepatitis B and its own vaccine are
# published; River's are fewer than 11; safer sex is fewer than 11 everywhere.
SEEDED = {
    ("North", topic_measure("naloxone")): 16,
    ("River", topic_measure("naloxone")): 3,
    ("North", topic_measure("safer_sex")): 4,
    ("North", vaccine_measure("hep_b")): 13,
    ("River", vaccine_measure("hep_b")): 2,
    ("North", vaccine_measure(OTHER)): 12,
    ("River", vaccine_measure(OTHER)): 1,
}
COLUMNS = {
    topic_measure("naloxone"): "topic_naloxone",
    topic_measure("safer_sex"): "topic_safer_sex",
    vaccine_measure("hep_b"): "vaccine_hep_b",
    vaccine_measure(OTHER): "vaccine_other",
    vaccine_measure("flu"): "vaccine_flu",
}
VIEW_ROWS = {
    ("topics", "Naloxone use"): topic_measure("naloxone"),
    ("topics", "Safer sex"): topic_measure("safer_sex"),
    ("vaccinations", "Hepatitis B"): vaccine_measure("hep_b"),
    ("vaccinations", "Other vaccines"): vaccine_measure(OTHER),
    ("vaccinations", "Flu"): vaccine_measure("flu"),
}

BY_HAND = """
SELECT 'topics:' || t.key, e.team_id, count(*)
  FROM health_topiccovered AS c JOIN health_topic AS t ON t.id = c.topic_id
  JOIN encounters_encounter AS e ON e.id = c.encounter_id
 WHERE t.key <> '' AND e.happened_at >= %(starts)s AND e.happened_at < %(ends)s GROUP BY 1, 2
 UNION ALL
SELECT 'vaccines:' || vaccine, team_id, count(*)
  FROM health_vaccination WHERE "where" = 'by_team' AND given_on >= %(first)s AND given_on < %(after)s GROUP BY 1, 2
"""


@pytest.fixture
def seeded(team: Team, other_team: Team, worker: User, outsider: User) -> dict[str, Team]:
    """March 2026 as SEEDED says, with fixed ids (the cell keys come from them, so what is
    published is the same every run), plus a dose noted as given elsewhere (never counted)."""
    ids = (uuid.UUID(int=SEED + n) for n in itertools.count())
    teams = {"North": (team, worker), "River": (other_team, outsider)}
    own = {
        name: TeamVaccine.objects.create(team=t, name=f"{name}'s own", note="not for export")
        for name, (t, _w) in teams.items()
    }
    contacts, covered, doses = [], [], []
    for (name, measure), count in SEEDED.items():
        the_team, the_worker = teams[name]
        site = SiteFactory.create(team=the_team)
        for n in range(count):
            person = ClientFactory.create(home_team=the_team)
            day = datetime(2026, 3, 1 + n, 12, tzinfo=UTC)
            if measure.startswith("topics:"):
                contact = Encounter(
                    id=next(ids), client=person, team=the_team, worker=the_worker, site=site, happened_at=day
                )
                contacts.append(contact)
                topic = Topic.objects.get(team=the_team, key=measure.removeprefix("topics:"))
                covered.append(TopicCovered(encounter=contact, topic=topic, created_by=the_worker))
            else:
                key = measure.removeprefix("vaccines:")
                doses.append(
                    Vaccination(
                        id=next(ids),
                        client=person,
                        team=the_team,
                        vaccine=key,
                        dose=1,
                        team_vaccine=own[name] if key == OTHER else None,
                        given_on=day.date(),
                        created_by=the_worker,
                    )
                )
    doses.append(
        Vaccination(
            id=next(ids),
            client=person,
            team=team,
            vaccine="hep_b",
            dose=2,
            where="elsewhere",
            given_on=MARCH,
            created_by=worker,
        )
    )
    Encounter.objects.bulk_create(contacts)
    TopicCovered.objects.bulk_create(covered)
    Vaccination.objects.bulk_create(doses)
    return {"North": team, "River": other_team}


def by_hand(teams: dict[str, Team]) -> dict[tuple[uuid.UUID | None, str], int]:
    """March's counts before protection, per team and for the organisation, straight from the tables."""
    params = {
        "starts": datetime(2026, 3, 1, tzinfo=UTC),
        "ends": datetime(2026, 4, 1, tzinfo=UTC),
        "first": MARCH,
        "after": date(2026, 4, 1),
    }
    found: dict[tuple[uuid.UUID | None, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(BY_HAND, params)
        for measure, team, count in cursor.fetchall():
            found[(team, measure)] = count
            found[(None, measure)] = found.get((None, measure), 0) + count
    return found


def printed(figure: Protected) -> str:
    """What the aggregate report prints for a figure."""
    if figure.value is not None:
        return str(figure.value)
    return SMALL_MARK if figure.status == Status.SMALL else WITHHELD_MARK


def the_year() -> Year:
    teams = list(Team.objects.values_list("pk", flat=True))
    return year_figures(2026, teams=teams, before=timezone.localdate().replace(day=1))


def test_the_export_api_and_view_give_the_same_protected_figures_as_counted_by_hand(
    seeded: dict[str, Team], client: HttpClient, data_admin: User, export_root: Path
) -> None:
    truth = by_hand(seeded)
    assert truth[(seeded["North"].pk, topic_measure("naloxone"))] == 16  # the seeding, read back
    assert truth[(None, vaccine_measure("hep_b"))] == 15  # not the dose given elsewhere
    year = the_year()
    month = (MONTH, MARCH)
    for (team, measure), count in truth.items():
        assert year.truth[measure][(team, month)] == count, (team, measure)

    export = new_export(
        data_admin, list(seeded.values()), ["aggregate"], first_month=date(2026, 1, 1), last_month=MARCH
    )
    run_worker()
    rows = list(csv.DictReader(io.StringIO(open_zip(export, export_root).read("aggregate_report.csv").decode())))
    cells = {(row["team"], row["period"]): row for row in rows}
    token = {"Authorization": f"Bearer {make_token(data_admin, 'read')}"}
    api = client.get(reverse("api:figures"), {"period": "2026-03"}, headers=token).json()
    from_api = {row["name"]: row["figures"] for row in api["teams"]}
    assert set(COLUMNS) <= set(api["measures"])
    client.force_login(data_admin)
    view = parse_page(client.get(reverse("dashboards:organisation"), {"period": "2026-03"}).content.decode())

    published = 0
    withheld: list[tuple[str, str]] = []
    for measure, column in COLUMNS.items():
        for name, team in [*((n, t.pk) for n, t in seeded.items()), (ORGANISATION, None)]:
            figure = year.get(measure, team, month)
            assert cells[(name, "2026-03")][column] == printed(figure), (name, measure)
            api_name = "The organisation" if team is None else name
            assert from_api[api_name][measure] == {
                "value": float(figure.value) if figure.value is not None else None,
                "status": figure.status,
                "words": figure.words,
            }
            # The quarter too: the hierarchy's figure, not March's again.
            assert cells[(name, "2026-Q1")][column] == printed(
                year.get(measure, team, (QUARTER, MARCH.replace(month=1)))
            )
            true = truth.get((team, measure), 0)
            if figure.value is not None:
                assert abs(figure.value - true) <= PROTECTION_INTERVAL, (name, measure, figure.value, true)
                published += figure.status == Status.ROUNDED
            elif figure.status == Status.SMALL:
                assert 1 <= true <= 10, (name, measure)
            else:  # the organisation's hepatitis B: 15 = North's 13 published + River's 2
                assert figure.status == Status.WITHHELD, (name, measure)
                withheld.append((name, measure))
    assert published >= 4  # North's naloxone, hepatitis B and own vaccines; the organisation's
    assert (ORGANISATION, vaccine_measure("hep_b")) in withheld  # else River's 2 would be its minus North's
    # The organisation view's cell is the export's organisation row, number for number.
    naloxone = year.get(topic_measure("naloxone"), None, month)
    assert naloxone.status == Status.ROUNDED
    assert cells[(ORGANISATION, "2026-03")]["topic_naloxone"] == Shown(naloxone).text
    for (table, label), measure in VIEW_ROWS.items():
        (cell,) = dict(view.tables[table].rows)[label]
        shown = Shown(year.get(measure, None, month))
        assert (cell.text.split()[0], cell.status) == (shown.text.split()[0], shown.status), label
        if shown.figure.value is not None:  # the view's number is the export's organisation row
            assert cell.text.split()[0] == cells[(ORGANISATION, "2026-03")][COLUMNS[measure]]


def test_every_column_is_in_the_codebook_in_the_exports_language(
    seeded: dict[str, Team], data_admin: User, export_root: Path, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "es"
    csv_export = new_export(data_admin, list(seeded.values()), ["aggregate"], first_month=MARCH, last_month=MARCH)
    xlsx_export = new_export(
        data_admin,
        list(seeded.values()),
        ["aggregate"],
        first_month=MARCH,
        last_month=MARCH,
        file_format=Export.Format.XLSX,
    )
    run_worker()
    archive = open_zip(csv_export, export_root)

    codebook = json.loads(archive.read("codebook.json"))["datasets"]["aggregate"]
    header = next(csv.reader(io.StringIO(archive.read("aggregate_report.csv").decode())))
    assert list(codebook["columns"]) == header
    assert "Uso de naloxona" in codebook["columns"]["topic_naloxone"]
    assert codebook["columns"]["vaccine_hep_b"].startswith("Dosis de «Hepatitis B»")
    assert codebook["columns"]["vaccine_other"].startswith("Dosis que pusieron los equipos")
    assert codebook["columns"]["team"].startswith("El equipo")
    assert all(codebook["columns"][name] for name in header)
    assert codebook["rows"] == 3  # North, River, the organisation: March
    # Excel: the same figures, numbers as numbers.
    rows = list(csv.DictReader(io.StringIO(archive.read("aggregate_report.csv").decode())))
    workbook = load_workbook(io.BytesIO(open_zip(xlsx_export, export_root).read("aggregate_report.xlsx")))
    sheet = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(sheet[0]) == header
    for row, line in zip(rows, sheet[1:], strict=True):
        for name, value in zip(header, line, strict=True):
            if name.startswith(("topic_", "vaccine_")):
                assert ("" if value is None else str(value)) == row[name], name
                assert not isinstance(value, str) or value in {SMALL_MARK, WITHHELD_MARK}
