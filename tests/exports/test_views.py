"""The exports pages: choose, review, start (with a fresh confirmation), follow, download."""

import zipfile
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from audit.models import AuditEvent
from encounters.models import ServiceType
from exports import jobs, storage, writers
from exports.datasets import service_column
from exports.models import Export, ExportChunk
from exports.tasks import delete_expired_exports
from exports.views import export_download, export_start
from tests.factories import TEST_PASSWORD, UserFactory

from .conftest import Programme, new_export, open_zip, run_worker

pytestmark = pytest.mark.django_db

START = reverse("exports:export_start")


@pytest.fixture
def admin_client(client: HttpClient, data_admin: User) -> HttpClient:
    client.force_login(data_admin)
    return client


def choice(programme: Programme, **extra: object) -> dict[str, object]:
    return {
        "datasets": ["contacts", "aggregate"],
        "teams": [str(t.pk) for t in programme.teams],
        "start": "2026-01",
        "end": "2026-03",
        "period": "month",
        "file_format": "csv",
        "k": "11",
    } | extra


@pytest.fixture(autouse=True)
def in_april(time_machine: time_machine.TimeMachineFixture) -> None:
    """The seeded months are past months."""
    time_machine.move_to(datetime(2026, 4, 10, 12, tzinfo=UTC), tick=False)


def test_the_page_shows_the_rules_the_columns_and_my_exports(admin_client: HttpClient, programme: Programme) -> None:
    response = admin_client.get(reverse("exports:export_list"))
    page = response.content.decode()
    assert "Privacy rules that will apply" in page
    assert "shared by at least 11 people" in page
    naloxone = ServiceType.objects.get(slug="naloxone-kit")
    assert service_column(naloxone.pk) in page and "Naloxone" in page  # the contacts' columns, one per service
    assert "No exports yet." in page


