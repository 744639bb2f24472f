"""The goal pages: note, open, review, steps, achieved / set aside / changed."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from goals.models import Goal, Review, Step

from .factories import GoalFactory, ReviewFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


class TestNoteAGoal:
    def test_the_goal_is_stored_as_written_with_its_steps(self, worker_client: HttpClient, person: Client) -> None:
        words = "Sleep inside\nat least 3 nights a week"
        data = {"words": words, "life_area": "housing", "steps": "Call the shelter\n\n  Keep my bag ready  \n"}
        response = worker_client.post(reverse("goals:new", args=[person.code]), data)
        goal = Goal.objects.get()
        assert response.status_code == 302
        assert response["Location"] == goal.get_absolute_url()
        assert (goal.words, goal.life_area, goal.client_id) == (words, "housing", person.pk)
        assert [step.text for step in goal.steps.all()] == ["Call the shelter", "Keep my bag ready"]

    def test_the_life_area_is_never_preselected(self, worker_client: HttpClient, person: Client) -> None:
        html = page(worker_client.get(reverse("goals:new", args=[person.code])))
        select = html[html.index('name="life_area"') : html.index("</select>", html.index('name="life_area"'))]
        assert '<option value="" selected>Not chosen</option>' in select
        assert select.count("selected") == 1

    def test_an_empty_goal_is_refused_with_a_clear_message(self, worker_client: HttpClient, person: Client) -> None:
        response = worker_client.post(reverse("goals:new", args=[person.code]), {"words": "  ", "why": "kept"})
        assert response.status_code == 200
        assert "Write the goal in the person&#x27;s own words." in page(response)
        assert "kept" in page(response)
        assert not Goal.objects.exists()

    def test_another_teams_person_gets_404(self, client: HttpClient, outsider: User, person: Client) -> None:
        client.force_login(outsider)
        response = client.post(reverse("goals:new", args=[person.code]), {"words": "Anything"})
        assert response.status_code == 404
        assert not Goal.objects.exists()


class TestTheGoalPage:
    def test_it_shows_the_words_exactly_and_the_history_as_chart_and_table(
        self, worker_client: HttpClient, goal: Goal
    ) -> None:
        goal.words = "I want <b>my</b> dog back"
        goal.save()
        ReviewFactory.create(goal=goal, closeness=2, reviewed_at=timezone.now() - timedelta(days=60))
        ReviewFactory.create(goal=goal, closeness=6, note="Met the vet", reviewed_at=timezone.now())
        html = page(worker_client.get(goal.get_absolute_url()))
        assert "I want &lt;b&gt;my&lt;/b&gt; dog back" in html
        assert 'role="img" aria-labelledby="goal-history-title goal-history-desc"' in html
        assert '<title id="goal-history-title">How close they feel to this goal, over time</title>' in html
        assert "2 reviews from" in html and "from 2 to 6 out of 10." in html
        assert "<caption>Reviews, oldest first</caption>" in html and "Met the vet" in html

    def test_the_chart_numbers_stay_dots_in_spanish(self, worker_client: HttpClient, goal: Goal) -> None:
        ReviewFactory.create(goal=goal, closeness=3, reviewed_at=timezone.now() - timedelta(days=7))
        ReviewFactory.create(goal=goal, closeness=4)
        worker_client.cookies["django_language"] = "es"
        html = page(worker_client.get(goal.get_absolute_url()))
        points = html.split('<polyline points="')[1].split('"')[0]
        assert "," in points and all(pair.count(",") == 1 for pair in points.split())

    def test_opening_it_is_audited(self, worker_client: HttpClient, goal: Goal, worker: User) -> None:
        worker_client.get(goal.get_absolute_url())
        event = AuditEvent.objects.get(action=AuditEvent.Action.GOAL_VIEWED)
        assert (event.object_id, event.client_id, event.actor_id) == (str(goal.pk), goal.client_id, worker.pk)

    def test_another_team_gets_404_that_confirms_nothing(self, client: HttpClient, outsider: User, goal: Goal) -> None:
        client.force_login(outsider)
        response = client.get(goal.get_absolute_url())
        assert response.status_code == 404
        assert "not found among your team" in page(response)
        assert "Get my ID back" not in page(response)
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.GOAL_VIEWED).exists()


class TestReview:
    def test_a_review_is_stored(self, worker_client: HttpClient, goal: Goal) -> None:
        step = goal.steps.get(text="Ask for a birth certificate")
        data = {"closeness": "7", "note": "Closer", "steps_done": [str(step.pk)]}
        response = worker_client.post(reverse("goals:review", args=[goal.pk]), data)
        assert response.status_code == 302
        review = Review.objects.get()
        assert (review.closeness, review.note, review.encounter_id) == (7, "Closer", None)
        assert Step.objects.get(pk=step.pk).is_done

    @pytest.mark.parametrize("closeness", ["11", "-1", "seven", ""])
    def test_a_rating_outside_0_to_10_is_refused_with_a_clear_message(
        self, worker_client: HttpClient, goal: Goal, closeness: str
    ) -> None:
        response = worker_client.post(reverse("goals:review", args=[goal.pk]), {"closeness": closeness})
        assert response.status_code == 200
        assert "Choose how close they feel, from 0 to 10." in page(response)
        assert not Review.objects.exists()

    def test_a_level_outside_the_described_ones_is_refused(self, worker_client: HttpClient, person: Client) -> None:
        goal = GoalFactory.create(client=person, gas_expected="Twice a week")
        response = worker_client.post(reverse("goals:review", args=[goal.pk]), {"closeness": "5", "gas": "3"})
        assert "Choose one of the levels, from -2 to +2, or leave it unrated." in page(response)
        assert not Review.objects.exists()
        worker_client.post(reverse("goals:review", args=[goal.pk]), {"closeness": "5", "gas": "-1"})
        assert Review.objects.get().gas == -1

    def test_another_teams_person_is_refused_with_a_clear_message_and_nothing_stored(
        self, client: HttpClient, outsider: User, goal: Goal
    ) -> None:
        client.force_login(outsider)
        response = client.post(reverse("goals:review", args=[goal.pk]), {"closeness": "5"})
        assert response.status_code == 404
        assert "This goal was not found among your team's people. Nothing was saved." in page(response)
        assert not Review.objects.exists()
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.GOAL_REVIEWED).exists()


class TestEndings:
    def test_marking_it_achieved_stores_the_day_and_the_note_and_shows_them(
        self, worker_client: HttpClient, goal: Goal
    ) -> None:
        response = worker_client.post(
            reverse("goals:status", args=[goal.pk]), {"status": "achieved", "note": "Yes!", "version": "1"}
        )
        assert response.status_code == 302
        goal.refresh_from_db()
        assert (goal.status, goal.status_on, goal.status_note) == ("achieved", timezone.localdate(), "Yes!")
        assert "Achieved on" in page(worker_client.get(goal.get_absolute_url()))

    def test_set_aside_on_an_earlier_day(self, worker_client: HttpClient, goal: Goal) -> None:
        day = timezone.localdate() - timedelta(days=3)
        worker_client.post(
            reverse("goals:status", args=[goal.pk]), {"status": "set_aside", "on": day.isoformat(), "version": "1"}
        )
        goal.refresh_from_db()
        assert (goal.status, goal.status_on) == ("set_aside", day)

    def test_a_future_date_or_no_choice_is_refused(self, worker_client: HttpClient, goal: Goal) -> None:
        future = (timezone.localdate() + timedelta(days=3)).isoformat()
        response = worker_client.post(
            reverse("goals:status", args=[goal.pk]), {"status": "achieved", "on": future, "version": "1"}
        )
        assert "The date cannot be in the future." in page(response)
        response = worker_client.post(reverse("goals:status", args=[goal.pk]), {"note": "?", "version": "1"})
        assert "Choose achieved or set aside." in page(response)
        goal.refresh_from_db()
        assert goal.status == Goal.Status.ACTIVE

    def test_changed_into_a_new_goal(self, worker_client: HttpClient, goal: Goal, person: Client) -> None:
        data = {
            "words": "Get a passport",
            "carry_open_steps": "on",
            "note": "Easier",
            "steps": "Photos",
            "version": "1",
        }
        response = worker_client.post(reverse("goals:change", args=[goal.pk]), data)
        new = Goal.objects.get(words="Get a passport")
        assert response["Location"] == new.get_absolute_url()
        goal.refresh_from_db()
        assert (goal.status, goal.became_id) == ("changed", new.pk)
        assert new.steps.count() == 3
        html = page(worker_client.get(new.get_absolute_url()))
        assert "Changed from" in html and "Get my ID back" in html
        html = page(worker_client.get(reverse("clients:detail", args=[person.code])))
        assert "Changed on" in html and "Get a passport" in html

    def test_an_ended_goal_is_not_changed_again(self, worker_client: HttpClient, goal: Goal) -> None:
        worker_client.post(reverse("goals:status", args=[goal.pk]), {"status": "achieved", "version": "1"})
        response = worker_client.post(reverse("goals:change", args=[goal.pk]), {"words": "Another", "version": "2"})
        assert response.status_code == 200
        assert Goal.objects.count() == 1


class TestSteps:
    def test_add_a_step(self, worker_client: HttpClient, goal: Goal) -> None:
        response = worker_client.post(reverse("goals:step_add", args=[goal.pk]), {"text": "Bring two photos"})
        assert response.status_code == 302
        assert goal.steps.last().text == "Bring two photos"  # type: ignore[union-attr]

    def test_an_empty_step_is_refused(self, worker_client: HttpClient, goal: Goal) -> None:
        response = worker_client.post(reverse("goals:step_add", args=[goal.pk]), {"text": ""}, headers=HTMX)
        assert response.status_code == 200
        assert "Write the step." in page(response)
        assert goal.steps.count() == 2

    def test_done_and_moved_with_htmx_return_the_steps(self, worker_client: HttpClient, goal: Goal) -> None:
        first, second = goal.steps.all()
        response = worker_client.post(reverse("goals:step_done", args=[first.pk]), {"done": "1"}, headers=HTMX)
        assert page(response).strip().startswith('<section id="steps"')
        assert 'aria-pressed="true"' in page(response)
        worker_client.post(reverse("goals:step_move", args=[second.pk]), {"direction": "up"}, headers=HTMX)
        assert list(goal.steps.all()) == [second, first]
        assert Step.objects.get(pk=first.pk).is_done

    def test_another_teams_step_gets_404(self, client: HttpClient, outsider: User, goal: Goal) -> None:
        client.force_login(outsider)
        step = goal.steps.first()
        assert step is not None
        assert client.post(reverse("goals:step_done", args=[step.pk]), {"done": "1"}).status_code == 404
        assert not Step.objects.get(pk=step.pk).is_done


class TestThePersonsPage:
    def test_active_goals_first_with_steps_and_rating_then_past_goals_and_how_they_ended(
        self, worker_client: HttpClient, person: Client, goal: Goal
    ) -> None:
        GoalFactory.create(client=person, words="Stop sleeping in the park", status="set_aside", status_on="2026-01-01")
        ReviewFactory.create(goal=goal, closeness=4)
        html = page(worker_client.get(reverse("clients:detail", args=[person.code])))
        goals = html[html.index('id="goals-heading"') :]
        assert goals.index("Get my ID back") < goals.index("Earlier goals") < goals.index("Stop sleeping in the park")
        assert "How close they feel: 4 of 10" in goals and "Find the office" in goals
        assert "Set aside on" in goals

    def test_the_section_comes_before_the_contacts(self, worker_client: HttpClient, person: Client) -> None:
        html = page(worker_client.get(reverse("clients:detail", args=[person.code])))
        assert html.index('id="goals-heading"') < html.index('id="contacts-heading"')
        assert "No goals noted yet." in html
