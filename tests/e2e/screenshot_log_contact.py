"""Draws docs/screenshots/log-contact.png, the phone "Log a contact" page shown in the README.

Not collected by `make test` (the file name does not start with `test_`): run
`scripts/screenshot.py`, which passes this file to pytest explicitly.
"""

import struct
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from encounters.models import Site
from tests.factories import ClientFactory, EncounterFactory

from .conftest import PHONE, PageChecks, sign_in
from .test_log_contact import NALOXONE, SYRINGES, one_more, person_option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "log-contact.png"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR is always the first chunk)."""
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_draw_log_contact_screenshot(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    for name in ["Sam", "Robin", "Alex", "Jo"]:
        EncounterFactory.create(
            client=ClientFactory.create(home_team=site.team, preferred_name=name), worker=worker, site=site
        )
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()

    person_option(page, "Robin").tap()
    for service in [SYRINGES, SYRINGES, NALOXONE]:
        one_more(page, service).tap()
    expect(page.get_by_label(SYRINGES, exact=True)).to_have_value("2")
    check_page()
    # Tap the heading so no button keeps its pressed look, and show the whole page in one
    # tall viewport so the sticky save bar sits under the form instead of over it.
    page.get_by_role("heading", level=1).tap()
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": PHONE["width"], "height": height})
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT, full_page=True, animations="disabled")

    width, height = png_size(SCREENSHOT)
    assert width == PHONE["width"]
    assert height >= PHONE["height"]
