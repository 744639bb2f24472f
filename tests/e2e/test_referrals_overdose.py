"""On a phone, outside Log a contact: a referral added from the person's page, found in the
follow-ups list and marked attended; an overdose response recorded on its own for a person
found by search; the supervisors' list of responses."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from encounters.models import OverdoseResponse, Referral, ReferralUpdate, Site

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referral_added_on_its_own_is_followed_up_and_marked_attended(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    page.get_by_role("link", name="Add a referral").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a referral")
    check_page()
    page.get_by_label("Referred to").select_option(label="Housing")
    page.get_by_label("Where (partner organisation)").fill("Open Door Housing")
    page.get_by_label("Status").select_option(label="Made")
    in_two_days = timezone.localdate() + timedelta(days=2)
    page.get_by_label("Follow up on").fill(in_two_days.isoformat())
    page.get_by_role("button", name="Save referral").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral: Housing")
    check_page()
    referral = Referral.objects.get()
    assert (referral.status, referral.follow_up_on, referral.partner) == ("made", in_two_days, "Open Door Housing")

    page.goto(live_server.url + reverse("core:home"))
    check_page()
    page.get_by_role("link", name="Follow-ups due").tap()
    page.wait_for_url(live_server.url + reverse("encounters:followups_mine"))
    check_page()
    coming = page.locator("section", has=page.get_by_role("heading", name="In the next 7 days"))
    expect(coming.get_by_role("link", name="Robin")).to_be_visible()
    page.get_by_role("link", name="The team's").tap()
    page.wait_for_url(live_server.url + reverse("encounters:followups_team"))
    check_page()
    page.get_by_role("link", name="Housing").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral: Housing")
    check_page()

    page.get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Save update").tap()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text("Referral updated.")
    check_page()
    referral.refresh_from_db()
    assert (referral.status, referral.follow_up_on) == ("attended", None)
    assert ReferralUpdate.objects.filter(referral=referral).count() == 2
    page.get_by_role("link", name="Robin").tap()
    page.wait_for_url(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    expect(page.get_by_role("heading", name="Settled")).to_be_visible()


def test_an_overdose_response_on_its_own_for_a_person_found_by_search(
    page: Page,
    check_page: PageChecks,
    live_server: LiveServer,
    supervisor: User,
    person: Client,
    site: Site,
) -> None:
    sign_in(page, check_page, live_server.url, supervisor)
    page.get_by_role("link", name="Record an overdose response").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdose response")
    check_page()
    expect(page.get_by_label("No one named (not known, or not registered)")).to_be_checked()
    page.get_by_label("Find by code or name").fill("robin")
    page.locator("label.picker-option", has_text="Robin").tap()
    check_page()
    page.get_by_label("Site").select_option(label="Bus station")
    page.get_by_label("Naloxone doses given").fill("2")
    page.get_by_label("Not called, as the person asked").check()
    page.get_by_label("Declined transport").check()
    page.get_by_label("Short debrief").fill("Two doses; responsive after a few minutes. Stayed with them.")
    page.get_by_role("button", name="Save overdose response").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdose response")
    check_page()
    response = OverdoseResponse.objects.get()
    assert (response.client_id, response.site_id, response.naloxone_doses) == (person.pk, site.pk, 2)
    assert (response.emergency_services, response.outcome) == ("not_called_wishes", "declined_transport")

    page.goto(live_server.url + reverse("core:home"))
    check_page()
    page.get_by_role("link", name="Overdose responses").tap()
    page.wait_for_url(live_server.url + reverse("encounters:overdose_list"))
    check_page()
    expect(page.get_by_role("row").nth(1)).to_contain_text(re.compile(r"1\s+2\s+0"))
    expect(page.get_by_role("link", name=re.compile(r"\d"))).to_have_count(1)
