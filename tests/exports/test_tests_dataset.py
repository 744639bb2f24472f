"""The tests dataset (issue 16): what its file holds, row by row, against what was recorded;
only whole quarters; linkage steps as of the end of the period; its codebook in English and
Spanish; started and finished in the audit trail like every export. Its privacy is played
by the attacker in tests/privacy/test_test_results.py."""

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from audit.models import AuditEvent
from exports.models import Export
from health.models import HealthTest, LinkageStep
from privacy.models import Release

from .conftest import Programme, new_export, open_zip, run_worker

pytestmark = pytest.mark.django_db

HEADER = ["period", "age_band", "gender", "area", "test", "method", "result", "confirmed", "linked_to_care",
          "treatment_started", "cured"]  # fmt: skip


def rows_of(export: Export, root: Path) -> tuple[list[dict[str, str]], dict[str, Any]]:
    archive = open_zip(export, root)
    text = archive.read("tests.csv").decode()
    assert text.splitlines()[0].split(",") == HEADER
    return list(csv.DictReader(io.StringIO(text))), json.loads(archive.read("codebook.json"))


def test_each_test_is_a_row_with_its_result_and_the_linkage_steps_reached_by_the_periods_end(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    # One reactive test was linked to care in April: after the period (January to March).
    reactive = HealthTest.objects.filter(result="reactive").order_by("tested_on").first()
    assert reactive is not None
    LinkageStep.objects.create(test=reactive, team_id=reactive.team_id, step="linked", done_on=date(2026, 4, 2),
                               created_by_id=reactive.created_by_id)  # fmt: skip
    export = new_export(data_admin, programme.teams, ["tests"], k=5)
    run_worker()
    rows, codebook = rows_of(export, export_root)

    # Every test of the quarter is there (each team's groups of 10 people hold mixed results).
    recorded = Counter(HealthTest.objects.values_list("kind", "method", "result"))
    assert Counter((row["test"], row["method"], row["result"]) for row in rows) == recorded
    assert len(rows) == 40 and codebook["datasets"]["tests"]["rows"] == 40
    assert {(row["period"], row["area"]) for row in rows} == {("2026-Q1", "(all areas)")}
    steps = Counter((row["result"], row["confirmed"], row["linked_to_care"], row["treatment_started"], row["cured"])
                    for row in rows)  # fmt: skip
    # Reactive: a confirmatory test in February; the step in April is after the period's end.
    assert steps == {
        ("reactive", "yes", "no", "no", "not applicable"): recorded[("hiv", "rapid", "reactive")]
        + recorded[("hiv", "referral", "reactive")],
        ("non_reactive", *["not applicable"] * 4): recorded[("hiv", "rapid", "non_reactive")]
        + recorded[("hiv", "referral", "non_reactive")],
        ("not_shared", *["not applicable"] * 4): recorded[("hiv", "rapid", "not_shared")]
        + recorded[("hiv", "referral", "not_shared")],
    }
    privacy = codebook["datasets"]["tests"]["privacy"]
    assert (privacy["rows_as_chosen"], privacy["rows_suppressed"], privacy["k_achieved"]) == (40, 0, 10)

    # Over January to June the April step counts: that test has reached "linked to care".
    later = new_export(data_admin, programme.teams, ["tests"], k=5, last_month=date(2026, 6, 1))
    run_worker()
    rows, _codebook = rows_of(later, export_root)
    linked = [row for row in rows if row["linked_to_care"] == "yes"]
    assert [(row["result"], row["confirmed"]) for row in linked] == [("reactive", "yes")]


def test_a_quarter_the_period_covers_in_part_is_left_out(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    export = new_export(data_admin, programme.teams, ["tests"], k=5, last_month=date(2026, 2, 1))
    run_worker()
    rows, codebook = rows_of(export, export_root)
    assert rows == []
    assert codebook["datasets"]["tests"]["privacy"]["rows_suppressed"] == 0  # never read, not left out


def test_a_group_with_one_result_is_left_out_and_at_higher_k_everything_is(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    # The first team's women: all ten of them reactive now.
    first_team_women = [p for n, p in enumerate(programme.people) if n % 4 == 0]
    HealthTest.objects.filter(client__in=first_team_women).update(result="reactive")
    export = new_export(data_admin, programme.teams, ["tests"], k=5)
    at_eleven = new_export(data_admin, programme.teams, ["tests"], k=11)
    run_worker()
    rows, codebook = rows_of(export, export_root)
    assert [row for row in rows if row["gender"] == "woman"] == []
    # What is left out never shares one result: one more group of that team (the smallest) goes too.
    assert codebook["datasets"]["tests"]["privacy"]["rows_suppressed"] == 20
    assert len(rows) == 20
    rows, codebook = rows_of(at_eleven, export_root)
    assert rows == [] and codebook["datasets"]["tests"]["privacy"]["rows_suppressed"] == 40

    # Decided for each team: the group left out with the women is their own team's other group,
    # so the other team's file keeps everything and the first team's keeps nothing.
    first_team = new_export(data_admin, programme.teams[:1], ["tests"], k=5)
    other_team = new_export(data_admin, programme.teams[1:], ["tests"], k=5)
    run_worker()
    rows, codebook = rows_of(first_team, export_root)
    assert rows == [] and codebook["datasets"]["tests"]["privacy"]["rows_suppressed"] == 20
    rows, codebook = rows_of(other_team, export_root)
    assert len(rows) == 20 and codebook["datasets"]["tests"]["privacy"]["rows_suppressed"] == 0


def test_the_codebook_explains_every_column_in_spanish_too(
    programme: Programme, data_admin: User, export_root: Path, settings: pytest.FixtureRequest
) -> None:
    settings.LANGUAGE_CODE = "es"  # type: ignore[attr-defined]
    export = new_export(data_admin, programme.teams, ["tests"], k=5)
    run_worker()
    _rows, codebook = rows_of(export, export_root)
    columns = codebook["datasets"]["tests"]["columns"]
    assert list(columns) == HEADER
    assert columns["result"].startswith("Resultado: reactive (reactivo)")
    assert columns["confirmed"].startswith("Una prueba de confirmación")
    assert codebook["datasets"]["tests"]["description"].startswith("Una fila por prueba")
    assert any(rule.startswith("Pruebas: solo los trimestres naturales") for rule in codebook["privacy_rules"])


def test_a_tests_export_is_audited_and_in_the_release_register(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    export = new_export(data_admin, programme.teams, ["tests"], k=5)
    run_worker()
    started = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT_STARTED, object_id=str(export.pk))
    finished = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT_FINISHED, object_id=str(export.pk))
    assert (started.actor_id, started.details["datasets"], started.details["k"]) == (data_admin.pk, ["tests"], 5)
    assert finished.details["rows"] == {"tests": 40}
    assert finished.details["privacy"]["tests"]["rows_suppressed"] == 0
    assert Release.objects.filter(kind=Release.Kind.EXPORT, parameters__datasets=["tests"]).count() == 1
