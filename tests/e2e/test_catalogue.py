"""A data admin adds a service type and makes it a quick button of a team; a worker of that
team then finds it among the large buttons on Log a contact, and records it."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, ServiceType, Site, TeamService

from .conftest import PageChecks, log_contact_address, sign_in
from .test_log_contact import NALOXONE, one_more, person_option, stored_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARPS_BIN = "Sharps bin"


def test_a_new_service_type_becomes_a_teams_quick_button(
    page: Page,
    check_page: PageChecks,
    live_server: LiveServer,
    data_admin: User,
    worker: User,
    team: Team,
    site: Site,
    person: Client,
) -> None:
    sign_in(page, check_page, live_server.url, data_admin)
    page.get_by_role("main").get_by_role("link", name="Services and sites").tap()
    expect(page).to_have_url(live_server.url + reverse("encounters:catalogue"))
    check_page()
    expect(page.get_by_text(person.preferred_name)).to_have_count(0)  # a data admin sees no people

    page.get_by_role("link", name="Add a service type").tap()
    expect(page).to_have_url(live_server.url + reverse("encounters:service_type_new"))
    check_page()
    page.get_by_label("Name").fill(SHARPS_BIN)
    page.get_by_label("Category").select_option(label="Disposal")
    page.get_by_label("Unit").fill("bins")
    expect(page.get_by_label("Count a quantity")).to_be_checked()
    page.get_by_role("button", name="Add service type").tap()
    expect(page.get_by_role("status")).to_have_text("Service type added.")
    disposal = page.locator("#category-disposal + ul")
    expect(disposal).to_contain_text(SHARPS_BIN)
    check_page()
    sharps = ServiceType.objects.get(name=SHARPS_BIN)
    assert (sharps.slug, sharps.category, sharps.unit, sharps.counts_quantity) == (
        "sharps-bin",
        "disposal",
        "bins",
        True,
    )

    page.get_by_role("link", name=team.name).tap()
    expect(page).to_have_url(live_server.url + reverse("encounters:team_catalogue", args=[team.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
    check_page()
    page.get_by_role("link", name="Choose quick buttons").tap()
    expect(page).to_have_url(live_server.url + reverse("encounters:quick_buttons", args=[team.pk]))
    check_page()
    page.get_by_label(SHARPS_BIN, exact=True).check()
    page.get_by_label(f"Position: {SHARPS_BIN}").fill("1")
    page.get_by_label(NALOXONE, exact=True).check()
    page.get_by_label(f"Position: {NALOXONE}").fill("2")
    page.get_by_role("button", name="Save quick buttons").tap()
    expect(page.get_by_role("status")).to_have_text("Quick buttons saved.")
    expect(page.locator("#buttons-heading + ol > li")).to_have_text([SHARPS_BIN, NALOXONE])
    check_page()
    buttons = TeamService.objects.filter(team=team).order_by("order").values_list("service_type__name", flat=True)
    assert list(buttons) == [SHARPS_BIN, NALOXONE]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CATALOGUE_CHANGED).count() == 2

    page.get_by_role("button", name="Sign out").tap()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_page()
    sign_in(page, check_page, live_server.url, worker)
    page.get_by_role("main").get_by_role("link", name="Log a contact").tap()
    expect(page).to_have_url(log_contact_address(live_server.url))
    check_page()
    # A large button, shown without opening anything: tap it twice, as for a bin of two.
    expect(one_more(page, SHARPS_BIN)).to_be_visible()
    person_option(page, person.preferred_name).tap()
    page.wait_for_load_state("networkidle")  # the panels drawn for the person settle first
    one_more(page, SHARPS_BIN).tap()
    one_more(page, SHARPS_BIN).tap()
    page.get_by_label("Site").select_option(label=site.name)
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()
    assert stored_services(Encounter.objects.get()) == {SHARPS_BIN: 2}
