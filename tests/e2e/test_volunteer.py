"""A distribution volunteer on a 360 px phone: logs an anonymous contact with supplies for
others and a reversal the person reported, with its naloxone refill; then a contact with a
person of the team, whose page shows only what a volunteer may see."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client, SafetyFlag
from encounters.models import Encounter, ForOthers, ReportedReversal, ServiceType, Site, StockLevel
from encounters.services.stock import receive_delivery

from .conftest import PageChecks, log_contact_address, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    expect(page.locator(".htmx-request")).to_have_count(0)


def test_a_volunteer_logs_supplies_for_others_and_a_reported_reversal_with_its_refill(
    page: Page,
    check_page: PageChecks,
    live_server: LiveServer,
    volunteer: User,
    supervisor: User,
    site: Site,
    person: Client,
) -> None:
    kit = ServiceType.objects.get(slug="naloxone-kit")
    receive_delivery(actor=supervisor, team=site.team, service_type=kit, quantity=30, on=timezone.localdate())
    SafetyFlag.objects.create(client=person, text="Meet in pairs")
    sign_in(page, check_page, live_server.url, volunteer)
    expect(page.get_by_role("link", name="Follow-ups due")).to_have_count(0)

    page.get_by_role("link", name="Log a contact").first.tap()
    expect(page).to_have_url(log_contact_address(live_server.url))
    check_page()
    page.locator("label.picker-option", has_text="Anonymous contact").tap()
    settle(page)
    page.get_by_text("More services", exact=True).tap()  # supplies for others and reversals are in there
    page.get_by_text("Supplies for others (secondary distribution)").tap()
    for _ in range(3):
        page.locator(".for-others").get_by_role("button", name="One more: Naloxone kit").tap()
    page.get_by_label("About how many people are they for?").fill("4")
    page.get_by_text("They used naloxone on someone (a reversal)").tap()
    page.get_by_label("They used naloxone on someone", exact=True).check()
    page.locator(".reversal").get_by_label("Survived").check()
    page.locator(".reversal").get_by_label("Not called").check()
    expect(page.get_by_label("Give a naloxone refill (adds one naloxone kit to what was given)")).to_be_checked()
    check_page()
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()

    encounter = Encounter.objects.get()
    assert (encounter.worker_id, encounter.client_id) == (volunteer.pk, None)
    assert dict(encounter.services.values_list("service_type__slug", "quantity")) == {"naloxone-kit": 1}
    made = ForOthers.objects.get(encounter=encounter)
    assert made.people == 4
    assert dict(made.items.values_list("service_type__slug", "quantity")) == {"naloxone-kit": 3}
    report = ReportedReversal.objects.get()
    assert (report.outcome, report.emergency_services, report.month) == (
        "survived",
        "not_called",
        timezone.localdate().replace(day=1),
    )
    assert StockLevel.objects.get(service_type=kit).on_hand == 30 - 1 - 3

    # A person of the team: their page shows the code, the flag and only the volunteer's contacts.
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    expect(page.get_by_text("Meet in pairs")).to_be_visible()
    expect(page.get_by_role("heading", name="Contacts you logged")).to_be_visible()
    expect(page.get_by_text("Add a safety flag")).to_have_count(0)
    expect(page.get_by_text("Year of birth")).to_have_count(0)
