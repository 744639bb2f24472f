"""Correcting a contact in a phone browser, two people at once, and the contact lists: every
page passes axe and the CSP, the steppers work, and the second save shows both versions."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from encounters.models import Encounter, ServiceProvided, ServiceType
from tests.factories import ClientFactory

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_people_correct_a_contact_at_once_and_the_second_keeps_what_they_typed(
    page: Page,
    check_page: PageChecks,
    new_context: Callable[..., Any],
    live_server: LiveServer,
    worker: User,
    supervisor: User,
    encounter: Encounter,
) -> None:
    ServiceProvided.objects.create(
        encounter=encounter, service_type=ServiceType.objects.get(slug="condoms"), quantity=5
    )
    edit = live_server.url + reverse("encounters:edit", args=[encounter.pk])

    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:detail", args=[encounter.pk]))
    check_page()
    page.get_by_role("link", name="Correct this contact").tap()
    page.wait_for_url(edit)
    check_page()
    page.get_by_role("button", name="One more: Condoms").tap()
    expect(page.get_by_label("Condoms", exact=True)).to_have_value("6")
    page.get_by_label("Note").fill("Asked about the drop-in hours")

    # Meanwhile a supervisor corrects the same contact, on another phone.
    other = new_context().new_page()
    other_checks = PageChecks(other)
    sign_in(other, other_checks, live_server.url, supervisor)
    other.goto(edit)
    other_checks()
    other.get_by_label("Kind of contact").select_option("van")
    other.get_by_role("button", name="Save correction").tap()
    other.wait_for_url(live_server.url + reverse("encounters:detail", args=[encounter.pk]))
    other_checks()

    page.get_by_role("button", name="Save correction").tap()
    expect(
        page.get_by_role("heading", name="Someone else saved this contact while you were correcting it")
    ).to_be_visible()
    check_page()
    expect(page.locator("tr.table-warning")).to_have_count(3)  # kind, services and note differ
    expect(page.get_by_label("Note")).to_have_value("Asked about the drop-in hours")
    expect(page.get_by_label("Condoms", exact=True)).to_have_value("6")
    page.get_by_role("button", name="Save my version").tap()
    page.wait_for_url(live_server.url + reverse("encounters:detail", args=[encounter.pk]))
    check_page()
    expect(page.get_by_text("Correction saved.")).to_be_visible()
    encounter.refresh_from_db()
    assert (encounter.kind, encounter.note, encounter.version) == ("street", "Asked about the drop-in hours", 3)


def test_the_lists_today_a_timeline_and_people_not_seen(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client, encounter: Encounter
) -> None:
    for hours in range(1, 27):
        Encounter.objects.create(
            client=person,
            team=person.home_team,
            worker=worker,
            happened_at=timezone.now() - timedelta(days=2, hours=hours),
        )
    ClientFactory.create(
        home_team=person.home_team, preferred_name="Sam", last_seen_at=timezone.now() - timedelta(days=45)
    )
    sign_in(page, check_page, live_server.url, worker)

    page.get_by_role("link", name="Your contacts today").tap()
    page.wait_for_url(live_server.url + reverse("encounters:today"))
    check_page()
    expect(page.locator("#today-rows")).to_contain_text("Robin")

    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    expect(page.get_by_role("heading", name="27 contacts")).to_be_visible()
    page.get_by_role("link", name="Older contacts").tap()
    page.wait_for_url("**/contacts/person/**?before=*")
    check_page()
    timeline = page.locator("#timeline-rows > li")
    expect(timeline).to_have_count(7)  # the 7 oldest

    page.goto(live_server.url + reverse("encounters:timeline", args=[person.code]))
    check_page()
    expect(timeline).to_have_count(26)  # 25 and the "Older contacts" button
    page.get_by_role("link", name="Older contacts").tap()  # htmx appends the next rows in place
    expect(timeline).to_have_count(27)
    check_page()

    page.goto(live_server.url + reverse("core:home"))
    check_page()
    page.get_by_role("link", name="People not seen lately").tap()
    page.wait_for_url(live_server.url + reverse("encounters:not_seen"))
    check_page()
    expect(page.get_by_role("link", name="Sam")).to_be_visible()
    page.get_by_label("Not seen for at least this many days").fill("60")
    page.get_by_role("button", name="Show").tap()
    page.wait_for_url("**/not-seen/?days=60")
    check_page()
    expect(page.get_by_text("Everyone in your team has been seen in that time.")).to_be_visible()
