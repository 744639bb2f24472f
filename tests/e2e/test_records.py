"""Who viewed, the printed report, erasure and transfer in a phone browser: every page passes
axe and the CSP, the report prints without the menus, and the typed confirmation works."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from clients.models import Alias, Client

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_prints_who_viewed_erases_and_moves_a_person(
    page: Page,
    check_page: PageChecks,
    live_server: LiveServer,
    supervisor: User,
    person: Client,
    other_team: Team,
) -> None:
    Alias.objects.create(client=person, name="Birdie")
    sign_in(page, check_page, live_server.url, supervisor)
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    expect(page.get_by_role("heading", name="Who opened or changed this record")).to_be_visible()

    page.get_by_role("link", name="See the full list").tap()
    page.wait_for_url(live_server.url + reverse("clients:viewers", args=[person.code]))
    check_page()
    expect(page.get_by_text("Opened a person's record").first).to_be_visible()

    page.get_by_role("link", name="Print a report for the person").tap()
    page.wait_for_url(live_server.url + reverse("clients:viewers_print", args=[person.code]))
    check_page()
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by print.js
    expect(page.get_by_role("cell", name="Opened your record").first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("heading", name="Who has opened or changed your record")).to_be_visible()
    page.emulate_media(media="screen")

    page.goto(live_server.url + reverse("clients:erase", args=[person.code]))
    check_page()
    page.get_by_label("Type the person's code to confirm").fill("ACD-EFG")
    page.get_by_role("button", name="Erase identifying data").tap()
    expect(page.get_by_text("That is not this person's code. Nothing was erased.")).to_be_visible()
    check_page()
    page.get_by_label("Type the person's code to confirm").fill(person.code.lower())
    page.get_by_role("button", name="Erase identifying data").tap()
    page.wait_for_url(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    expect(page.get_by_text("Identifying data erased on")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(person.code)

    page.get_by_role("link", name="Move to another team").tap()
    page.wait_for_url(live_server.url + reverse("clients:transfer", args=[person.code]))
    check_page()
    page.get_by_label("Move to team").select_option(label=other_team.name)
    page.get_by_role("button", name="Move", exact=True).tap()
    page.wait_for_url(live_server.url + reverse("clients:list"))
    check_page()
    expect(page.get_by_text(f"{person.code} is now with {other_team.name}.")).to_be_visible()
    person.refresh_from_db()
    assert person.home_team_id == other_team.pk and person.preferred_name == ""
