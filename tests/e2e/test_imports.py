"""A supervisor imports a small spreadsheet on a phone (360 px): uploads it, reads the one
bad row's problem in words, starts the import and watches the worker finish it.

The real django-tasks-db worker loop runs in a thread beside the live server (as `make run`
runs `manage.py db_worker` beside gunicorn), so the page's htmx polling sees the job move.
"""

import threading
from collections.abc import Generator
from pathlib import Path

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from encounters.models import Encounter, Site

from .conftest import PHONE, PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOG = "Fecha,Sitio,Personas,Preservativos\n15/06/2025,Plaza,2,5\n16/06/2025,Plaza,1,diez\n17/06/2025,Plaza,3,1\n"


@pytest.fixture
def worker_thread() -> Generator[None]:
    worker = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test-imports",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    yield
    worker.running = False
    thread.join(timeout=10)


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_supervisor_imports_a_file_with_one_bad_row(
    page: Page,
    check_page: PageChecks,
    live_server: LiveServer,
    supervisor: User,
    team: Team,
    worker_thread: None,
    tmp_path: Path,
) -> None:
    Site.objects.create(team=team, name="Plaza")
    spreadsheet = tmp_path / "registro.csv"
    spreadsheet.write_text(LOG)
    sign_in(page, check_page, live_server.url, supervisor)
    page.get_by_role("link", name="Import from a spreadsheet").tap()
    expect(page.get_by_role("heading", name="Import from a spreadsheet")).to_be_visible()
    check_page()
    fits_the_phone(page)

    page.get_by_label("Spreadsheet").set_input_files(spreadsheet)
    page.get_by_role("button", name="Upload and check").tap()
    expect(page.get_by_role("heading", name="Problems")).to_be_visible()
    check_page()
    fits_the_phone(page)
    problem = page.get_by_role("row").filter(has_text="This is not a number: diez.")
    expect(problem).to_have_count(1)
    expect(problem.get_by_role("cell").first).to_have_text("3")
    expect(problem).to_contain_text("D (Preservativos)")
    expect(page.get_by_text("2 rows can be stored")).to_be_visible()
    expect(page.get_by_label("D (Preservativos)")).to_have_value("service:condoms")
    preview = page.get_by_role("region", name="The first rows, as they will be stored")
    expect(preview.get_by_role("row")).to_have_count(3)  # the heading and the two good rows
    expect(preview).to_contain_text("anonymous, 3 people")
    assert not Encounter.objects.exists()

    page.get_by_role("button", name="Start the import").tap()
    # htmx polls every 2 s until the worker is done.
    expect(page.get_by_text("2 new contacts stored")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("1 row with problems left out")).to_be_visible()
    check_page()
    fits_the_phone(page)
    assert sorted((c.head_count, str(c.happened_at.date())) for c in Encounter.objects.all()) == [
        (2, "2025-06-15"),
        (3, "2025-06-17"),
    ]

    page.get_by_role("link", name="Back to imports").tap()
    expect(page.get_by_role("main").get_by_text("Imported")).to_be_visible()
    check_page()
