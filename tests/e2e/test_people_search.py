"""Live person search on /people/: htmx POSTs as the worker types, and no name lands in a URL."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from tests.factories import ClientFactory

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "Sash"


def test_live_search_updates_results_without_the_name_in_any_url(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, team: Team
) -> None:
    for name in ["Sasha", "Robin", "Alex"]:
        ClientFactory.create(home_team=team, preferred_name=name)
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:list"))
    check_page()
    people = page.locator("#people")
    expect(people.locator(".person-row")).to_have_count(3)
    page.evaluate("window.__samePage = true")

    page.get_by_label("Code or name").press_sequentially(TYPED, delay=60)

    expect(people.get_by_role("heading")).to_have_text("Matches")
    expect(people.locator(".person-row")).to_have_count(1)
    expect(people.locator(".person-row")).to_contain_text("Sasha")
    assert page.evaluate("window.__samePage === true"), "the results changed by a full page load, not htmx"
    check_page()
    searches = [r for r in requests if r.method == "POST" and r.url == live_server.url + reverse("clients:list")]
    assert searches and all(r.headers.get("hx-request") == "true" for r in searches)
    assert f"q={TYPED}" in (searches[-1].post_data or ""), "the typed text travels in the POST body"
    assert page.url == live_server.url + reverse("clients:list")
    typed_so_far = [TYPED[:length].lower() for length in range(3, len(TYPED) + 1)]
    assert [r.url for r in requests if any(text in r.url.lower() for text in typed_so_far)] == []
