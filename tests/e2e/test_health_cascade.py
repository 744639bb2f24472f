"""On a phone: a reactive test and its linkage to care over three contacts, seen on the person's
page and the team dashboard; an incident the person did not want counted is absent from the
organisation view while one they agreed to is counted."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from health.models import HealthTest, Incident, LinkageStep

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_contact_from_the_persons_page(page: Page, check_page: PageChecks, base_url: str, person: Client) -> None:
    page.goto(base_url + reverse("clients:detail", args=[person.code]))
    check_page()
    page.get_by_role("main").get_by_role("link", name="Log a contact").tap()
    expect(page.get_by_role("button", name="Save contact")).to_be_visible()
    check_page()


def save_contact(page: Page, check_page: PageChecks) -> None:
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Contact with"))
    check_page()


def test_a_reactive_test_and_its_linkage_over_three_contacts(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, person: Client
) -> None:
    sign_in(page, check_page, live_server.url, supervisor)
    in_a_week = timezone.localdate() + timedelta(days=7)

    # First contact: an HIV rapid test, reactive, with a follow-up in a week.
    log_contact_from_the_persons_page(page, check_page, live_server.url, person)
    page.get_by_text("Referral, overdose, health").tap()
    page.get_by_text("Tests (HIV, hepatitis, syphilis)").tap()
    hiv = page.get_by_role("group", name="HIV", exact=True)
    hiv.get_by_label("Result", exact=True).select_option(label="Reactive")
    hiv.get_by_label("Follow up on (a reactive result)").fill(in_a_week.isoformat())
    save_contact(page, check_page)
    test = HealthTest.objects.get()
    assert (test.client_id, test.kind, test.result, test.follow_up_on) == (person.pk, "hiv", "reactive", in_a_week)

    # Second contact: the confirmatory test.
    log_contact_from_the_persons_page(page, check_page, live_server.url, person)
    steps = page.locator("details.health-steps")
    expect(steps.locator("summary")).to_have_text("Linkage to care: 1 to follow up")
    steps.get_by_label("Step reached").select_option(label="Confirmatory test")
    save_contact(page, check_page)

    # Third contact: linked to care.
    log_contact_from_the_persons_page(page, check_page, live_server.url, person)
    page.locator("details.health-steps").get_by_label("Step reached").select_option(label="Linked to care")
    save_contact(page, check_page)
    assert list(LinkageStep.objects.order_by("created_at").values_list("step", "encounter__client_id")) == [
        ("confirmed", person.pk),
        ("linked", person.pk),
    ]

    # The person's page shows the cascade: the result, each step, and what comes next.
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    cascade = page.locator("ol.cascade")
    expect(cascade.locator("li")).to_have_count(2)
    expect(cascade.locator("li").nth(0)).to_contain_text("Confirmatory test")
    expect(cascade.locator("li").nth(1)).to_contain_text("Linked to care")
    expect(page.get_by_text("next: Treatment started")).to_be_visible()

    # The team dashboard counts it: tested, reactive, confirmed, linked, not yet on treatment.
    page.goto(live_server.url + reverse("core:home"))
    page.get_by_role("link", name="Team dashboard").tap()
    page.wait_for_url(live_server.url + reverse("dashboards:dashboard"))
    check_page()
    table = page.locator("table", has=page.locator("#cascade-caption"))
    row = table.locator("tr", has=page.get_by_role("rowheader", name="HIV", exact=True))
    expect(row.locator("td")).to_have_text(["1", "1", "1", "1", "0", "–"])


def test_an_incident_not_to_count_is_absent_from_the_organisation_view(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, data_admin: User
) -> None:
    # Last month: the organisation view shows complete months only.
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    sign_in(page, check_page, live_server.url, worker)
    page.get_by_role("link", name="Rights and safety incidents").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rights and safety incidents")
    check_page()
    for kind, may_count in (("Eviction", "No"), ("Violence", "Yes, the person agrees")):
        page.get_by_label("When it happened").fill(last_month.isoformat())
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("Who was involved").select_option(label="Someone else")
        page.get_by_label("Help that followed").select_option(label="Support from the team")
        page.get_by_label(may_count, exact=True).check()
        page.get_by_role("button", name="Save incident").tap()
        expect(page.get_by_role("status").first).to_contain_text("Incident recorded.")
        check_page()
    expect(page.locator("ul.incidents li", has_text="Eviction")).to_contain_text("not counted, as the person asked")
    assert set(Incident.objects.values_list("kind", "may_count", "happened_on")) == {
        ("eviction", False, last_month),
        ("violence", True, last_month),
    }

    page.context.clear_cookies()
    sign_in(page, check_page, live_server.url, data_admin)
    page.get_by_role("link", name="The organisation, anonymised").first.tap()
    page.wait_for_url(live_server.url + reverse("dashboards:organisation"))
    check_page()
    page.get_by_label("Period", exact=True).select_option(value=f"{last_month:%Y-%m}")
    page.get_by_role("button", name="Show").tap()
    page.wait_for_url(re.compile(r"period="))
    check_page()
    table = page.locator("table", has=page.locator("#incidents-caption"))
    # The incident the person agreed to count is counted (a small count: "fewer than 11", or
    # withheld with the words why); the one they did not is not there at all: none in the month.
    expect(table.locator("tr", has=page.get_by_role("rowheader", name="Violence")).locator("td")).to_have_text(
        re.compile("fewer than 11|withheld")
    )
    expect(table.locator("tr", has=page.get_by_role("rowheader", name="Eviction")).locator("td")).to_have_text("0")
