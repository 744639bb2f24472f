"""The goals panel inside Log a contact: htmx fragments, and the plain-form fallback page."""

import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, Site
from goals.models import Goal, Review

from .factories import GoalFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PANEL = reverse("goals:contact_panel")


def panel_url(who: str, contact_id: uuid.UUID | None = None) -> str:
    return f"{PANEL}?{urlencode({'who': who, **({'id': str(contact_id)} if contact_id else {})})}"


def page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def review_data(
    goal: Goal, contact_id: uuid.UUID | None = None, *, inline: bool = False, **fields: str
) -> dict[str, str]:
    """As the panel posts it: inside Log a contact the contact form's `id`, on its own page `contact`."""
    contact = {"id" if inline else "contact": str(contact_id or "")}
    return {**contact, **{f"review-{goal.pk}-{name}": value for name, value in fields.items()}}


class TestTheLogPage:
    def test_it_carries_the_panel_once_and_a_fallback_link_for_the_chosen_person(
        self, worker_client: HttpClient, person: Client
    ) -> None:
        html = page(worker_client.get(f"{reverse('encounters:log')}?person={person.code}"))
        assert html.count('id="contact-goals"') == 1
        assert "hx-trigger=\"load, change from:body target:input[name='who']\"" in html
        assert f"{PANEL}?who={person.code}&amp;id=" in html

    def test_without_a_person_the_panel_waits_for_a_choice(self, worker_client: HttpClient) -> None:
        html = page(worker_client.get(reverse("encounters:log")))
        assert "hx-trigger=\"change from:body target:input[name='who']\"" in html
        assert f"{PANEL}?who=" not in html


class TestThePanel:
    def test_htmx_gets_the_active_goals_with_review_controls_that_post_only_their_fields(
        self, worker_client: HttpClient, goal: Goal, person: Client
    ) -> None:
        GoalFactory.create(client=person, words="Old goal", status="achieved", status_on="2026-01-01")
        contact_id = uuid.uuid4()
        html = page(worker_client.get(panel_url(person.code, contact_id), headers=HTMX))
        assert html.strip().startswith('<details id="contact-goals-panel"')
        assert "Get my ID back" in html and "Old goal" not in html
        assert "<form" not in html  # it sits inside the contact form
        # It posts the contact form's id as it is when the button is pressed, not a copy.
        assert 'name="contact"' not in html
        prefix = f"review-{goal.pk}"
        assert f'hx-params="{prefix}-closeness,{prefix}-gas,{prefix}-steps_done,{prefix}-note,id"' in html
        event = AuditEvent.objects.get(action=AuditEvent.Action.GOAL_VIEWED)
        assert event.client_id == person.pk

    @pytest.mark.parametrize("who", ["anonymous", "", "ACD-EFG"])
    def test_nobody_chosen_or_unknown_gets_no_panel(self, worker_client: HttpClient, who: str) -> None:
        response = worker_client.get(panel_url(who), headers=HTMX)
        assert (response.status_code, page(response)) == (200, "")

    def test_without_javascript_it_is_a_page_with_plain_forms_and_the_way_back(
        self, worker_client: HttpClient, goal: Goal, person: Client
    ) -> None:
        html = page(worker_client.get(panel_url(person.code, uuid.uuid4())))
        assert html.count("<form") >= 2 and "Get my ID back" in html
        assert f'href="{reverse("encounters:log")}?person={person.code}"' in html
        assert "Back to Log a contact" in html

    def test_after_the_contact_is_saved_the_way_back_is_the_contact(
        self, worker_client: HttpClient, encounter: Encounter, goal: Goal
    ) -> None:
        html = page(worker_client.get(panel_url(goal.client.code, encounter.pk)))
        assert f'href="{reverse("encounters:detail", args=[encounter.pk])}"' in html
        assert "Back to the contact" in html

    def test_another_teams_person_gets_no_panel(self, client: HttpClient, outsider: User, goal: Goal) -> None:
        client.force_login(outsider)
        assert client.get(panel_url(goal.client.code)).status_code == 404
        assert page(client.get(panel_url(goal.client.code), headers=HTMX)) == ""


