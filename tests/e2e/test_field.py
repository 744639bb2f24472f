"""What a worker sees is what was saved (issue 13), on a 360 x 740 phone.

Back after saving, the note typed, the confirmation after registering, "Contact saved." only
right after saving, the language kept at sign-out, the wellbeing table's dates, stepper
counts that fit, a top bar on one row, and /favicon.ico.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from encounters.models import Encounter, Site
from outcomes.models import Instrument
from tests.factories import ClientFactory, EncounterFactory
from tests.outcomes.helpers import check_in

from .conftest import PageChecks, log_contact_address, sign_in
from .test_log_contact import SYRINGES, choose, one_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Sends the fields again as a form of the page (a resubmission from the history, a retry).
SEND_AGAIN = """fields => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = "/contacts/log/";
    for (const [name, value] of fields) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
    }
    document.body.append(form);
    form.submit();
}"""
NOTE = "Asked about <b>housing</b> & a GP"


def test_back_after_saving_shows_the_contact_as_saved_and_stores_nothing_twice(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    """Back to Log a contact after saving: the same page, the same id, shown as saved.

    Kim is second in the recent list; once her contact is saved she moves up. Before, Back
    drew a blank form with a new id that the browser refilled (the person by position in
    the list, so Jo), and Save stored a second contact.
    """
    now = timezone.now()
    ClientFactory.create(home_team=site.team, preferred_name="Jo", last_seen_at=now - timedelta(days=1))
    kim = ClientFactory.create(home_team=site.team, preferred_name="Kim", last_seen_at=now - timedelta(days=2))
    sign_in(page, check_page, live_server.url, worker)
    page.get_by_role("navigation").get_by_role("link", name="Log a contact").tap()
    expect(page).to_have_url(log_contact_address(live_server.url))  # the contact's id is in the address
    check_page()
    address = page.url

    choose(page, "Kim")
    one_more(page, SYRINGES).tap()
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()
    encounter = Encounter.objects.get()
    assert encounter.client_id == kim.pk

    page.go_back()
    expect(page).to_have_url(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact already saved")
    expect(page.get_by_role("button", name="Save contact")).to_have_count(0)
    check_page()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact already saved")
    check_page()
    assert Encounter.objects.count() == 1

    page.get_by_role("link", name="Log another contact").tap()
    expect(page.get_by_role("button", name="Save contact")).to_be_visible()
    expect(page).to_have_url(log_contact_address(live_server.url))
    check_page()
    assert page.url != address  # a new contact, a new id


def test_a_resubmission_from_the_history_is_shown_as_already_saved(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    """The same form sent again (a page kept by the browser, a retry): one contact, and the
    worker is told it was saved before, not "Contact saved." a second time."""
    ClientFactory.create(home_team=site.team, preferred_name="Lee", last_seen_at=timezone.now())
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()
    choose(page, "Lee")
    one_more(page, SYRINGES).tap()
    # What the browser keeps of the page in its history: the form's fields as sent.
    sent = page.locator("form.log-form").evaluate("form => [...new FormData(form)]")
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()

    page.evaluate(SEND_AGAIN, sent)  # the same body, sent a second time
    expect(page.get_by_role("status")).to_have_text("This contact was already saved: nothing was stored twice.")
    check_page()
    assert Encounter.objects.count() == 1

    # The same id with another contact (the page kept, then changed): both versions, 409.
    changed = [[name, "Asked about a GP" if name == "note" else value] for name, value in sent]
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.evaluate(SEND_AGAIN, changed)
    assert answer.value.status == 409
    expect(page.get_by_role("heading", level=1)).to_have_text("This contact was saved already, with other details")
    table = page.get_by_role("table", name="Your version and the saved version")
    expect(table.get_by_role("row", name=re.compile("^Note"))).to_contain_text("Asked about a GP")
    check_page()
    assert Encounter.objects.get().note == ""


def test_the_note_typed_is_shown_on_the_contact_and_the_person_s_page_as_typed(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    person = ClientFactory.create(home_team=site.team, preferred_name="Ana", last_seen_at=timezone.now())
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()
    choose(page, "Ana")
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()
    expect(page.get_by_role("main")).to_contain_text(NOTE)  # as typed: the tags are text
    assert page.locator("main b").count() == 0

    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    expect(page.get_by_role("main")).to_contain_text(NOTE)
    assert page.locator("main b").count() == 0


def test_a_contact_opened_later_does_not_say_it_was_just_saved(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    """Opened from the person's page after the correction window: no "Contact saved."."""
    person = ClientFactory.create(home_team=site.team, preferred_name="Sam")
    old = EncounterFactory.create(
        client=person, team=site.team, worker=worker, site=site, happened_at=timezone.now() - timedelta(days=30)
    )
    Encounter.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:detail", args=[old.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact with Sam")
    check_page()
    expect(page.get_by_text("Contact saved.")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_count(0)


def test_signing_out_keeps_the_language(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.get_by_label("Language").select_option(label="español")
    page.get_by_role("button", name="Change language").tap()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    check_page()
    page.get_by_role("button", name="Cerrar sesión").tap()
    page.wait_for_url(live_server.url + reverse("accounts:sign_in") + "**")
    check_page()
    expect(page.get_by_role("button", name="Iniciar sesión")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert "sessionid" not in names


def test_the_wellbeing_table_says_when_each_check_in_was(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    person = ClientFactory.create(home_team=site.team, preferred_name="Noa")
    who5 = Instrument.objects.get(slug="who5", is_current=True)
    first = timezone.now().replace(year=2026, month=3, day=12, hour=12)
    check_in(person, who5, [2, 2, 2, 2, 2], by=worker, at=first)
    check_in(person, who5, [4, 4, 4, 4, 4], by=worker, at=first + timedelta(days=60))
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    table = page.get_by_role("table", name="Check-ins, oldest first")
    expect(table.locator("tbody th")).to_have_text(["12 Mar 2026", "11 May 2026"])


@pytest.mark.parametrize("width", [360, 1280])
def test_stepper_counts_are_never_cut(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 740})
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()
    count = page.get_by_role("spinbutton", name=SYRINGES)
    for value in ["20", "100", "999"]:
        count.fill(value)
        # The digits' width as drawn in the box's font, against the room inside the box.
        room, needed = count.evaluate(
            """input => {
                const style = getComputedStyle(input);
                const context = document.createElement("canvas").getContext("2d");
                context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
                const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
                return [input.clientWidth - padding, context.measureText(input.value).width];
            }"""
        )
        assert needed <= room, f"{value} needs {needed:.0f} px, the box has {room:.0f} px at {width} px"
        assert count.evaluate("input => input.scrollWidth <= input.clientWidth")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("role", ["worker", "data_admin"])
def test_the_top_bar_is_one_row_at_360_px(
    page: Page,
    check_page: PageChecks,
    live_server: LiveServer,
    request: pytest.FixtureRequest,
    role: str,
    language: str,
) -> None:
    user: User = request.getfixturevalue(role)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    sign_in(page, check_page, live_server.url, user, language)
    boxes = page.locator("header nav > *").evaluate_all(
        "items => items.map(item => [item.getBoundingClientRect().top, item.getBoundingClientRect().bottom])"
    )
    # One row: every item overlaps every other vertically.
    assert max(top for top, _ in boxes) < min(bottom for _, bottom in boxes), f"the top bar wraps: {boxes}"
    assert page.locator("header").evaluate("header => header.scrollWidth <= window.innerWidth")
    assert page.locator("header").bounding_box()["height"] <= 64  # type: ignore[index]


def test_the_favicon_is_served(page: Page, live_server: LiveServer) -> None:
    response = page.request.get(live_server.url + "/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert response.body()[:4] == b"\x00\x00\x01\x00"  # an icon file
