"""Safer-use topics covered and vaccine doses given, as the attacker gets them: the
organisation view (the whole organisation, for every period its form offers), the API's
figures (every team and the organisation, for every month and quarter of the programme) and
aggregate exports over overlapping months and different teams, run by the real worker, all
combined. No count of 1 to 10 may come out: not by subtracting one output from another (a
team's figure as the organisation's minus the other teams', a month as a quarter minus its
other months), and not by one linear program over everything (each protected count keeps at
least 5 possible values). And no file the aggregate export writes (CSV or Excel, with its
codebook and README), no API answer and no page names a team's own vaccine or its note.

The programme (tests/privacy/conftest.py) gets, on top: naloxone use covered at about one
contact in six and safer sex at about one in twenty (a few contacts per team and month, more
over a quarter or every team), hepatitis B doses and each team's own vaccine given a few times
a month (North's and River's named and noted in the team's words), doses noted as given
elsewhere (never counted), and a trap: River gives 12 tetanus doses in January, none in
February and 2 in March, so that January and the quarter published together would pin March
down (the audit withholds one of them)."""

import html
import io
import itertools
import math
import random
import uuid
import zipfile
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Team, User
from encounters.models import Encounter
from exports.models import Export
from health.education import Topic, TopicCovered
from health.education_figures import topic_measure
from health.models import TeamVaccine, Vaccination
from health.vaccination_figures import OTHER, vaccine_measure
from tests.factories import make_token

from .attacker import Fact, _fact, differencing, linear_bounds, months_of
from .conftest import MONTHS, Programme
from .outputs import Cell, ExportFiles, every_period_the_view_allows, finished, organisation_view, start_export

pytestmark = pytest.mark.django_db

TOPICS = {"naloxone": 0.17, "safer_sex": 0.05}  # built-in topic: share of contacts that covered it
VACCINES = ["hep_b", "tetanus", OTHER]
MEASURES = [topic_measure(key) for key in TOPICS] + [vaccine_measure(key) for key in VACCINES]
# The aggregate report's column of each measure, and the organisation view's row.
COLUMNS = {topic_measure(key): f"topic_{key}" for key in TOPICS} | {
    vaccine_measure(key): f"vaccine_{key}" for key in VACCINES
}
VIEW_ROWS = {
    ("topics", "Naloxone use"): topic_measure("naloxone"),
    ("topics", "Safer sex"): topic_measure("safer_sex"),
    ("vaccinations", "Hepatitis B"): vaccine_measure("hep_b"),
    ("vaccinations", "Tetanus"): vaccine_measure("tetanus"),
    ("vaccinations", "Other vaccines"): vaccine_measure(OTHER),
}
OWN_VACCINES = {
    "North": ("Zoster pilot at the harbour", "Batch kept in the blue fridge"),
    "River": ("River's travel vaccine", "Ask Dana before giving it"),
}
SEED = 0x70_9105_0000

# Before protection, by hand: contacts that covered a built-in topic, doses a team gave.
TOPICS_BY_HAND = """
SELECT 'topics:' || t.key, e.team_id, date_trunc('month', e.happened_at AT TIME ZONE 'UTC')::date, count(*)
  FROM health_topiccovered AS c JOIN health_topic AS t ON t.id = c.topic_id
  JOIN encounters_encounter AS e ON e.id = c.encounter_id
 WHERE t.key <> '' GROUP BY 1, 2, 3
"""
DOSES_BY_HAND = """
SELECT 'vaccines:' || vaccine, team_id, date_trunc('month', given_on)::date, count(*)
  FROM health_vaccination WHERE "where" = 'by_team' GROUP BY 1, 2, 3
"""


@pytest.fixture
def export_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    settings.ALONGSIDE_EXPORT_ROOT = root
    return root


