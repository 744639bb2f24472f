"""The checks every browser test relies on can fail: a check that never fails proves nothing."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNLABELLED_INPUT = "() => document.querySelector('main').append(document.createElement('input'))"
INLINE_SCRIPT = """() => {
  const script = document.createElement('script');
  script.textContent = 'window.inlineRan = true';
  document.body.append(script);
}"""


def test_check_page_reports_a_serious_accessibility_violation(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.evaluate(UNLABELLED_INPUT)

    with pytest.raises(AssertionError, match=r"label \(critical\)"):
        check_page()

    page.reload()
    check_page()


def test_check_page_reports_a_blocked_inline_script(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.evaluate(INLINE_SCRIPT)
    page.wait_for_function("window.__cspViolations.length > 0")

    with pytest.raises(AssertionError, match="script-src"):
        check_page()

    assert page.evaluate("window.inlineRan === undefined")
    page.reload()
    check_page()


def test_a_page_visited_without_a_check_is_reported(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("People")

    assert check_page.unchecked() == [live_server.url + reverse("clients:list")]

    check_page()
    assert check_page.unchecked() == []
