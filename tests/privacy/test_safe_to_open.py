"""Files a data admin opens in a spreadsheet: no formula runs, no column collides, and a
service renamed later changes no column."""

import io
import re
import zipfile
from pathlib import Path

import pytest

from accounts.models import User
from encounters.models import ServiceType
from exports.datasets import AGGREGATE, ROW_LEVEL
from exports.models import Export

from .conftest import Programme
from .outputs import finished, start_export

pytestmark = pytest.mark.django_db

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def export_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    settings.ALONGSIDE_EXPORT_ROOT = root  # type: ignore[attr-defined]
    return root


def test_no_csv_cell_starts_a_formula(programme: Programme, data_admin: User, export_root: Path) -> None:
    import csv

    [files] = finished(
        [start_export(data_admin, programme.teams, [*ROW_LEVEL, AGGREGATE], k=5, period="quarter")], export_root
    )
    cells = 0
    live = []
    for name, data in files.files.items():
        if not name.endswith(".csv"):
            continue
        for row in csv.reader(io.StringIO(data.decode())):
            for value in row:
                cells += 1
                if value.startswith(DANGEROUS) and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                    live.append((name, value))
    assert cells > 1000
    areas = {value for name, data in files.files.items() if name.endswith(".csv") for value in data.decode().split(",")}
    assert any("HYPERLINK" in value for value in areas), "a formula-like area was exported, to check"
    assert live == []


def test_no_xlsx_cell_is_a_formula(programme: Programme, data_admin: User, export_root: Path) -> None:
    [files] = finished(
        [start_export(data_admin, programme.teams, [*ROW_LEVEL, AGGREGATE], k=5, period="quarter",
                      file_format=Export.Format.XLSX)],
        export_root,
    )  # fmt: skip
    formulas, texts = 0, ""
    for name, data in files.files.items():
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                for part in book.namelist():
                    xml = book.read(part).decode()
                    formulas += xml.count("<f>") + xml.count("<f ")
                    texts += xml
    assert "HYPERLINK" in texts, "a formula-like area was exported, to check"
    assert formulas == 0


def test_services_whose_names_look_alike_each_get_their_own_column(
    programme: Programme, colliding_services: list[ServiceType], data_admin: User, export_root: Path
) -> None:
    [first] = finished([start_export(data_admin, programme.teams, ["contacts", AGGREGATE], k=5)], export_root)
    header = next(iter(io.StringIO(first.files["contacts.csv"].decode()))).strip().split(",")
    assert len(header) == len(set(header))
    described = first.codebook["datasets"]["contacts"]["columns"]
    for service in colliding_services:
        assert sum(service.name in meaning for meaning in described.values()) == 1

    ServiceType.objects.filter(pk=colliding_services[0].pk).update(name="Phone call back", slug="phone-call-back")
    [second] = finished([start_export(data_admin, programme.teams, ["contacts", AGGREGATE], k=5)], export_root)
    assert next(iter(io.StringIO(second.files["contacts.csv"].decode()))).strip().split(",") == header
