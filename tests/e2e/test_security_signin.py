"""Sign-in security in a phone browser: a supervisor signs in with an authenticator code; 15
idle minutes later (the server's clock moved) the next tap leads to the sign-in page; after
signing out, Back shows nothing of the person. And a first sign-in that sets up the app from
the QR page's key. Every page passes axe and the CSP."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import RecoveryCode, User
from clients.models import Client
from tests.factories import TEST_PASSWORD
from tests.totp import authenticator_for, code_for

from .conftest import PageChecks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page: Page, user: User) -> None:
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").tap()


def test_totp_sign_in_idle_timeout_and_nothing_left_after_sign_out(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, person: Client
) -> None:
    base = live_server.url
    device = authenticator_for(supervisor)
    person_page = base + reverse("clients:detail", args=[person.code])

    page.goto(base + reverse("accounts:sign_in"))
    check_page()
    password_step(page, supervisor)
    page.wait_for_url(base + reverse("accounts:sign_in_code"))
    check_page()
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Sign in").tap()
    page.wait_for_url(base + reverse("core:home"))
    check_page()
    page.goto(person_page)
    check_page()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Robin")

    # 16 minutes pass on the server (time-machine moves the clock of the whole process,
    # the live server's thread included); the phone sat idle.
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=True):
        page.get_by_role("navigation", name="Main").get_by_role("link", name="People").tap()
        page.wait_for_url(re.compile(re.escape(base + reverse("accounts:sign_in")) + r"\?next="))
        check_page()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.get_by_text("Robin")).to_have_count(0)

        # Signing in again goes back to the page that was asked for.
        password_step(page, supervisor)
        page.wait_for_url(base + reverse("accounts:sign_in_code"))
        check_page()
        page.get_by_label("Code").fill(code_for(device))
        page.get_by_role("button", name="Sign in").tap()
        page.wait_for_url(base + reverse("clients:list"))
        check_page()
        page.goto(person_page)
        check_page()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Robin")

        page.get_by_role("button", name="Sign out").tap()
        page.wait_for_url(base + reverse("accounts:sign_in"))
        check_page()
        page.go_back()
        page.wait_for_load_state("load")
        check_page()
        assert page.url.startswith(base + reverse("accounts:sign_in"))
        assert "Robin" not in page.content()
        assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}


def test_a_first_sign_in_sets_up_the_authenticator_and_shows_recovery_codes_once(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User
) -> None:
    base = live_server.url
    page.goto(base + reverse("accounts:sign_in"))
    check_page()
    password_step(page, supervisor)
    page.wait_for_url(base + reverse("accounts:sign_in_set_up"))
    check_page()
    expect(page.get_by_role("img", name="QR code to add Alongside to an authenticator app")).to_be_visible()
    key = page.locator("#totp-secret").inner_text()
    totp = TOTP(b32decode(key.replace(" ", "")))
    page.get_by_label("Code from the app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").tap()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    check_page()
    shown = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(shown) == 10 and RecoveryCode.objects.filter(user=supervisor).count() == 10
    page.get_by_role("link", name="I have kept them: go on").tap()
    page.wait_for_url(base + reverse("core:home"))
    check_page()
    page.get_by_role("link", name="Sign-in and security").tap()
    page.wait_for_url(base + reverse("accounts:security"))
    check_page()
    expect(page.get_by_text("10 recovery codes left.")).to_be_visible()