def test_review_shows_what_was_chosen_and_starts_nothing(admin_client: HttpClient, programme: Programme) -> None:
    response = admin_client.post(START, choice(programme, k="7", period="quarter", review="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check before starting" in page and "Start the export" in page
    assert "shared by at least 7 people" in page
    assert "Dates are given as quarters." in page
    assert 'name="k" value="7"' in page
    assert not Export.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_STARTED).exists()


def test_bad_input_comes_back_with_errors_and_nothing_stored(admin_client: HttpClient, programme: Programme) -> None:
    response = admin_client.post(START, choice(programme, k="4", begin="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 5." in page
    assert not Export.objects.exists()
    response = admin_client.post(START, choice(programme, start="2026-03", end="2026-01", begin="1"))
    assert "The first month must come before the last." in response.content.decode()
    response = admin_client.post(START, choice(programme, datasets=[], begin="1"))
    assert "This field is required." in response.content.decode()
    assert not Export.objects.exists()


def test_starting_queues_the_job_and_audits_the_parameters(
    admin_client: HttpClient, programme: Programme, data_admin: User, export_root: Path
) -> None:
    response = admin_client.post(START, choice(programme, begin="1"))
    export = Export.objects.get()
    assert response["Location"] == reverse("exports:export_detail", args=[export.pk])
    assert (export.created_by_id, export.datasets, export.k, export.status) == (
        data_admin.pk,
        ["contacts", "aggregate"],
        11,
        Export.Status.QUEUED,
    )
    assert DBTaskResult.objects.filter(id=export.task_id, status="READY").exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT_STARTED)
    assert (event.actor_id, event.object_id) == (data_admin.pk, str(export.pk))
    assert event.details["datasets"] == ["contacts", "aggregate"] and event.details["k"] == 11

    # The status part polls every 2 seconds while the job waits; a Refresh link without JavaScript.
    page = admin_client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Refresh" in page and "Waiting to start" in page
    part = admin_client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert part.lstrip().startswith('<div id="export-status"') and "<html" not in part

    run_worker()
    page = admin_client.get(response["Location"]).content.decode()
    assert "every 2s" not in page and "Download (zip)" in page
    assert "kept as chosen" in page and "k_achieved" not in page  # plain words, never raw keys
    finished = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT_FINISHED)
    assert finished.details["rows"]["contacts"] == Export.objects.get().summary["contacts"]["rows"]

    download = admin_client.get(reverse("exports:export_download", args=[export.pk]))
    archive = zipfile.ZipFile(BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    assert {"contacts.csv", "aggregate_report.csv", "codebook.json", "README.txt"} == set(archive.namelist())
    assert download["Content-Disposition"].startswith('attachment; filename="alongside-export-')
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT_DOWNLOADED)
    assert event.details["rows"]["contacts"] == finished.details["rows"]["contacts"] and event.details["bytes"] > 0
    assert "Nameperson" not in str(event.details)


def test_starting_needs_a_recent_password_or_code(admin_client: HttpClient, programme: Programme) -> None:
    assert export_start.needs_recent_auth  # type: ignore[attr-defined]
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = admin_client.post(START, choice(programme, begin="1"))
    assert response["Location"] == f"{reverse('accounts:confirm')}?{urlencode({'next': START})}"
    assert not Export.objects.exists()


def test_confirming_who_you_are_at_review_keeps_every_choice(admin_client: HttpClient, programme: Programme) -> None:
    """Issue 13, item 10: sent to confirm at the Review step, the admin comes back to the
    review of what they chose (teams, months, datasets, k), not an empty form."""
    chosen = choice(programme, review="1", k="15", start="2026-02", datasets=["check_ins"])
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = admin_client.post(START, chosen)
    assert response["Location"].startswith(reverse("accounts:confirm"))
    page = admin_client.get(START)  # where confirming brings them back (a GET)
    html = page.content.decode()
    assert "Check before starting" in html and "From Feb 2026 to Mar 2026" in html
    assert 'name="k" value="15"' in html and 'name="datasets" value="check_ins"' in html
    assert all(f'name="teams" value="{team.pk}"' in html for team in programme.teams)
    assert not Export.objects.exists()  # nothing starts without the Start button
    assert admin_client.get(START)["Location"] == reverse("exports:export_list")  # kept once


def test_downloading_needs_a_recent_confirmation(
    admin_client: HttpClient, programme: Programme, data_admin: User, export_root: Path
) -> None:
    assert export_download.needs_recent_auth  # type: ignore[attr-defined]
    export = new_export(data_admin, programme.teams, ["referrals"])
    run_worker()
    url = reverse("exports:export_download", args=[export.pk])
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = admin_client.get(url)
        assert response["Location"] == f"{reverse('accounts:confirm')}?{urlencode({'next': url})}"
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED).exists()
        admin_client.post(reverse("accounts:confirm"), {"password": TEST_PASSWORD, "next": url})
        assert admin_client.get(url)["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED).count() == 1


def test_another_data_admin_gets_404_and_no_audit(
    client: HttpClient, programme: Programme, data_admin: User, export_root: Path
) -> None:
    export = new_export(data_admin, programme.teams, ["referrals"])
    run_worker()
    client.force_login(UserFactory.create(username="second-admin", is_data_admin=True))
    assert client.get(reverse("exports:export_detail", args=[export.pk])).status_code == 404
    assert client.get(reverse("exports:export_download", args=[export.pk])).status_code == 404
    assert "No exports yet." in client.get(reverse("exports:export_list")).content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED).exists()


def test_wrong_method_gets_405(admin_client: HttpClient, programme: Programme, data_admin: User) -> None:
    export = new_export(data_admin, programme.teams, ["referrals"])
    assert admin_client.post(reverse("exports:export_list")).status_code == 405
    assert admin_client.post(reverse("exports:export_detail", args=[export.pk])).status_code == 405
    assert admin_client.delete(reverse("exports:export_download", args=[export.pk])).status_code == 405


