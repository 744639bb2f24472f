"""On a phone: a supervisor adds a vaccine of the team's own and gives it a note; a worker
gives its first dose at a contact and reads it by name on the person's page and, in Spanish,
on the health record (the team's words as typed); once retired, Log a contact no longer offers
it and the dose still shows."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from health.models import TeamVaccine, Vaccination

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_vaccinations(page: Page, check_page: PageChecks, base_url: str, person: Client) -> None:
    page.goto(base_url + reverse("clients:detail", args=[person.code]))
    check_page()
    page.get_by_role("main").get_by_role("link", name="Log a contact").tap()
    expect(page.get_by_role("button", name="Save contact")).to_be_visible()
    page.get_by_text("Referral, overdose, health").tap()
    page.get_by_text("Vaccinations", exact=True).tap()
    check_page()


def test_a_supervisor_adds_a_vaccine_a_worker_gives_a_dose_and_it_shows_by_name(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, worker: User, person: Client
) -> None:
    base = live_server.url
    sign_in(page, check_page, base, supervisor)
    page.get_by_role("link", name="The team's vaccines").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("The team's vaccines")
    expect(page.get_by_text("No vaccines of the team's own yet.")).to_be_visible()
    check_page()
    page.get_by_role("link", name=re.compile("^Add a vaccine")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a vaccine")
    check_page()
    page.get_by_label("Name, in the team's words").fill("Meningitis ACWY")
    page.get_by_label("Doses in a full course").select_option("2")
    page.get_by_label("Note (optional)").fill("Eight weeks apart")
    page.get_by_role("button", name="Add vaccine").tap()
    expect(page.get_by_role("status")).to_have_text("Vaccine added.")
    row = page.locator("li.team-vaccine", has_text="Meningitis ACWY")
    expect(row).to_contain_text("2 doses in a full course · given 0 times")
    expect(row).to_contain_text("Eight weeks apart")
    check_page()

    page.context.clear_cookies()
    sign_in(page, check_page, base, worker)
    open_vaccinations(page, check_page, base, person)
    own = page.locator("fieldset.vaccination", has_text="Meningitis ACWY")
    expect(own).to_contain_text("Eight weeks apart")
    expect(own.get_by_label("Dose").locator("option")).to_have_text(["Not given", "Dose 1", "Dose 2"])
    own.get_by_label("Dose").select_option(label="Dose 1")
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Contact with"))
    check_page()
    stored = Vaccination.objects.values_list("client", "vaccine", "team_vaccine__name", "dose").get()
    assert stored == (person.pk, "other", "Meningitis ACWY", 1)

    page.goto(base + reverse("clients:detail", args=[person.code]))
    check_page()
    expect(page.locator("ul.health-prevention li", has_text="Meningitis ACWY")).to_contain_text("dose 1")
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": base}])
    page.goto(base + reverse("health:person_health", args=[person.code]))
    check_page()
    expect(page.locator("ul.health-vaccinations-list li")).to_contain_text("Meningitis ACWY: dosis 1")

    # Retired by the supervisor: no longer offered; the dose given still shows it.
    page.context.clear_cookies()
    sign_in(page, check_page, base, supervisor)
    page.goto(base + reverse("health:team_vaccine_list"))
    page.locator("li.team-vaccine", has_text="Meningitis ACWY").get_by_role("button", name=re.compile("^Retire")).tap()
    expect(page.get_by_role("status")).to_have_text("Retired. Doses given still show it.")
    expect(page.locator("li.team-vaccine", has_text="Meningitis ACWY")).to_contain_text("given 1 time")
    check_page()
    assert not TeamVaccine.objects.get().is_active
    open_vaccinations(page, check_page, base, person)
    expect(page.locator("fieldset.vaccination", has_text="Meningitis ACWY")).to_have_count(0)
    page.goto(base + reverse("clients:detail", args=[person.code]))
    expect(page.locator("ul.health-prevention li", has_text="Meningitis ACWY")).to_contain_text("dose 1")
    check_page()
