"""A data admin starts an anonymised export, watches it finish, downloads it and opens the zip.

The real django-tasks-db worker loop runs in a thread beside the live server (as `make run`
runs `manage.py db_worker` beside gunicorn), so the page's htmx polling sees the job move.
"""

import csv
import io
import json
import threading
import zipfile
from collections.abc import Generator
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from clients.models import Client
from encounters.models import Encounter, ServiceProvided, ServiceType, Site
from exports.datasets import service_column

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_thread() -> Generator[None]:
    worker = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    yield
    worker.running = False
    thread.join(timeout=10)


@pytest.fixture
def last_month_contacts(team: Team, worker: User) -> list[Client]:
    """12 people alike enough to stay in the file at k = 11, seen last month at one site."""
    site = Site.objects.create(team=team, name="Bus station", area="Centre")
    syringes = ServiceType.objects.get(slug="sterile-syringes")
    when = timezone.now().replace(day=1) - timedelta(days=10)
    people = []
    for n in range(12):
        person = Client.objects.create(
            home_team=team, preferred_name=f"Browserperson{n}", year_of_birth=1990, gender="woman"
        )
        contact = Encounter.objects.create(client=person, team=team, worker=worker, site=site, happened_at=when)
        ServiceProvided.objects.create(encounter=contact, service_type=syringes, quantity=5)
        people.append(person)
    return people


def test_a_data_admin_exports_waits_downloads_and_opens_the_zip(
    page: Page,
    check_page: PageChecks,
    live_server: LiveServer,
    data_admin: User,
    last_month_contacts: list[Client],
    worker_thread: None,
    settings: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    settings.ALONGSIDE_EXPORT_ROOT = tmp_path / "exports"  # type: ignore[attr-defined]
    sign_in(page, check_page, live_server.url, data_admin)
    page.get_by_role("link", name="Anonymised exports").tap()
    expect(page.get_by_role("heading", name="Privacy rules that will apply")).to_be_visible()
    check_page()

    page.get_by_label("Aggregate report per team and month").check()
    page.get_by_role("button", name="Review the columns and rules").tap()
    expect(page.get_by_role("heading", name="Check before starting")).to_be_visible()
    expect(page.get_by_text("shared by at least 11 people")).to_be_visible()
    check_page()

    page.get_by_role("button", name="Start the export").tap()
    expect(page.get_by_role("heading", name="Anonymised export")).to_be_visible()
    check_page()
    # htmx polls every 2 s until the worker is done; then the download appears.
    expect(page.get_by_role("link", name="Download (zip)")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Privacy summary")).to_be_visible()
    check_page()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download (zip)").tap()
    path = download.value.path()
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {"contacts.csv", "aggregate_report.csv", "codebook.json", "README.txt"}
        rows = list(csv.DictReader(io.StringIO(archive.read("contacts.csv").decode())))
        codebook = json.loads(archive.read("codebook.json"))
        everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    syringes = service_column(ServiceType.objects.get(slug="sterile-syringes").pk)
    assert len(rows) == 12 and {row[syringes] for row in rows} == {"5"}
    assert "person" not in rows[0]  # no row links to a person
    assert codebook["datasets"]["contacts"]["privacy"]["k_achieved"] == 12
    assert "Browserperson" not in everything
    assert not any(person.code in everything for person in last_month_contacts)

    page.goto(live_server.url + reverse("exports:export_list"))
    expect(page.get_by_role("heading", name="My exports")).to_be_visible()
    expect(page.get_by_role("main").get_by_text("Ready")).to_be_visible()
    check_page()
