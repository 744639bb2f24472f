"""A worker on a phone: sign in, register a person, log contacts (named and anonymous)."""

import time
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from encounters.models import Encounter, OverdoseResponse, Referral, ServiceType, Site, TeamService
from tests.factories import ClientFactory, EncounterFactory

from .conftest import PageChecks, log_contact_address, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYRINGES = "Sterile syringes"
NALOXONE = "Naloxone kit"
CONDOMS = "Condoms"
TYPICAL_CONTACT_TAPS = 8


def person_option(page: Page, name: str) -> Locator:
    """The label is the tap target: the radio input itself is visually hidden (btn-check)."""
    return page.locator("label.picker-option", has_text=name)


def choose(page: Page, name: str) -> None:
    """Tap a person (or Anonymous) and let the panels htmx draws for them settle.

    Choosing a person draws the goals, check-in and referral panels above the services; a
    tap on a stepper while they are still arriving could land on a moved target.
    """
    person_option(page, name).tap()
    page.wait_for_load_state("networkidle")
    # htmx marks an element while its request is out (a loaded machine can be slower than
    # networkidle's half second): tapping a panel being redrawn would tap the old one.
    expect(page.locator(".htmx-request")).to_have_count(0)


def one_more(page: Page, service: str) -> Locator:
    return page.locator('.step-button[data-step="1"]').and_(page.get_by_role("button", name=f"One more: {service}"))


def stored_services(encounter: Encounter) -> dict[str, int]:
    return {row.service_type.name: row.quantity for row in encounter.services.select_related("service_type")}


