"""What leaves in an export: no identifying value anywhere, k-anonymity as promised,
pseudonyms that cannot be joined across exports."""

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

from accounts.models import User
from exports.datasets import AGGREGATE, ROW_LEVEL
from exports.models import Export

from .conftest import Programme, every_text, new_export, open_zip, run_worker, uuid_forms

pytestmark = pytest.mark.django_db

EVERYTHING = [*ROW_LEVEL, AGGREGATE]


@pytest.mark.parametrize("file_format", [Export.Format.CSV, Export.Format.XLSX])
def test_no_name_alias_code_id_or_note_is_anywhere_in_any_file(
    programme: Programme, data_admin: User, export_root: Path, file_format: str
) -> None:
    export = new_export(data_admin, programme.teams, EVERYTHING, k=5, file_format=file_format)
    run_worker()
    texts = every_text(open_zip(export, export_root))
    assert len(texts) > len(EVERYTHING)  # every dataset, the codebook, the README (and the workbooks' parts)
    secrets = set(programme.secrets)
    for person in programme.people:
        secrets |= uuid_forms(person.pk)
    found = {(secret, name) for name, text in texts.items() for secret in secrets if secret.lower() in text.lower()}
    assert found == set()
    # The rows are really there (a file of headers only would pass the scan too).
    codebook = json.loads(texts["codebook.json"])
    assert codebook["datasets"]["contacts"]["rows"] > 100
    assert codebook["datasets"]["check_ins"]["rows"] > 100


def k_of(rows: list[dict[str, str]]) -> int:
    """Rows in the smallest quasi-identifier group (a lower bound of its people is not
    readable from the file, which links no rows: tests/privacy checks people)."""
    groups: dict[tuple[str, ...], int] = defaultdict(int)
    for row in rows:
        groups[(row["age_band"], row["gender"], row["area"], row["period"])] += 1
    return min(groups.values())


@pytest.mark.parametrize(("k", "period"), [(5, "month"), (11, "month"), (11, "quarter"), (20, "month")])
def test_every_row_level_file_is_k_anonymous(
    programme: Programme, data_admin: User, export_root: Path, k: int, period: str
) -> None:
    export = new_export(data_admin, programme.teams, list(ROW_LEVEL), k=k, period=period)
    run_worker()
    archive = open_zip(export, export_root)
    codebook = json.loads(archive.read("codebook.json"))
    kept_somewhere = False
    for key, dataset in ROW_LEVEL.items():
        rows = list(csv.DictReader(io.StringIO(archive.read(f"{dataset.file_stem}.csv").decode())))
        privacy = codebook["datasets"][key]["privacy"]
        assert codebook["datasets"][key]["rows"] == len(rows)
        total = sum(v for name, v in privacy.items() if name.startswith("rows_"))
        assert total - privacy["rows_suppressed"] == len(rows)
        if not rows:
            assert privacy["k_achieved"] is None
            continue
        kept_somewhere = True
        assert k_of(rows) >= k, key
        assert privacy["k_achieved"] >= k
    if k == 5:  # at k >= 11 this small programme's groups are all too small
        assert kept_somewhere


def test_small_groups_are_generalised_before_they_are_left_out(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    """Each age band and gender holds 10 people, each seen once a month in one of two areas:
    about 5 per month and area, 10 per quarter. At k = 8 rows move to quarters; at k = 11
    not even all areas together reach 11, so those rows go, and only the anonymous groups
    of 12 would have stayed if head counts were people: they are not, so nothing stays."""
    export = new_export(data_admin, programme.teams, ["contacts"], k=8)
    again = new_export(data_admin, programme.teams, ["contacts"], k=11)
    run_worker()
    archive = open_zip(export, export_root)
    rows = list(csv.DictReader(io.StringIO(archive.read("contacts.csv").decode())))
    privacy = json.loads(archive.read("codebook.json"))["datasets"]["contacts"]["privacy"]
    assert {row["period"] for row in rows} == {"2026-Q1"}
    assert privacy["rows_generalised_period_to_quarter"] == 120
    assert privacy["rows_suppressed"] == 3  # the anonymous groups: head counts are not people
    assert k_of(rows) >= 8

    archive = open_zip(again, export_root)
    rows = list(csv.DictReader(io.StringIO(archive.read("contacts.csv").decode())))
    privacy = json.loads(archive.read("codebook.json"))["datasets"]["contacts"]["privacy"]
    assert privacy["rows_suppressed"] == 123
    assert rows == []


def test_no_file_links_rows_to_a_person(programme: Programme, data_admin: User, export_root: Path) -> None:
    """No pseudonym: a person's rows cannot be put together, within a file, across the files
    of an export, or across exports."""
    export = new_export(data_admin, programme.teams, list(ROW_LEVEL), k=5)
    run_worker()
    archive = open_zip(export, export_root)
    codebook = json.loads(archive.read("codebook.json"))
    for key, dataset in ROW_LEVEL.items():
        header = archive.read(f"{dataset.file_stem}.csv").decode().splitlines()[0].split(",")
        assert header[:4] == ["period", "age_band", "gender", "area"]
        assert not {"person", "pseudonym", "person_id", "client_id"} & set(header)
        assert "person" not in codebook["datasets"][key]["columns"]