class TestReviewDuringAContact:
    def test_htmx_review_returns_the_card_with_the_rating_and_links_the_contact_once_saved(
        self, worker_client: HttpClient, goal: Goal, person: Client, site: Site
    ) -> None:
        contact_id = uuid.uuid4()
        url = reverse("goals:contact_review", args=[goal.pk])
        response = worker_client.post(
            url, review_data(goal, contact_id, inline=True, closeness="8", note="Good week"), headers=HTMX
        )
        html = page(response)
        assert f'id="goal-card-{goal.pk}"' in html
        assert "Review saved: 8 of 10." in html and "How close they feel: 8 of 10" in html
        review = Review.objects.get()
        stored = (review.closeness, review.note, review.contact_ref, review.encounter_id)
        assert stored == (8, "Good week", contact_id, None)

        form = {
            "id": str(contact_id),
            "who": person.code,
            "head_count": "1",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "site": str(site.pk),
            "kind": "street",
        }
        worker_client.post(reverse("encounters:log"), form)
        review.refresh_from_db()
        assert review.encounter_id == contact_id == Encounter.objects.get().pk

    def test_a_rating_outside_its_range_comes_back_on_the_card_and_nothing_is_stored(
        self, worker_client: HttpClient, goal: Goal
    ) -> None:
        url = reverse("goals:contact_review", args=[goal.pk])
        html = page(worker_client.post(url, review_data(goal, closeness="12"), headers=HTMX))
        assert "Choose how close they feel, from 0 to 10." in html
        assert "<details open>" in html
        assert not Review.objects.exists()

    def test_without_javascript_it_returns_to_the_panel_page(self, worker_client: HttpClient, goal: Goal) -> None:
        contact_id = uuid.uuid4()
        response = worker_client.post(
            reverse("goals:contact_review", args=[goal.pk]), review_data(goal, contact_id, closeness="3")
        )
        assert response["Location"] == panel_url(goal.client.code, contact_id)
        assert "Review saved." in page(worker_client.get(response["Location"]))

    def test_another_teams_persons_goal_is_refused_with_a_clear_message(
        self, client: HttpClient, outsider: User, goal: Goal
    ) -> None:
        client.force_login(outsider)
        url = reverse("goals:contact_review", args=[goal.pk])
        response = client.post(url, review_data(goal, closeness="5"), headers=HTMX)
        assert "This goal was not found among your team's people. Nothing was saved." in page(response)
        assert client.post(url, review_data(goal, closeness="5")).status_code == 404
        assert not Review.objects.exists()


class TestNewGoalDuringAContact:
    def test_htmx_returns_the_panel_with_the_new_goal(self, worker_client: HttpClient, person: Client) -> None:
        data = {"contact": "", "new-goal-words": "Eat one hot meal a day", "new-goal-steps": "Find the soup run\nGo"}
        response = worker_client.post(reverse("goals:contact_goal_new", args=[person.code]), data, headers=HTMX)
        html = page(response)
        goal = Goal.objects.get()
        assert (goal.words, goal.client_id) == ("Eat one hot meal a day", person.pk)
        assert [step.text for step in goal.steps.all()] == ["Find the soup run", "Go"]
        assert "Goal noted." in html and f'id="goal-card-{goal.pk}"' in html

    def test_an_empty_goal_is_refused_in_place(self, worker_client: HttpClient, person: Client) -> None:
        data = {"new-goal-words": "", "new-goal-why": "For my health"}
        html = page(worker_client.post(reverse("goals:contact_goal_new", args=[person.code]), data, headers=HTMX))
        assert "Write the goal in the person&#x27;s own words." in html and "For my health" in html
        assert not Goal.objects.exists()

    def test_another_teams_person_is_refused(self, client: HttpClient, outsider: User, person: Client) -> None:
        client.force_login(outsider)
        response = client.post(reverse("goals:contact_goal_new", args=[person.code]), {"new-goal-words": "Mine"})
        assert response.status_code == 404
        assert not Goal.objects.exists()
