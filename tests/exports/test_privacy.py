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
from exports.privacy import PseudonymKey

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
    """People in the smallest quasi-identifier group: distinct pseudonyms plus anonymous head counts."""
    pseudonyms: dict[tuple[str, ...], set[str]] = defaultdict(set)
    anonymous: dict[tuple[str, ...], int] = defaultdict(int)
    for row in rows:
        group = (row["age_band"], row["gender"], row["area"], row["period"])
        if row["person"]:
            pseudonyms[group].add(row["person"])
        else:
            anonymous[group] += int(row.get("people") or 1)
    groups = set(pseudonyms) | set(anonymous)
    return min(len(pseudonyms[group]) + anonymous[group] for group in groups)


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
        assert privacy["k_achieved"] == k_of(rows)
    assert kept_somewhere


def test_small_groups_are_generalised_before_they_are_left_out(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    """Each age band and gender holds 10 people, each seen once a month in one of two areas:
    about 5 per month and area, 10 per quarter. At k = 8 rows move to quarters; at k = 11
    not even all areas together reach 11, so those rows go, and only the anonymous groups
    of 12 stay, month by month, with their head counts."""
    export = new_export(data_admin, programme.teams, ["contacts"], k=8)
    again = new_export(data_admin, programme.teams, ["contacts"], k=11)
    run_worker()
    archive = open_zip(export, export_root)
    rows = list(csv.DictReader(io.StringIO(archive.read("contacts.csv").decode())))
    privacy = json.loads(archive.read("codebook.json"))["datasets"]["contacts"]["privacy"]
    assert {row["period"] for row in rows if row["person"]} == {"2026-Q1"}
    assert privacy["rows_generalised_period_to_quarter"] == 120
    assert privacy["rows_suppressed"] == 0
    assert k_of(rows) >= 8

    archive = open_zip(again, export_root)
    rows = list(csv.DictReader(io.StringIO(archive.read("contacts.csv").decode())))
    privacy = json.loads(archive.read("codebook.json"))["datasets"]["contacts"]["privacy"]
    assert privacy["rows_suppressed"] == 120
    assert sorted((r["person"], r["people"], r["age_band"], r["gender"], r["period"]) for r in rows) == [
        ("", "12", "25-34 (rough)", "man", month) for month in ("2026-01", "2026-02", "2026-03")
    ]
    assert {row["area"] for row in rows} == {"Harbour"}


def test_pseudonyms_are_hmacs_with_a_key_of_each_export(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    first = new_export(data_admin, programme.teams, ["goals"], k=5)
    second = new_export(data_admin, programme.teams, ["goals"], k=5)
    run_worker()
    pseudonyms = []
    for export in (first, second):
        rows = list(csv.DictReader(io.StringIO(open_zip(export, export_root).read("goals.csv").decode())))
        pseudonyms.append({row["person"] for row in rows})
    # One per person within an export (each person set one goal), none shared between the two.
    assert len(pseudonyms[0]) == len(pseudonyms[1]) == 40
    assert pseudonyms[0].isdisjoint(pseudonyms[1])


def test_the_sql_pseudonym_is_hmac_sha256() -> None:
    from django.db import connection
    from psycopg2 import Binary

    from exports.privacy import pseudonym_sql

    key = PseudonymKey.new()
    person = "6f1c5a8e-0b7d-4a37-9d54-2c1e8f3a9b10"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pseudonym_sql('%(person)s::uuid')}",
            {"person": person, "ipad": Binary(key.ipad), "opad": Binary(key.opad)},
        )
        (value,) = cursor.fetchone()
    assert value == key.pseudonym(person)
    assert "PseudonymKey(...)" == repr(key)
