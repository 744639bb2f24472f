"""On a phone: a bad-batch alert on a teammate's Home until it expires."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from health.models import Alert

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_alert_shows_on_a_teammates_home_until_it_expires(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, worker: User
) -> None:
    sign_in(page, check_page, live_server.url, supervisor)
    page.get_by_role("link", name="Bad-batch alerts").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad-batch alerts")
    check_page()
    page.get_by_label("What was found, in English").fill("Brown powder with fentanyl, test strips positive")
    page.get_by_label("What was found, in Spanish").fill("Polvo marrón con fentanilo, tiras positivas")
    page.get_by_label("Area").fill("Bus station")
    page.get_by_role("button", name="Post alert").tap()
    expect(page.get_by_role("status").first).to_contain_text("Alert posted.")
    check_page()
    alert = Alert.objects.get()
    assert alert.status == "posted" and list(alert.teams.values_list("pk", flat=True)) == worker.team_ids

    page.context.clear_cookies()
    sign_in(page, check_page, live_server.url, worker)
    card = page.locator(".home-alert")
    expect(card).to_contain_text("Brown powder with fentanyl, test strips positive")
    expect(card).to_contain_text("Polvo marrón con fentanilo, tiras positivas")
    expect(card).to_contain_text("Bus station")
    card.get_by_role("link", name="Card to print").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad-batch alert")
    check_page()

    # Time passes: the alert's end comes (moved to a second ago rather than waiting for it).
    Alert.objects.filter(pk=alert.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page.goto(live_server.url + reverse("core:home"))
    check_page()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    expect(page.locator(".home-alert")).to_have_count(0)
