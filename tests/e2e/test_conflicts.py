"""Edit conflicts in a phone browser: a colleague saves while the worker is typing; the
worker's save shows both versions (passing axe and the CSP) and their version saves on top."""

import pytest
from django.db.models import F
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from goals.models import Goal

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_persons_details_saved_meanwhile(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:edit", args=[person.code]))
    check_page()
    page.get_by_label("Pronouns").fill("she/her")
    # A colleague saves the details first.
    Client.objects.filter(pk=person.pk).update(pronouns="they/them", version=F("version") + 1)
    page.get_by_role("button", name="Save", exact=True).tap()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Someone else saved these details")
    check_page()
    row = page.get_by_role("row", name="Pronouns")
    expect(row).to_contain_text("she/her")
    expect(row).to_contain_text("they/them")
    expect(page.get_by_label("Pronouns")).to_have_value("she/her")
    page.get_by_role("button", name="Save my version").tap()
    expect(page.get_by_text("Saved.")).to_be_visible()
    check_page()
    person.refresh_from_db()
    assert (person.pronouns, person.version) == ("she/her", 3)


def test_a_goal_ended_meanwhile(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client
) -> None:
    goal = Goal.objects.create(client=person, team_id=person.home_team_id, words="Walk every day")
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("goals:status", args=[goal.pk]))
    check_page()
    page.get_by_label("Note").fill("Not now, moving city")
    # A colleague marks it achieved first.
    Goal.objects.filter(pk=goal.pk).update(
        status="achieved", status_on=goal.created_at.date(), status_note="Walked all week", version=2
    )
    page.get_by_role("button", name="Set aside for now").tap()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Someone else saved this goal")
    check_page()
    expect(page.get_by_role("row", name="Status")).to_contain_text("Set aside")
    expect(page.get_by_role("row", name="Note")).to_contain_text("Walked all week")
    expect(page.get_by_label("Note")).to_have_value("Not now, moving city")
    page.get_by_role("button", name="Save my version").tap()
    expect(page.get_by_text("Set aside.", exact=True)).to_be_visible()
    check_page()
    goal.refresh_from_db()
    assert (goal.status, goal.status_note, goal.version) == ("set_aside", "Not now, moving city", 3)
