"""Safer-use topics without signal: on a phone, offline, a worker ticks a skill practised and a
topic talked about; when the signal returns the first answer is cut off, and sent again the
contact and its topics are there once (the part `education`, docs/offline.md)."""

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from encounters.models import Encounter
from health.education import TopicCovered
from tests.factories import ClientFactory

from .conftest import PageChecks
from .test_offline import (
    cut_off_first_sync,
    go_online,
    idb_dump,
    open_offline_log,
    save,
    turn_on,
    unlock,
    waiting_banner,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_topics_logged_offline_arrive_once_with_the_contact(
    page: Page, context: BrowserContext, check_page: PageChecks, live_server: LiveServer, worker: User, team: Team
) -> None:
    robin = ClientFactory.create(home_team=team, preferred_name="Robin", last_seen_at=timezone.now())
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)

    page.locator("label.picker-option", has_text="Robin").tap()
    page.locator("summary", has_text="More services").tap()
    page.locator("details.education summary").tap()
    naloxone = page.locator("fieldset.education-topic", has_text="Naloxone use")
    naloxone.locator("label", has_text="Practised").tap()
    page.locator("fieldset.education-topic", has_text="Recognising an overdose").locator(
        "label", has_text="Talked about"
    ).tap()
    check_page()
    save(page)
    waiting_banner(page, 1)
    outbox = [line for line in idb_dump(page).splitlines() if line.startswith("outbox:")]
    assert len(outbox) == 1 and "education-" not in outbox[0]  # sealed: no field names readable
    assert not TopicCovered.objects.exists()

    cut = cut_off_first_sync(page)
    go_online(page, context)
    expect(page.locator("#offline-state")).to_contain_text("1 contact waiting")
    assert cut and Encounter.objects.count() == 1
    page.get_by_role("button", name="Send now").tap()
    expect(page.locator("#offline-state")).to_contain_text("Nothing waiting to be sent.")
    check_page()

    encounter = Encounter.objects.get()
    assert encounter.client_id == robin.pk
    assert set(TopicCovered.objects.values_list("encounter", "topic__key", "practised")) == {
        (encounter.pk, "naloxone", True),
        (encounter.pk, "overdose_signs", False),
    }
