"""The dashboards in a browser: a supervisor on a phone (360 px) and on a laptop (1280 px),
and a data admin's organisation view; axe-core and the CSP checked on every page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from dashboards import rollups
from encounters.models import ServiceProvided, ServiceType, Site
from health.models import TeamVaccine, Vaccination
from tests.dashboards.helpers import check_in, instrument
from tests.factories import ClientFactory, EncounterFactory

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture
def figures(person: Client, worker: User, supervisor: User, site: Site) -> None:
    """Three months of contacts and check-ins for the team, taken into the rollups; a hepatitis
    B dose at each contact, and one dose of the team's own vaccine."""
    who5, ratings = instrument("who5"), instrument("self_ratings")
    syringes = ServiceType.objects.get(slug="sterile-syringes")
    now = timezone.now()
    people = [person, *(ClientFactory.create(home_team=person.home_team) for _ in range(3))]
    own = TeamVaccine.objects.create(team=person.home_team, name="Meningitis ACWY", doses=1)
    for index, someone in enumerate(people):
        for months_ago in range(3):
            when = now - timedelta(days=31 * months_ago + index)
            contact = EncounterFactory.create(client=someone, team=someone.home_team, worker=worker, site=site,
                                              happened_at=when)  # fmt: skip
            ServiceProvided.objects.create(encounter=contact, service_type=syringes, quantity=10)
            check_in(someone, who5, [index + 1, 3, 3, 2, months_ago], at=when, by=worker)
            check_in(someone, ratings, [5 + index, None, 6], at=when, by=worker)
            Vaccination.objects.create(client=someone, team=someone.home_team, encounter=contact,
                                       vaccine="hep_b", dose=3 - months_ago, given_on=timezone.localdate(when),
                                       created_by=worker)  # fmt: skip
    Vaccination.objects.create(client=person, team=person.home_team, vaccine="other", team_vaccine=own, dose=1,
                               given_on=timezone.localdate(), created_by=worker)  # fmt: skip
    rollups.refresh()


def row_of(page: Page, section: Locator, label: str) -> Locator:
    """The table row whose header reads `label`, exactly."""
    return section.locator("tr", has=page.get_by_role("rowheader", name=label, exact=True))


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_supervisor_reads_the_dashboard_on_a_phone_and_a_laptop(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, worker: User, figures: None
) -> None:
    sign_in(page, check_page, live_server.url, supervisor)
    page.get_by_role("link", name="Team dashboard").tap()
    page.wait_for_url(live_server.url + reverse("dashboards:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Team dashboard")
    check_page()
    no_sideways_scroll(page)
    expect(page.get_by_role("img", name="WHO-5 wellbeing each month")).to_be_visible()
    expect(page.get_by_role("img", name="Change in wellbeing since the first check-in")).to_be_visible()
    expect(page.get_by_role("link", name="People not seen for 30 days")).to_be_visible()

    # Vaccinations: doses the team gave and people vaccinated, the team's own vaccine by its name.
    vaccinations = page.locator("section", has=page.get_by_role("heading", name="Vaccinations"))
    vaccinations.scroll_into_view_if_needed()
    expect(row_of(page, vaccinations, "Hepatitis B").locator("td")).to_have_text(["12", "4"])
    expect(row_of(page, vaccinations, "Meningitis ACWY").locator("td")).to_have_text(["1", "1"])
    expect(row_of(page, vaccinations, "Tetanus").locator("td")).to_have_text(["0", "0"])

    # The numbers behind a chart, on a phone: folded under the chart until asked for.
    wellbeing = page.locator("section", has=page.get_by_role("heading", name="Wellbeing (WHO-5)"))
    table = wellbeing.get_by_role("table")
    expect(table).to_be_hidden()
    wellbeing.get_by_text("The numbers, month by month").tap()
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(13)  # a header and 12 months
    check_page()

    # The last 3 months of one worker's work.
    page.get_by_text("Choose the period, team or worker").tap()
    page.get_by_label("Period", exact=True).select_option(label="Last 3 months")
    page.get_by_label("Worker", exact=True).select_option(label=worker.get_full_name() or worker.username)
    page.get_by_role("button", name="Show").tap()
    expect(page.get_by_text(f"Work of {worker.get_full_name() or worker.username}")).to_be_visible()
    check_page()
    contacts = page.locator("section", has=page.get_by_role("heading", name="Contacts", exact=True))
    contacts.get_by_text("The numbers, month by month").tap()
    expect(contacts.get_by_role("row")).to_have_count(4)
    assert "worker=" in page.url and f"worker={worker.pk}&" not in page.url + "&"
    check_page()

    # On a laptop: two columns of charts, nothing to scroll sideways.
    page.set_viewport_size(LAPTOP)
    page.reload()
    check_page()
    no_sideways_scroll(page)
    first = page.locator("section", has=page.get_by_role("heading", name="Wellbeing (WHO-5)")).bounding_box()
    second = page.locator("section", has=page.get_by_role("heading", name="Change since the first check-in"))
    beside = second.bounding_box()
    assert first is not None and beside is not None
    assert beside["x"] > first["x"] + first["width"] - 1 and abs(beside["y"] - first["y"]) < 2


def test_a_data_admin_reads_the_organisation_view(
    page: Page, check_page: PageChecks, live_server: LiveServer, data_admin: User, figures: None
) -> None:
    sign_in(page, check_page, live_server.url, data_admin)
    page.get_by_role("link", name="The organisation, anonymised").first.tap()
    page.wait_for_url(live_server.url + reverse("dashboards:organisation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The organisation")
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    page.get_by_label("Period", exact=True).select_option(f"{last_month:%Y-%m}")
    page.get_by_role("button", name="Show").tap()
    page.wait_for_url("**period=*")
    check_page()
    no_sideways_scroll(page)
    teams = page.locator("section", has=page.get_by_role("heading", name="Team by team"))
    expect(teams.get_by_role("row", name="North")).to_contain_text("fewer than 11")
    # Doses per built-in vaccine, protected; the team's own vaccine only among "Other vaccines".
    vaccinations = page.locator("section", has=page.get_by_role("heading", name="Vaccinations"))
    expect(row_of(page, vaccinations, "Hepatitis B").locator("td")).to_contain_text(["fewer than 11"])
    expect(row_of(page, vaccinations, "Other vaccines").locator("td")).to_have_count(1)
    expect(page.get_by_text("Meningitis")).to_have_count(0)
    page.set_viewport_size(LAPTOP)
    page.reload()
    check_page()
    no_sideways_scroll(page)
