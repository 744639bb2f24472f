"""Wellbeing check-ins on a phone: a WHO-5 during a contact with one item declined, then one on its own."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from encounters.models import Encounter
from outcomes.models import Answer, CheckIn

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS = {
    "I have felt cheerful and in good spirits": "More than half of the time",
    "I have felt calm and relaxed": "Prefer not to say",
    "I have felt active and vigorous": "More than half of the time",
    "I woke up feeling fresh and rested": "Less than half of the time",
    "My daily life has been filled with things that interest me": "Most of the time",
}


def answer(where: Locator, question: str, choice: str) -> None:
    where.locator("fieldset", has_text=question).locator("label", has_text=re.compile(f"^{choice}$")).tap()


def test_a_who5_check_in_during_a_contact_with_one_item_declined(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    expect(page.get_by_role("heading", name="Wellbeing")).to_be_visible()
    check_page()
    page.get_by_role("main").get_by_role("link", name="Log a contact").tap()

    # The panel is inside the contact's form; the person may skip any item or prefer not to say.
    panel = page.locator("#contact-checkin-panel")
    panel.get_by_text("Wellbeing check-in").tap()  # closed until opened
    panel.get_by_text("WHO-5 Wellbeing Index").tap()
    who5 = panel.locator(".checkin-answers[data-instrument='who5']")
    expect(who5.get_by_text("CC BY-NC-SA 3.0 IGO")).to_be_visible()
    for question, choice in ITEMS.items():
        answer(who5, question, choice)
    expect(who5.get_by_role("status")).to_have_text(
        re.compile(r"Kept for this contact:\s+4 answers, 1 prefer not to say\.\s+No total: it needs 5 answers\.")
    )
    check_page()
    assert not CheckIn.objects.exists()  # nothing is a check-in until the contact is saved

    # One submit for the worker: the contact, and with it the check-in.
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Contact with"))
    check_page()
    encounter = Encounter.objects.get()
    check_in = CheckIn.objects.select_related("instrument").get()
    assert (check_in.encounter_id, check_in.client_id, check_in.recorded_by_id) == (encounter.pk, person.pk, worker.pk)
    assert (check_in.instrument.slug, check_in.total, check_in.taken_at) == ("who5", None, encounter.happened_at)
    answers = {
        a.item.key: (a.value, a.is_declined) for a in Answer.objects.select_related("item").filter(check_in=check_in)
    }
    assert answers == {
        "cheerful": (3, False),
        "calm": (None, True),
        "active": (3, False),
        "rested": (2, False),
        "interested": (4, False),
    }

    # Later, on its own page: all five answered gives the total; the person's page charts it.
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    expect(page.get_by_role("table")).to_contain_text("no total (1 not answered)")
    check_page()
    page.get_by_role("main").get_by_role("link", name="WHO-5 Wellbeing Index").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("WHO-5 Wellbeing Index")
    check_page()
    form = page.get_by_role("main")
    for question in ITEMS:
        answer(form, question, "Most of the time")
    page.get_by_role("button", name="Save check-in").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin")
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text("Check-in saved.")
    expect(page.locator("svg title").filter(has_text="WHO-5 wellbeing over time")).to_have_count(1)
    expect(page.get_by_text("First total: 80")).to_be_visible()
    check_page()
    assert CheckIn.objects.filter(total=80).count() == 1