@pytest.fixture
def health_programme(programme: Programme) -> Programme:
    """The programme with topics covered and doses given, its truth read back by hand (SQL)."""
    rng = random.Random(16)
    names = {team.pk: team.name for team in programme.teams}
    topics = {(topic.team_id, topic.key): topic for topic in Topic.objects.exclude(key="")}
    covered = []
    for contact in Encounter.objects.order_by("happened_at", "pk").values("pk", "team_id", "worker_id"):
        for key, share in TOPICS.items():
            if rng.random() < share:
                covered.append(
                    TopicCovered(
                        encounter_id=contact["pk"],
                        topic=topics[(contact["team_id"], key)],
                        practised=rng.random() < 0.5,
                        created_by_id=contact["worker_id"],
                    )
                )
    TopicCovered.objects.bulk_create(covered)
    own = {
        team.pk: TeamVaccine.objects.create(team=team, name=OWN_VACCINES[team.name][0], note=OWN_VACCINES[team.name][1])
        for team in programme.teams
        if team.name in OWN_VACCINES
    }
    doses = []
    for month in MONTHS:
        for person in programme.people:
            team = person.home_team_id
            roll = rng.random()
            if roll < 0.12:
                doses.append(
                    Vaccination(
                        client=person,
                        team_id=team,
                        vaccine="hep_b",
                        dose=1 + rng.randint(0, 2),
                        given_on=month.replace(day=rng.randint(1, 28)),
                        created_by=programme.workers[team],
                    )
                )
            elif roll < 0.2 and team in own:
                doses.append(
                    Vaccination(
                        client=person,
                        team_id=team,
                        vaccine="other",
                        team_vaccine=own[team],
                        dose=1,
                        given_on=month.replace(day=rng.randint(1, 28)),
                        created_by=programme.workers[team],
                    )
                )
            elif roll > 0.95:
                doses.append(
                    Vaccination(
                        client=person,
                        team_id=team,
                        vaccine="hep_b",
                        dose=1,
                        where="elsewhere",
                        given_on=month.replace(day=3),
                        created_by=programme.workers[team],
                    )
                )
    river = programme.teams[1]
    for n, month in enumerate([MONTHS[0]] * 12 + [MONTHS[2]] * 2):
        doses.append(
            Vaccination(
                client=programme.people[1 + 3 * n],
                team=river,
                vaccine="tetanus",
                dose=1,
                given_on=month.replace(day=1 + n),
                created_by=programme.workers[river.pk],
            )
        )
    # Fixed ids: the cell keys (dashboards 0008) come from them, so the audit decides the same every run.
    ids = (uuid.UUID(int=SEED + n) for n in itertools.count())
    for dose in doses:
        dose.id = next(ids)
    Vaccination.objects.bulk_create(doses)
    truth: dict[str, dict[tuple[str, date], int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        for query in (TOPICS_BY_HAND, DOSES_BY_HAND):
            cursor.execute(query)
            for measure, team, month, count in cursor.fetchall():
                truth[measure][(names[team], month)] = count
    programme.truth |= {measure: truth[measure] for measure in MEASURES}
    small = [n for measure in MEASURES for n in programme.truth[measure].values() if 1 <= n <= 10]
    assert len(small) > 30, "the programme has small counts to attack"
    return programme


def facts_from_view(client: HttpClient, teams: list[str]) -> list[Fact]:
    """The organisation view's topics and vaccinations (the whole organisation), every period."""
    facts = []
    for params in every_period_the_view_allows(client):
        page = organisation_view(client, params)
        months = months_of(params["period"], MONTHS)
        if page is None or months is None:
            continue
        for (key, label), measure in VIEW_ROWS.items():
            cells = dict(page.tables[key].rows)[label]
            fact = _fact(
                measure,
                [(t, m) for t in teams for m in months],
                cells[0].interval(page.bound),
                f"view {params['period']}",
            )
            if fact is not None:
                facts.append(fact)
    return facts


def api_answers(client: HttpClient, data_admin: User) -> list[dict[str, Any]]:
    token = {"Authorization": f"Bearer {make_token(data_admin, 'read')}"}
    periods = [f"{m:%Y-%m}" for m in MONTHS] + ["2026-Q1", "2026-Q2"]
    answers = [client.get(reverse("api:figures"), {"period": period}, headers=token) for period in periods]
    assert [answer.status_code for answer in answers] == [200] * len(periods)
    return [answer.json() for answer in answers]


def facts_from_api(answers: list[dict[str, Any]], teams: list[str]) -> list[Fact]:
    facts = []
    for body in answers:
        months = months_of(body["period"], MONTHS)
        assert months is not None
        bound = body["protection"]["interval"]
        for row in body["teams"]:
            row_teams = teams if row["team"] is None else [row["name"]]
            for measure in MEASURES:
                figure = row["figures"][measure]  # every one of them is there
                text = {"small": "<11", "withheld": "withheld"}.get(figure["status"], str(figure["value"]))
                interval = Cell(text, figure["status"]).interval(bound)
                fact = _fact(
                    measure,
                    [(t, m) for t in row_teams for m in months],
                    interval,
                    f"api {body['period']} {row['name']}",
                )
                if fact is not None:
                    facts.append(fact)
    return facts


def facts_from_aggregate(files: ExportFiles, teams: list[str]) -> list[Fact]:
    bound = int(files.codebook["datasets"]["aggregate"]["privacy"]["protection_interval"])
    rows = files.csv("aggregate_report")
    assert rows, "the export has its aggregate report"
    facts = []
    for row in rows:
        row_teams = teams if row["team"] == "(organisation)" else [row["team"]]
        months = months_of(row["period"], MONTHS)
        if months is None:
            continue
        for measure, column in COLUMNS.items():
            text = row[column]  # every one of them is there
            cell = Cell(text, "rounded" if text.strip().isdigit() and text.strip() != "0" else "")  # zeros stay zero
            fact = _fact(
                measure,
                [(t, m) for t in row_teams for m in months],
                cell.interval(bound),
                f"export {files.export.first_month:%Y-%m}..{files.export.last_month:%Y-%m} {row['team']}",
            )
            if fact is not None:
                facts.append(fact)
    return facts


def exports_over_overlapping_months(data_admin: User, teams: list[Team], **extra: Any) -> list[Export]:
    """Every team for the six months, a quarter, parts of quarters and one month; one team,
    two teams: every (team, period) cell more than once."""
    ranges = [(MONTHS[0], MONTHS[5]), (MONTHS[1], MONTHS[3]), (MONTHS[2], MONTHS[2]), (MONTHS[3], MONTHS[5])]
    made = [start_export(data_admin, teams, ["aggregate"], first_month=a, last_month=b, **extra) for a, b in ranges]
    made.append(start_export(data_admin, teams[:1], ["aggregate"], **extra))
    made.append(start_export(data_admin, teams[1:], ["aggregate"], first_month=MONTHS[0], last_month=MONTHS[2]))
    return made


def test_no_topic_or_vaccine_count_under_11_comes_out_of_every_output_combined(
    health_programme: Programme, client: HttpClient, data_admin: User, export_root: Path
) -> None:
    teams = health_programme.team_names
    client.force_login(data_admin)
    facts = facts_from_view(client, teams)
    facts += facts_from_api(api_answers(client, data_admin), teams)
    for files in finished(exports_over_overlapping_months(data_admin, health_programme.teams), export_root):
        facts += facts_from_aggregate(files, teams)
    sources = Counter((fact.measure, fact.source.split()[0]) for fact in facts)
    assert all(sources[(measure, source)] for measure in MEASURES for source in ("view", "api", "export")), sources
    # Something is protected: counts the outputs do not print as numbers, and the trap's figure
    # the audit withholds.
    assert any(fact.low == 1 and fact.high == 10 for fact in facts if fact.source.startswith("export"))
    tetanus = [fact for fact in facts if fact.measure == vaccine_measure("tetanus")]
    assert any(math.isinf(fact.high) for fact in tetanus), "the audit withheld the trap's January or quarter"

    subtracted = differencing(facts, health_programme)
    kinds = Counter((r.measure, r.how.split()[0], r.how.split(" minus ")[1].split()[0]) for r in subtracted)
    assert subtracted == [], f"{len(subtracted)} small counts recovered ({dict(kinds)}), e.g. {subtracted[:2]}"
    narrowed = linear_bounds(facts, health_programme)
    measures = Counter(r.measure for r in narrowed)
    assert narrowed == [], f"{len(narrowed)} small counts narrowed ({dict(measures)}), e.g. {narrowed[:2]}"


def texts_of(files: ExportFiles) -> dict[str, str]:
    """Every file of the export as text; an Excel file as the text of every part of it."""
    found = {}
    for name, data in files.files.items():
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as workbook:
                parts = [workbook.read(part).decode() for part in workbook.namelist()]
            found[name] = html.unescape("\n".join(parts))
        else:
            found[name] = data.decode()
    return found


def test_no_export_file_codebook_or_api_answer_names_a_teams_vaccine(
    health_programme: Programme, client: HttpClient, data_admin: User, export_root: Path
) -> None:
    client.force_login(data_admin)
    outputs = {f"the API's {body['period']}": str(body) for body in api_answers(client, data_admin)}
    made = [
        start_export(data_admin, health_programme.teams, ["aggregate"], file_format=file_format)
        for file_format in (Export.Format.CSV, Export.Format.XLSX)
    ]
    for files in finished(made, export_root):
        texts = texts_of(files)
        assert {f"aggregate_report.{files.export.format}", "codebook.json", "README.txt"} <= set(texts)
        assert "vaccine_other" in texts[f"aggregate_report.{files.export.format}"]  # the doses are there, unnamed
        outputs |= {f"the {files.export.format} export's {name}": text for name, text in texts.items()}
    for params in [{"period": "2026-Q1"}, {"period": "2026-Q2"}]:
        outputs[f"the view of {params}"] = client.get(reverse("dashboards:organisation"), params).content.decode()
    for name, note in OWN_VACCINES.values():
        for words in (name, note, name.split()[0] + " ", "fridge", "travel vaccine"):
            assert not [where for where, text in outputs.items() if words.lower() in text.lower()], words