def test_worker_registers_a_person_and_logs_a_contact(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    sign_in(page, check_page, live_server.url, worker)

    page.goto(live_server.url + reverse("clients:register"))
    check_page()
    page.get_by_label("The person agrees that the team keeps a record about them").check()
    page.get_by_label("Name they use").fill("Robin")
    page.get_by_role("button", name="Register").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin")
    person = Client.objects.get(preferred_name="Robin")
    expect(page.get_by_role("status")).to_have_text(f"Person registered. Their code is {person.code}.")
    check_page()
    assert person.home_team_id == site.team_id
    page.reload()  # said once
    expect(page.get_by_role("status")).to_have_count(0)
    check_page()

    page.get_by_role("navigation").get_by_role("link", name="Log a contact").tap()
    expect(page).to_have_url(log_contact_address(live_server.url))
    check_page()
    choose(page, "Robin")
    expect(one_more(page, CONDOMS)).to_be_hidden()  # not a quick button: under More services
    page.get_by_text("More services").tap()
    for service, quantity in [(SYRINGES, 3), (NALOXONE, 1), (CONDOMS, 2)]:
        for _ in range(quantity):
            one_more(page, service).tap()
    page.get_by_label("Site").select_option(label=site.name)
    check_page()  # the chosen person and the filled-in steppers must stay readable too
    page.get_by_role("button", name="Save contact").tap()

    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact with Robin")
    check_page()
    encounter = Encounter.objects.get()
    assert (encounter.client_id, encounter.worker_id, encounter.site_id) == (person.pk, worker.pk, site.pk)
    assert stored_services(encounter) == {SYRINGES: 3, NALOXONE: 1, CONDOMS: 2}
    assert page.url == live_server.url + reverse("encounters:detail", kwargs={"encounter_id": encounter.pk})


def test_worker_logs_an_anonymous_group_contact_with_age_and_gender(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    ClientFactory.create(home_team=site.team, preferred_name="Kim", last_seen_at=timezone.now())
    sign_in(page, check_page, live_server.url, worker)

    page.get_by_role("main").get_by_role("link", name="Log a contact").tap()
    expect(page).to_have_url(log_contact_address(live_server.url))
    check_page()
    expect(page.get_by_label("How many people", exact=True)).to_be_hidden()  # only while Anonymous is chosen
    choose(page, "Anonymous contact")
    page.get_by_label("How many people", exact=True).fill("3")
    page.get_by_label("Rough age").select_option(label="25 to 34")
    page.get_by_label("Gender").select_option(label="Non-binary")
    choose(page, "Kim")  # a slip of the thumb: what was typed stays, only hidden
    expect(page.get_by_label("Rough age")).to_be_hidden()
    choose(page, "Anonymous contact")
    expect(page.get_by_label("How many people", exact=True)).to_have_value("3")
    one_more(page, NALOXONE).tap()
    one_more(page, NALOXONE).tap()
    expect(page.get_by_text("Referrals and an overdose response can be added here")).to_be_visible()
    check_page()
    page.get_by_role("button", name="Save contact").tap()

    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymous contact (3 people)")
    check_page()
    encounter = Encounter.objects.get()
    assert (encounter.client_id, encounter.head_count, encounter.team_id) == (None, 3, site.team_id)
    assert (encounter.age_band, encounter.gender) == ("25_34", "non_binary")
    assert stored_services(encounter) == {NALOXONE: 2}


class TapCounter:
    """Taps the worker's thumb makes; `tap` is the only way this test touches the page."""

    def __init__(self) -> None:
        self.count = 0

    def tap(self, target: Locator, **options: Any) -> None:
        self.count += 1
        target.tap(**options)


def test_typical_contact_takes_at_most_eight_taps(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    """A person seen recently, three services with quantities, at the site worked last.

    The team's quick buttons are set (syringes, naloxone, condoms, used equipment returned):
    all three services are quick buttons, so nothing needs opening.
    """
    for order, slug in enumerate(["sterile-syringes", "naloxone-kit", "condoms", "used-equipment-returned"]):
        TeamService.objects.create(team=site.team, service_type=ServiceType.objects.get(slug=slug), order=order)
    person = ClientFactory.create(home_team=site.team, preferred_name="Sasha")
    EncounterFactory.create(client=person, team=site.team, worker=worker, site=site)
    ClientFactory.create_batch(3, home_team=site.team)
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()

    thumb = TapCounter()
    thumb.tap(person_option(page, "Sasha"))
    page.wait_for_load_state("networkidle")  # not a tap: the panels drawn for Sasha settle
    for service, quantity in [(SYRINGES, 2), (NALOXONE, 1), (CONDOMS, 2)]:
        for _ in range(quantity):
            thumb.tap(one_more(page, service))
    thumb.tap(page.get_by_role("button", name="Save contact"))

    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()
    assert thumb.count <= TYPICAL_CONTACT_TAPS, f"{thumb.count} taps for a typical contact"
    _earlier, encounter = Encounter.objects.filter(client=person).order_by("created_at")
    assert encounter.site_id == site.pk
    assert stored_services(encounter) == {SYRINGES: 2, NALOXONE: 1, CONDOMS: 2}


def save_contact(page: Page, check_page: PageChecks) -> Encounter:
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()
    return Encounter.objects.order_by("-created_at").first()  # type: ignore[return-value]


def test_a_referral_made_at_one_contact_is_marked_attended_at_the_next(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    person = ClientFactory.create(home_team=site.team, preferred_name="Noor", last_seen_at=timezone.now())
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()

    choose(page, "Noor")
    page.get_by_text("Referral, overdose, health").tap()
    page.get_by_text("Make a referral").tap()
    page.get_by_label("Referred to").select_option(label="Housing")
    page.get_by_label("Where (partner organisation)").fill("Casa Abierta")
    check_page()
    first = save_contact(page, check_page)
    referral = Referral.objects.get()
    assert (referral.client_id, referral.encounter_id, referral.status) == (person.pk, first.pk, "made")

    page.get_by_role("link", name="Log another contact").tap()
    expect(page).to_have_url(log_contact_address(live_server.url))
    check_page()
    choose(page, "Noor")  # htmx draws Noor's open referrals
    page.get_by_text("Their open referral (1)").tap()
    expect(page.get_by_text("Casa Abierta")).to_be_visible()
    page.get_by_role("group", name="Housing").get_by_label("Attended", exact=True).check()
    check_page()
    second = save_contact(page, check_page)

    assert second.pk != first.pk
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ATTENDED
    assert list(referral.updates.order_by("at").values_list("status", "encounter_id")) == [
        ("made", first.pk),
        ("attended", second.pk),
    ]


def test_an_overdose_response_at_a_contact(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    person = ClientFactory.create(home_team=site.team, preferred_name="Ari", last_seen_at=timezone.now())
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()

    choose(page, "Ari")
    one_more(page, NALOXONE).tap()
    page.get_by_text("Referral, overdose, health").tap()
    page.get_by_text("Overdose response").tap()
    page.get_by_label("Naloxone doses given").fill("2")
    page.get_by_label("Not called: the person's wishes").check()
    page.get_by_label("Responsive on scene").check()
    page.get_by_label("Short factual debrief (optional)").fill("Breathing again after the second dose.")
    page.get_by_label("Site").select_option(label=site.name)
    check_page()
    encounter = save_contact(page, check_page)

    response = OverdoseResponse.objects.get()
    assert (response.encounter_id, response.client_id, response.site_id) == (encounter.pk, person.pk, site.pk)
    assert (response.naloxone_doses, response.emergency_services, response.outcome) == (
        2,
        "not_called_wishes",
        "responsive",
    )
    assert stored_services(encounter) == {NALOXONE: 1}


def slow_post(route: Route) -> None:
    if route.request.method == "POST":
        time.sleep(0.4)
    route.continue_()


def test_the_id_is_the_page_s_and_a_double_tap_sends_one_contact(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    ClientFactory.create(home_team=site.team, preferred_name="Lee", last_seen_at=timezone.now())
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()
    browser_id = page.locator(".log-form input[name='id']").input_value()
    assert page.url.endswith(f"?contact={browser_id}")  # in the page's address: Back brings it again

    posts: list[str] = []  # form submissions (htmx requests to the same address are not navigations)
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and r.is_navigation_request() else None)
    choose(page, "Lee")
    one_more(page, SYRINGES).tap()
    # A second tap while the first is on its way (a slow connection): the answer is held back.
    page.route("**" + reverse("encounters:log") + "*", slow_post)
    page.locator("button[name='save']").evaluate("button => { button.click(); setTimeout(() => button.click(), 150); }")

    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()
    saves = [url for url in posts if reverse("encounters:log") in url]
    assert len(saves) == 1, saves
    encounter = Encounter.objects.get()
    assert str(encounter.pk) == browser_id


# Counts the submissions the page lets through (the guard runs first, on the document),
# and keeps them from leaving, so the test can tap on while "nothing comes back".
HOLD_SUBMISSIONS = """
window.__sent = [];
window.__hold = (event) => {
  if (!event.defaultPrevented) { window.__sent.push(new FormData(event.target).get("id")); }
  event.preventDefault();
};
window.addEventListener("submit", window.__hold);
"""


def test_a_stalled_submission_can_be_sent_again_and_is_stored_once(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    """The guard holds back a second tap, but not a retry a while later (a weak connection)."""
    ClientFactory.create(home_team=site.team, preferred_name="Dee", last_seen_at=timezone.now())
    sign_in(page, check_page, live_server.url, worker)
    page.clock.install()
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()
    choose(page, "Dee")
    one_more(page, SYRINGES).tap()
    page.evaluate(HOLD_SUBMISSIONS)
    save = page.locator("button[name='save']")

    save.tap()
    expect(save).to_have_text("Saving…")
    save.tap()  # nothing seems to happen: a second tap
    assert page.evaluate("window.__sent.length") == 1
    page.clock.run_for(10_000)  # still nothing: the worker tries again
    expect(save).to_have_text("Save contact")
    save.tap()
    sent = page.evaluate("window.__sent")
    assert len(sent) == 2
    assert sent[0] == sent[1]  # the same id: the server stores it once

    page.evaluate('window.removeEventListener("submit", window.__hold)')
    page.clock.run_for(10_000)
    save.tap()  # this time the answer comes
    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()
    assert str(Encounter.objects.get().pk) == sent[0]
