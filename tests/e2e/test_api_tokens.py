"""A worker makes an API token on their own page, sees its secret once, uses it, and revokes it.

The secret is on the page that makes it and nowhere after: not in the list, not after a
reload of the list. The API answers the token until it is revoked, then refuses it (401).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import ApiToken, User

from .conftest import PHONE, PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_makes_a_token_sees_it_once_and_revokes_it(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.get_by_role("link", name="Sign-in and security").tap()
    page.get_by_role("link", name="Your API tokens").tap()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    check_page()

    page.get_by_label("What it is for").fill("Harbour HMIS")
    page.get_by_label("Read and write (log contacts)").check()
    page.get_by_label("Works for").select_option("7")
    page.get_by_role("button", name="Make the token").tap()
    expect(page.get_by_role("heading", name="Your new API token")).to_be_visible()
    check_page()
    secret = page.locator(".api-token-secret").inner_text().strip()
    token = ApiToken.objects.get(user=worker)
    assert secret.startswith(token.prefix) and len(secret) > 40
    assert token.token_hash != secret and secret not in token.token_hash  # only a fingerprint is kept
    expect(page.get_by_text('"Harbour HMIS": Read and write, works until')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the long secret wraps

    api = live_server.url + reverse("api:me")
    assert page.request.get(api, headers={"Authorization": f"Bearer {secret}"}).status == 200

    page.get_by_role("link", name="I have copied it: go on").tap()
    expect(page.get_by_role("heading", name="Your tokens")).to_be_visible()
    listed = page.get_by_role("listitem").filter(has_text="Harbour HMIS")
    expect(listed).to_contain_text(f"{token.prefix}…")
    expect(listed).to_contain_text("Read and write")
    expect(listed).to_contain_text("Last used")
    check_page()
    page.reload()
    expect(page.get_by_role("heading", name="Your tokens")).to_be_visible()
    check_page()
    assert secret not in page.content()

    listed.get_by_role("button", name="Revoke").tap()
    expect(page.get_by_text("The token is revoked: it no longer works.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Harbour HMIS")).to_contain_text("Revoked")
    expect(page.get_by_role("button", name="Revoke")).to_have_count(0)
    check_page()
    assert page.request.get(api, headers={"Authorization": f"Bearer {secret}"}).status == 401
