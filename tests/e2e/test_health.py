"""On a phone: a test with a reactive result and its linkage to care over three contacts,
seen on the person's page and on the team dashboard; a bad-batch alert on a teammate's Home
until it expires."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from health.models import Alert, HealthTest, Incident, LinkageStep

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_log_contact(page: Page, check_page: PageChecks, base_url: str, person: Client) -> None:
    page.goto(base_url + reverse("encounters:log") + f"?person={person.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a contact")
    check_page()


def save_contact(page: Page, check_page: PageChecks) -> None:
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("status").first).to_contain_text("Contact saved.")
    check_page()


def test_a_reactive_test_and_its_linkage_over_three_contacts(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, person: Client
) -> None:
    sign_in(page, check_page, live_server.url, supervisor)

    # First contact: an HIV rapid test, reactive, with a follow-up in a week.
    open_log_contact(page, check_page, live_server.url, person)
    page.locator("summary", has_text="Tests (HIV, hepatitis, syphilis)").tap()
    hiv = page.get_by_role("group", name="HIV", exact=True)
    hiv.get_by_label("Result").select_option(label="Reactive")
    in_a_week = timezone.localdate() + timedelta(days=7)
    hiv.get_by_label("Follow up on (a reactive result)").fill(in_a_week.isoformat())
    check_page()
    save_contact(page, check_page)
    test = HealthTest.objects.get()
    assert (test.kind, test.result, test.follow_up_on) == ("hiv", "reactive", in_a_week)

    # Second contact: the confirmatory test.
    open_log_contact(page, check_page, live_server.url, person)
    expect(page.locator("summary", has_text="Linkage to care: 1 to follow up")).to_be_visible()
    cascade = page.locator("fieldset.linkage-step", has=page.get_by_text("HIV", exact=True))
    cascade.get_by_label("Step reached").select_option(label="Confirmatory test")
    save_contact(page, check_page)

    # Third contact: linked to care, the next follow-up in two weeks.
    open_log_contact(page, check_page, live_server.url, person)
    cascade = page.locator("fieldset.linkage-step", has=page.get_by_text("HIV", exact=True))
    cascade.get_by_label("Step reached").select_option(label="Linked to care")
    in_two_weeks = timezone.localdate() + timedelta(days=14)
    cascade.get_by_label("Follow up on").fill(in_two_weeks.isoformat())
    save_contact(page, check_page)
    steps = list(LinkageStep.objects.order_by("created_at").values_list("step", "follow_up_on"))
    assert steps == [("confirmed", None), ("linked", in_two_weeks)]

    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    section = page.locator("section", has=page.get_by_role("heading", name="Tests and linkage to care"))
    open_cascade = section.locator(".health-open li")
    expect(open_cascade).to_contain_text("HIV")
    expect(open_cascade).to_contain_text("Reactive")
    expect(open_cascade).to_contain_text("Confirmatory test")
    expect(open_cascade).to_contain_text("Linked to care")
    expect(open_cascade).to_contain_text("next: Treatment started")

    page.goto(live_server.url + reverse("dashboards:dashboard"))
    check_page()
    row = page.locator("#cascade-caption").locator("xpath=..").locator("tr", has=page.locator("th", has_text="HIV"))
    cells = [text.strip() for text in row.locator("td").all_inner_texts()]
    # Tested, reactive, confirmed, linked to care, on treatment, cured (not a stage of HIV).
    assert cells == ["1", "1", "1", "1", "0", "–"]


def test_an_alert_shows_on_a_teammates_home_until_it_expires(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, worker: User
) -> None:
    sign_in(page, check_page, live_server.url, supervisor)
    page.get_by_role("link", name="Bad-batch alerts").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad-batch alerts")
    check_page()
    page.get_by_label("What was found, in English").fill("Brown powder with fentanyl, test strips positive")
    page.get_by_label("What was found, in Spanish").fill("Polvo marrón con fentanilo, tiras positivas")
    page.get_by_label("Area").fill("Bus station")
    page.get_by_role("button", name="Post alert").tap()
    expect(page.get_by_role("status").first).to_contain_text("Alert posted.")
    check_page()
    alert = Alert.objects.get()
    assert alert.status == "posted" and list(alert.teams.values_list("pk", flat=True)) == worker.team_ids

    page.context.clear_cookies()
    sign_in(page, check_page, live_server.url, worker)
    card = page.locator(".home-alert")
    expect(card).to_contain_text("Brown powder with fentanyl, test strips positive")
    expect(card).to_contain_text("Polvo marrón con fentanilo, tiras positivas")
    expect(card).to_contain_text("Bus station")
    card.get_by_role("link", name="Card to print").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad-batch alert")
    check_page()

    # Time passes: the alert's end comes (moved to a second ago rather than waiting for it).
    Alert.objects.filter(pk=alert.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page.goto(live_server.url + reverse("core:home"))
    check_page()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    expect(page.locator(".home-alert")).to_have_count(0)


def test_an_incident_the_person_did_not_want_counted_is_absent_from_the_organisation_view(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, data_admin: User
) -> None:
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=10)
    sign_in(page, check_page, live_server.url, worker)
    for kind, counted in (("Supplies confiscated by police", "No"), ("Violence", "Yes, the person agrees")):
        page.goto(live_server.url + reverse("health:incidents"))
        check_page()
        page.get_by_label("When it happened").fill(last_month.isoformat())
        page.get_by_label(kind).check()
        page.get_by_label("Who was involved").select_option(label="Police")
        page.get_by_label("Help that followed").select_option(label="Legal-aid referral")
        page.get_by_label(counted).check()
        page.get_by_role("button", name="Save incident").tap()
        expect(page.get_by_role("status").first).to_contain_text("Incident recorded.")
        check_page()
    assert sorted(Incident.objects.values_list("kind", "may_count")) == [
        ("supplies_confiscated", False),
        ("violence", True),
    ]

    page.context.clear_cookies()
    sign_in(page, check_page, live_server.url, data_admin)
    page.goto(live_server.url + reverse("dashboards:organisation"))
    check_page()
    table = page.locator("table", has=page.locator("caption", has_text="Rights and safety incidents"))
    counted_row = table.locator("tr", has=page.locator("th", has_text="Violence"))
    expect(counted_row.locator("td")).to_contain_text("fewer than 11")
    absent_row = table.locator("tr", has=page.locator("th", has_text="Supplies confiscated by police"))
    expect(absent_row.locator("td")).to_have_text("–")
