"""On a phone: a supervisor renames a safer-use topic in the team's words; a worker ticks a
skill practised and a topic talked about at a contact, and reads them on the contact and on
the person's timeline, in English and in Spanish."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from encounters.models import Encounter, Site
from health.education import TopicCovered
from tests.factories import ClientFactory

from .conftest import PageChecks, sign_in
from .test_log_contact import choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def toggle(page: Page, topic: str, which: str) -> None:
    page.locator("fieldset.education-topic", has_text=topic).locator("label", has_text=which).tap()


def test_a_worker_records_topics_and_reads_them_on_the_contact_and_timeline(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, worker: User, site: Site
) -> None:
    person: Client = ClientFactory.create(home_team=site.team, preferred_name="Sasha")
    sign_in(page, check_page, live_server.url, supervisor)
    page.get_by_role("link", name="Safer-use topics").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safer-use topics")
    check_page()
    page.locator("li.topic", has_text="Not using alone").get_by_role("link", name="Rename").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rename a topic")
    check_page()
    page.get_by_label("Name").fill("Never use alone: call a friend")
    page.get_by_role("button", name="Save changes").tap()
    expect(page.locator(".topic-name", has_text="Never use alone: call a friend")).to_have_count(1)
    check_page()

    page.context.clear_cookies()
    sign_in(page, check_page, live_server.url, worker)
    page.get_by_role("main").get_by_role("link", name="Log a contact").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a contact")
    check_page()
    choose(page, "Sasha")
    page.locator("summary", has_text="More services").tap()
    education = page.locator("details.education")
    expect(education).not_to_have_attribute("open", "")
    education.locator("summary").tap()
    check_page()
    toggle(page, "Naloxone use", "Practised")
    toggle(page, "Never use alone: call a friend", "Talked about")
    page.get_by_label("Site").select_option(label=site.name)
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()
    expect(page.locator(".contact-part")).to_have_text(
        "Education and skills: Naloxone use (practised), Never use alone: call a friend"
    )
    encounter = Encounter.objects.get(client=person)
    assert set(TopicCovered.objects.filter(encounter=encounter).values_list("topic__name", "practised")) == {
        ("Naloxone use", True),
        ("Never use alone: call a friend", False),
    }

    # The person's timeline, in Spanish: the built-in name translated, the team's own as typed.
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])
    page.goto(live_server.url + reverse("encounters:timeline", args=[person.code]))
    check_page()
    expect(page.locator(".contact-part")).to_have_text(
        "Educación y habilidades: Uso de naloxona (practicado), Never use alone: call a friend"
    )
