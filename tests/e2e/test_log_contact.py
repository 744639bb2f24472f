"""A worker on a phone: sign in, register a person, log contacts (named and anonymous)."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from encounters.models import Encounter, Site
from tests.factories import ClientFactory, EncounterFactory

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYRINGES = "Sterile syringes"
NALOXONE = "Naloxone kit"
CONDOMS = "Condoms"
TYPICAL_CONTACT_TAPS = 8


def person_option(page: Page, name: str) -> Locator:
    """The label is the tap target: the radio input itself is visually hidden (btn-check)."""
    return page.locator("label.picker-option", has_text=name)


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
    check_page()
    person = Client.objects.get(preferred_name="Robin")
    assert person.home_team_id == site.team_id

    page.get_by_role("navigation").get_by_role("link", name="Log a contact").tap()
    expect(page).to_have_url(live_server.url + reverse("encounters:log"))
    check_page()
    person_option(page, "Robin").tap()
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


def test_worker_logs_an_anonymous_contact_with_a_head_count(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, site: Site
) -> None:
    sign_in(page, check_page, live_server.url, worker)

    page.get_by_role("main").get_by_role("link", name="Log a contact").tap()
    expect(page).to_have_url(live_server.url + reverse("encounters:log"))
    check_page()
    person_option(page, "Anonymous contact").tap()
    page.get_by_label("How many people").fill("3")
    one_more(page, NALOXONE).tap()
    one_more(page, NALOXONE).tap()
    page.get_by_role("button", name="Save contact").tap()

    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymous contact (3 people)")
    check_page()
    encounter = Encounter.objects.get()
    assert (encounter.client_id, encounter.head_count, encounter.team_id) == (None, 3, site.team_id)
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
    """A person seen recently, three services with quantities, at the site worked last."""
    person = ClientFactory.create(home_team=site.team, preferred_name="Sasha")
    EncounterFactory.create(client=person, team=site.team, worker=worker, site=site)
    ClientFactory.create_batch(3, home_team=site.team)
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()

    thumb = TapCounter()
    thumb.tap(person_option(page, "Sasha"))
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