def test_files_expire_and_the_expiry_job_deletes_them(
    admin_client: HttpClient, programme: Programme, data_admin: User, export_root: Path
) -> None:
    export = new_export(data_admin, programme.teams, ["referrals"])
    run_worker()
    export.refresh_from_db()
    assert export.expires_at is not None and export.finished_at is not None
    assert storage.exists(export.pk) and export.expires_at - export.finished_at == timedelta(days=7)
    # Queued with the export: an hourly chain that runs while files are left.
    assert DBTaskResult.objects.filter(task_path=delete_expired_exports.module_path, status="READY").exists()
    with time_machine.travel(export.expires_at + timedelta(seconds=1), tick=False):
        admin_client.force_login(data_admin)
        assert admin_client.get(reverse("exports:export_download", args=[export.pk])).status_code == 404
        run_worker()
        assert not storage.exists(export.pk)
        assert not ExportChunk.objects.filter(export=export).exists()
        export.refresh_from_db()
        assert (export.status, export.file_name) == (Export.Status.EXPIRED, "")
        assert "expired" in admin_client.get(reverse("exports:export_detail", args=[export.pk])).content.decode()
    # Nothing left to delete: the chain stops.
    assert not DBTaskResult.objects.filter(task_path=delete_expired_exports.module_path, status="READY").exists()


def test_a_failed_job_leaves_no_file(
    programme: Programme, data_admin: User, export_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = new_export(data_admin, programme.teams, ["contacts"])

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "write_csv", broken)
    run_worker()
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert list(export_root.iterdir()) == []


def test_xlsx_splits_a_long_dataset_across_sheets(
    programme: Programme, data_admin: User, export_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel's 1,048,576 rows, scaled down: 50 rows a sheet (header included)."""
    monkeypatch.setattr(writers, "ROWS_PER_SHEET", 50)
    export = new_export(data_admin, programme.teams, ["contacts", "check_ins"], k=5, file_format="xlsx")
    run_worker()
    archive = open_zip(export, export_root)
    summary = Export.objects.get().summary
    assert summary["contacts"]["rows"] == 120 and summary["contacts"]["sheets"] == 3  # 49 + 49 + 22
    with zipfile.ZipFile(BytesIO(archive.read("contacts.xlsx"))) as book:
        workbook = book.read("xl/workbook.xml").decode()
        assert 'name="contacts"' in workbook and 'name="contacts (2)"' in workbook and 'name="contacts (3)"' in workbook
        sheets = sorted(name for name in book.namelist() if name.startswith("xl/worksheets/sheet"))
        rows = [book.read(name).decode().count("<row ") for name in sheets]
    assert rows == [50, 50, 23]  # each sheet starts with the header row


def test_any_app_node_hands_over_the_file_the_worker_wrote(
    admin_client: HttpClient,
    programme: Programme,
    data_admin: User,
    export_root: Path,
    tmp_path: Path,
    settings: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The zip lives in the database (exports/storage.py), not on the worker's disk: a node
    with an empty folder of its own streams it whole, in chunks (small here, 1 MiB for real)."""
    monkeypatch.setattr(storage, "CHUNK", 1000)
    export = new_export(data_admin, programme.teams, ["contacts", "check_ins"])
    run_worker()
    export.refresh_from_db()
    assert ExportChunk.objects.filter(export=export).count() == -(-export.file_size // 1000) > 1
    assert list(export_root.iterdir()) == []  # nothing left on the worker's disk

    settings.ALONGSIDE_EXPORT_ROOT = tmp_path / "another-node"  # type: ignore[attr-defined]
    download = admin_client.get(reverse("exports:export_download", args=[export.pk]))
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert len(body) == int(download["Content-Length"]) == export.file_size
    assert {"contacts.csv", "check_ins.csv", "codebook.json"} <= set(zipfile.ZipFile(BytesIO(body)).namelist())
