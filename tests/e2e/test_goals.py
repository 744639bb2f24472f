"""A person's goals on a phone: set during a contact, reviewed at a later one, achieved; changed."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Client
from encounters.models import Encounter, Site
from goals.models import Goal, Review
from tests.goals.factories import GoalFactory, StepFactory

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save_contact(page: Page, check_page: PageChecks) -> Encounter:
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Contact with"))
    check_page()
    return Encounter.objects.order_by("-created_at").first()  # type: ignore[return-value]


def test_a_goal_set_during_a_contact_is_reviewed_at_a_later_one_and_achieved(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client, site: Site
) -> None:
    sign_in(page, check_page, live_server.url, worker)

    # First contact, started from the person's page: the goals panel is there at once.
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    page.get_by_role("main").get_by_role("link", name="Log a contact").tap()
    panel = page.locator("#contact-goals-panel")
    panel.get_by_text("Their goals (0)").tap()  # closed until opened: it must not push the page down
    expect(panel.get_by_text("No goals being worked on.")).to_be_visible()
    panel.get_by_text("Note a new goal").tap()
    panel.get_by_label("Their goal, in their own words").fill("Get my ID back, then a bank account")
    panel.get_by_label("First small steps").fill("Ask for a birth certificate\nBook the appointment")
    panel.get_by_role("button", name="Save goal").tap()
    expect(panel.get_by_role("status")).to_have_text("Goal noted.")
    check_page()
    first = save_contact(page, check_page)
    goal = Goal.objects.get()
    assert (goal.client_id, goal.created_by_id) == (person.pk, worker.pk)
    assert goal.words == "Get my ID back, then a bank account"
    assert [step.text for step in goal.steps.all()] == ["Ask for a birth certificate", "Book the appointment"]
    assert first.client_id == person.pk

    # A later contact, the person picked from the list: the panel follows the choice.
    page.get_by_role("link", name="Log another contact").tap()
    expect(page.locator("#contact-goals-panel")).to_have_count(0)
    page.locator("label.picker-option", has_text="Robin").tap()
    page.locator("#contact-goals-panel").get_by_text("Their goals (1)").tap()
    card = page.locator(".goal-card", has_text="Get my ID back")
    card.get_by_text("Review this goal").tap()
    card.locator("label.rating-option", has_text=re.compile(r"^7$")).tap()
    card.get_by_label("Ask for a birth certificate").check()
    card.get_by_label("Note").fill("Has the certificate")
    card.get_by_role("button", name="Save review").tap()
    card = page.locator(".goal-card", has_text="Get my ID back")
    expect(card.get_by_role("status")).to_have_text("Review saved: 7 of 10.")
    check_page()
    page.get_by_label("Site").select_option(label=site.name)
    second = save_contact(page, check_page)
    review = Review.objects.get()
    assert (review.closeness, review.note, review.encounter_id) == (7, "Has the certificate", second.pk)
    assert [step.is_done for step in goal.steps.all()] == [True, False]

    # The goal's page: its history, then achieved.
    page.get_by_role("link", name="Open the person's page").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin")
    check_page()
    page.get_by_role("link", name="Get my ID back, then a bank account").tap()
    expect(page.locator('svg[aria-labelledby^="goal-history"] title')).to_have_text(
        "How close they feel to this goal, over time"
    )
    expect(page.get_by_role("table")).to_contain_text("Has the certificate")
    check_page()
    page.get_by_label("Note").fill("Got the ID card")
    page.get_by_role("button", name="Mark achieved").tap()
    expect(page.get_by_role("status")).to_have_text("Marked achieved.")
    check_page()
    goal.refresh_from_db()
    assert (goal.status, goal.status_note) == (Goal.Status.ACHIEVED, "Got the ID card")
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    expect(page.locator("section", has_text="Earlier goals")).to_contain_text("Achieved on")
    check_page()


def test_a_goal_is_changed_into_a_new_one(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client
) -> None:
    goal = GoalFactory.create(client=person, words="Get back into work", life_area="income")
    StepFactory.create(goal=goal, text="Write a CV", is_done=False)
    sign_in(page, check_page, live_server.url, worker)

    page.goto(live_server.url + goal.get_absolute_url())
    check_page()
    page.get_by_role("link", name="Change it into a new goal").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change it into a new goal")
    check_page()
    page.get_by_label("Their new goal, in their own words").fill("One volunteer shift a week at the food bank")
    page.get_by_label("What changed").fill("A smaller step first")
    page.get_by_role("button", name="Save the new goal").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("One volunteer shift a week at the food bank")
    expect(page.get_by_role("link", name="Get back into work")).to_be_visible()
    check_page()
    new = Goal.objects.get(words="One volunteer shift a week at the food bank")
    goal.refresh_from_db()
    assert (goal.status, goal.became_id, goal.status_note) == (Goal.Status.CHANGED, new.pk, "A smaller step first")
    assert (new.life_area, [step.text for step in new.steps.all()]) == ("income", ["Write a CV"])

    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    earlier = page.locator("li", has_text="Get back into work")
    expect(earlier).to_contain_text("Changed on")
    expect(earlier.get_by_role("link", name="One volunteer shift a week at the food bank")).to_be_visible()
    check_page()
