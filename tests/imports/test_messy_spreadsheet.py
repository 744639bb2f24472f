"""A messy 5,000-row spreadsheet, as programmes really keep them: a two-line Spanish header,
dates in two orders, blank rows, a column of a service the catalogue does not have, repeated
rows, a formula cell, text in a number column, a site nobody added. The dry run lists every
bad row and stores nothing; the import stores the good rows once; a second import stores
nothing new."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from accounts.models import Team, User
from audit.models import AuditEvent
from encounters.models import Encounter, ServiceProvided, Site
from imports.planning import plan_contacts
from imports.reading import read_rows
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

ROWS = 5000


def messy_workbook(path: Path) -> tuple[set[int], int]:
    """The file, the spreadsheet row numbers that must be refused, and how many rows are good."""
    book = Workbook()
    sheet = book.active
    sheet.append(["", "", "Servicios", "", "", "", ""])
    sheet.append(["Fecha", "Sitio", "Jeringas estériles", "Kit de naloxona", "Cajas raras", "Personas", "Nota"])
    bad: set[int] = set()
    good = 0
    for n in range(ROWS):
        number = sheet.max_row + 1
        if n % 250 == 249:
            sheet.append([])  # a blank row
            continue
        day, month = 1 + n % 28, 1 + n % 12
        date = f"{day:02d}/{month:02d}/2025" if n % 3 else f"2025-{month:02d}-{day:02d}"
        row: list[object] = [date, "Estación" if n % 2 else "Plaza", 1 + n % 20, n % 3, "", 1 + n % 4, ""]
        if n % 500 == 7:
            month_first = f"{month:02d}/{day + 12 if day <= 16 else day:02d}/2025"  # not a date read day first
            row[0] = month_first
            if int(month_first[3:5]) > 12:
                bad.add(number)
        if n % 400 == 11:
            row[2] = "=1+1"  # a formula
            bad.add(number)
        if n % 400 == 13:
            row[2] = "diez"  # text in a number column
            bad.add(number)
        if n % 600 == 17:
            row[1] = "Parque desconocido"  # a site nobody added
            bad.add(number)
        sheet.append(row)
        if number not in bad:
            good += 1
    for _ in range(3):  # the same tally row three times: three contacts, once the user says so
        sheet.append(["15/06/2025", "Plaza", 5, 1, "", 2, ""])
        good += 1
    book.save(path)
    return bad, good


@pytest.fixture
def sites(team: Team) -> list[Site]:
    return [SiteFactory.create(team=team, name="Plaza"), SiteFactory.create(team=team, name="Estación")]


def test_the_dry_run_lists_every_bad_row_and_stores_nothing(
    tmp_path: Path, team: Team, worker: User, sites: list[Site]
) -> None:
    path = tmp_path / "registro.xlsx"
    bad, good = messy_workbook(path)
    plan = plan_contacts(team=team, rows=read_rows(path), date_order="dmy")
    assert plan.header_rows == 2
    assert set(plan.bad_rows) == bad
    assert len(plan.good) == good
    header_problems = [problem for problem in plan.problems if problem.row == 0]
    assert [problem.column for problem in header_problems] == ["E (Servicios Cajas raras)"]
    assert plan.blank_rows == ROWS // 250
    assert [len(group) for group in plan.repeats if 0 not in group][-1] >= 3
    out = StringIO()
    call_command("import_records", str(path), team="North", user="worker", dry_run=True, date_order="dmy", stdout=out)
    printed = out.getvalue()
    for number in bad:
        assert f"row {number}, column" in printed
    assert "This cell holds a formula." in printed and "This is not a number: diez." in printed
    assert not Encounter.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RECORDS_IMPORTED).exists()


def test_the_dates_order_is_asked_when_the_file_mixes_them(tmp_path: Path, team: Team, sites: list[Site]) -> None:
    path = tmp_path / "registro.xlsx"
    messy_workbook(path)
    plan = plan_contacts(team=team, rows=read_rows(path))
    assert plan.date_order_needed
    assert any("could be read two ways" in problem.what for problem in plan.problems)


def test_the_import_stores_the_good_rows_once(tmp_path: Path, team: Team, worker: User, sites: list[Site]) -> None:
    path = tmp_path / "registro.xlsx"
    _bad, good = messy_workbook(path)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Servicios Cajas raras": "ignore"}))
    options = {"team": "North", "user": "worker", "date_order": "dmy", "mapping": mapping, "repeats": "keep"}
    out = StringIO()
    call_command("import_records", str(path), stdout=out, **options)
    assert f"Stored {good} contacts; 0 were stored already" in out.getvalue()
    assert Encounter.objects.count() == good
    assert Encounter.objects.filter(worker=worker, team=team, client__isnull=True).count() == good
    first = Encounter.objects.filter(happened_at__date="2025-06-15", head_count=2, site__name="Plaza")
    assert first.count() >= 3  # the tally's three identical rows are three contacts
    syringes = ServiceProvided.objects.filter(service_type__slug="sterile-syringes").count()
    assert syringes > 0
    again = StringIO()
    call_command("import_records", str(path), stdout=again, **options)
    assert f"Stored 0 contacts; {good} were stored already" in again.getvalue()
    assert Encounter.objects.count() == good
    events = AuditEvent.objects.filter(action=AuditEvent.Action.RECORDS_IMPORTED).order_by("id")
    assert [event.details["created"] for event in events] == [good, 0]


def test_identical_rows_wait_for_the_users_word(tmp_path: Path, team: Team, worker: User, sites: list[Site]) -> None:
    path = tmp_path / "tally.csv"
    path.write_text("Date,Site,Condoms,People\n2025-06-15,Plaza,5,2\n2025-06-15,Plaza,5,2\n2025-06-16,Plaza,1,1\n")
    out = StringIO()
    with pytest.raises(Exception, match="identical"):
        call_command("import_records", str(path), team="North", user="worker", stdout=out)
    assert not Encounter.objects.exists()
    call_command("import_records", str(path), team="North", user="worker", repeats="skip", stdout=out)
    assert Encounter.objects.count() == 2
