"""Likely duplicates: registering someone who may already have a record (the warning comes
before anything is saved), and a supervisor dismissing a pair that is two people."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from clients.models import Client, DuplicateDismissal
from tests.factories import ClientFactory

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WARNING = "This person may already be registered"


def fill_in_jhonny(page: Page, check_page: PageChecks, base_url: str) -> None:
    """A worker types a near-duplicate of Johnny (a swapped letter, same year and gender)."""
    page.goto(base_url + reverse("clients:register"))
    check_page()
    page.get_by_label("The person agrees that the team keeps a record about them").check()
    page.get_by_label("Name they use").fill("Jhonny")
    page.get_by_label("Year of birth").fill("1985")
    page.get_by_label("Man", exact=True).check()
    page.get_by_role("button", name="Register", exact=True).tap()


def test_a_near_duplicate_is_shown_and_can_be_registered_anyway(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, team: Team
) -> None:
    ClientFactory.create(home_team=team, preferred_name="Johnny", year_of_birth=1985, gender="man")
    sign_in(page, check_page, live_server.url, worker)

    fill_in_jhonny(page, check_page, live_server.url)

    warning = page.locator("#duplicates")
    expect(warning.get_by_role("heading")).to_have_text(WARNING)
    expect(warning.get_by_role("link", name="Johnny")).to_be_visible()
    check_page()
    assert Client.objects.count() == 1, "nothing is saved before the worker chooses"
    expect(page.get_by_label("Name they use")).to_have_value("Jhonny")
    expect(page.get_by_label("Year of birth")).to_have_value("1985")
    expect(page.get_by_label("Man", exact=True)).to_be_checked()

    page.get_by_role("button", name="Not the same person: register anyway").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Jhonny")
    check_page()
    jhonny = Client.objects.get(preferred_name="Jhonny")
    assert (jhonny.year_of_birth, jhonny.gender) == (1985, "man")


def test_the_existing_record_can_be_opened_instead(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, team: Team
) -> None:
    johnny = ClientFactory.create(home_team=team, preferred_name="Johnny", year_of_birth=1985, gender="man")
    sign_in(page, check_page, live_server.url, worker)

    fill_in_jhonny(page, check_page, live_server.url)
    expect(page.locator("#duplicates").get_by_role("heading")).to_have_text(WARNING)
    check_page()
    page.locator("#duplicates").get_by_role("link", name="Johnny").tap()

    expect(page).to_have_url(live_server.url + reverse("clients:detail", args=[johnny.code]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Johnny")
    check_page()
    assert list(Client.objects.all()) == [johnny]


def test_a_supervisor_dismisses_a_pair_that_is_two_people(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, team: Team
) -> None:
    johnny = ClientFactory.create(home_team=team, preferred_name="Johnny", year_of_birth=1985, gender="man")
    jhonny = ClientFactory.create(home_team=team, preferred_name="Jhonny", year_of_birth=1986, gender="man")
    sign_in(page, check_page, live_server.url, supervisor)

    page.get_by_role("link", name="Possible duplicates").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicates")
    pair = page.locator(".duplicate-pair")
    expect(pair).to_have_count(1)
    expect(pair.get_by_role("link", name="Compare and merge")).to_have_attribute(
        "href", reverse("clients:merge", args=[johnny.code, jhonny.code])
    )
    check_page()

    pair.get_by_role("button", name="Not the same person").tap()

    expect(page.get_by_role("status")).to_contain_text("This pair will not be suggested again.")
    expect(page.locator(".duplicate-pair")).to_have_count(0)
    check_page()
    assert DuplicateDismissal.objects.count() == 1
