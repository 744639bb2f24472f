"""On a phone (360 px): the context a person chose to share, opened from the foot of their
page, noted in their words and removed when they ask (issue 16, item 7)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client, ContextItem
from core.templatetags.dates import day

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = "Cleaning at the market on Saturdays"


def test_a_worker_opens_notes_and_removes_what_the_person_chose_to_share(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client
) -> None:
    earlier = timezone.localdate() - timedelta(days=40)
    ContextItem.objects.create(client=person, kind="housing_support", situation="housing_support_waiting",
                               noted_on=earlier, created_by=worker)  # fmt: skip
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()

    # Closed, at the foot of the page: nothing of it is on the page until it is opened.
    section = page.locator("#context")
    expect(section.locator("details")).not_to_have_attribute("open", "")
    assert "On a waiting list" not in page.content()
    section.get_by_text("What they chose to share about their situation").tap()
    expect(section.locator(".context-item")).to_have_text(
        [f"Housing support: On a waiting list · {day(earlier)} Remove (they asked)"]
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONTEXT_VIEWED, client_id=person.pk).count() == 1
    check_page()

    section.get_by_role("link", name="Note something they chose to share").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What they chose to share about their situation")
    page.get_by_label("What they shared").select_option(label="Casual or day work")
    page.get_by_label("In their words (optional)").fill(WORDS)
    page.get_by_label("They chose to share this and to have it noted").check()
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_role("status").first).to_contain_text("Noted.")
    items = page.locator(".context-item")
    expect(items.first).to_contain_text(f"Income: Casual or day work · {day(timezone.localdate())}")
    expect(items.first).to_contain_text(f"In their words: “{WORDS}”")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check_page()

    # The person asks for the housing item to go.
    items.filter(has_text="On a waiting list").get_by_role("button", name="Remove (they asked)").tap()
    expect(page.get_by_role("status").first).to_contain_text("Removed, as they asked.")
    expect(page.locator(".context-item")).to_have_count(1)
    expect(page.locator(".context-list")).not_to_contain_text("On a waiting list")
    check_page()
    assert list(ContextItem.objects.values_list("situation", flat=True)) == ["income_casual_work"]

    page.get_by_role("link", name=person.display_name).tap()
    page.wait_for_url(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    page.locator("#context").get_by_text("What they chose to share about their situation").tap()
    expect(page.locator("#context .context-item")).to_have_count(1)
    expect(page.locator("#context .context-item")).to_contain_text(WORDS)


def test_in_spanish_the_section_and_the_short_list_read_in_spanish(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client
) -> None:
    ContextItem.objects.create(client=person, kind="benefits", situation="benefits_wants_help",
                               words="Quiere ayuda con la solicitud", noted_on=timezone.localdate(),
                               created_by=worker)  # fmt: skip
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])
    sign_in(page, check_page, live_server.url, worker, language="es")
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    section = page.locator("#context")
    section.locator("summary").tap()
    item = section.locator(".context-item")
    expect(item).to_contain_text("Prestaciones: Quiere ayuda para solicitarlas")
    expect(item).to_contain_text("En sus palabras: «Quiere ayuda con la solicitud»")
    check_page()
