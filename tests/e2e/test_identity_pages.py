"""Identity, consent and safety flags in a phone browser: every new page passes axe and the
CSP, the flag is the first thing on the person's page, and the edit page saves."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Alias, Client, Consent, ConsentKind, SafetyFlag

from .conftest import PageChecks, log_contact_address, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep phone screenshots of each page (for a human look; not asserted).
SHOTS = os.environ.get("ALONGSIDE_SHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True, animations="disabled")


def test_a_worker_sees_the_flag_first_edits_identity_and_records_consent(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client
) -> None:
    SafetyFlag.objects.create(client=person, text="Do not visit alone", expires_on=timezone.localdate())
    Alias.objects.create(client=person, name="Birdie")
    Consent.objects.create(
        client=person,
        kind=ConsentKind.objects.get(slug=ConsentKind.RECORD_KEEPING),
        decision=Consent.Decision.GIVEN,
        recorded_by=worker,
        expires_on=timezone.localdate() + timedelta(days=12),
    )
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    expect(page.get_by_role("alert").first).to_contain_text("Do not visit alone")
    expect(page.get_by_text("Renewal due soon", exact=True)).to_be_visible()
    shot(page, "person")

    page.get_by_role("link", name="Edit").tap()
    page.wait_for_url(live_server.url + reverse("clients:edit", args=[person.code]))
    check_page()
    page.get_by_label("Pronouns").fill("they/them")
    page.get_by_label("Phone call").check()
    page.get_by_label("Contact details").fill("600 123 456")
    shot(page, "edit")
    page.get_by_role("button", name="Save", exact=True).tap()
    expect(page.get_by_text("Leave no message.")).to_be_visible()
    check_page()
    expect(page.get_by_text("they/them")).to_be_visible()

    page.get_by_text("Record a decision").tap()
    page.get_by_label("Consent to").select_option(label="Follow-up contact")
    page.get_by_label("Declined").check()
    page.get_by_role("button", name="Record the decision").tap()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    check_page()
    assert Consent.objects.filter(client=person, decision=Consent.Decision.DECLINED).count() == 1

    page.get_by_role("link", name="Log a contact").last.tap()
    page.wait_for_url(log_contact_address(live_server.url, f"person={person.code}&"))
    check_page()
    expect(page.get_by_role("alert")).to_contain_text("Do not visit alone")
    shot(page, "log")


def test_a_supervisor_opens_the_renewal_list(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, person: Client
) -> None:
    Consent.objects.create(
        client=person,
        kind=ConsentKind.objects.get(slug=ConsentKind.RECORD_KEEPING),
        decision=Consent.Decision.GIVEN,
        recorded_by=supervisor,
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    sign_in(page, check_page, live_server.url, supervisor)
    page.get_by_role("link", name="Consent due for renewal").tap()
    page.wait_for_url(live_server.url + reverse("clients:consents_expiring"))
    check_page()
    expect(page.get_by_role("link", name="Robin")).to_be_visible()
    expect(page.get_by_text("Expired", exact=True)).to_be_visible()
    shot(page, "expiring")
