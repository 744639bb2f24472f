"""Two people ending the same goal at once (achieved, set aside, changed into a new goal):
one saves, the other sees both versions and loses nothing they typed (core/versioning.py).
Steps and reviews are not versioned, but never land on a goal ended a moment before."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from core.versioning import EditConflict
from goals.models import Goal, Review, Step
from goals.services import GoalRefused, add_step, end_goal, mark_achieved, review_goal, set_aside
from tests.forms import form_data, saved_meanwhile

pytestmark = pytest.mark.django_db


def status_url(goal: Goal) -> str:
    return reverse("goals:status", args=[goal.pk])


def change_url(goal: Goal) -> str:
    return reverse("goals:change", args=[goal.pk])


def endings() -> list[AuditEvent]:
    actions = [AuditEvent.Action.GOAL_STATUS_CHANGED, AuditEvent.Action.GOAL_CHANGED]
    return list(AuditEvent.objects.filter(action__in=actions).order_by("id"))


def test_achieved_and_set_aside_at_once_the_second_gets_both_versions_and_loses_nothing(
    client: HttpClient, goal: Goal, worker: User, supervisor: User
) -> None:
    saved = {"status": "achieved", "note": "Got the ID card", "version": "1"}
    mine = saved_meanwhile(client, loads=(worker, status_url(goal)), saves=(supervisor, status_url(goal), saved))
    assert mine == {"version": "1"}
    yesterday = timezone.localdate() - timedelta(days=1)
    typed = {**mine, "status": "set_aside", "on": yesterday.isoformat(), "note": "Moving city first"}
    response = client.post(status_url(goal), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this goal while you were changing it" in page
    assert "Got the ID card" in page and "Moving city first" in page
    rows = {row.name: (row.yours, row.saved, row.differs) for row in response.context["rows"]}
    assert rows["status"] == ("Set aside", "Achieved", True)
    assert rows["status_note"] == ("Moving city first", "Got the ID card", True)
    assert rows["status_on"][2]
    assert "became" not in rows  # neither was changed into a new goal
    goal.refresh_from_db()
    assert (goal.status, goal.status_note, goal.version) == ("achieved", "Got the ID card", 2)
    assert [event.actor_id for event in endings()] == [supervisor.pk]

    again = form_data(response)  # what they typed, on top of the saved version
    assert again == {**typed, "version": "2", "replace": "1"}
    assert 'name="status" value="set_aside"' in response.content.decode()
    assert client.post(status_url(goal), again).status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.status_on, goal.status_note, goal.version) == (
        "set_aside",
        yesterday,
        "Moving city first",
        3,
    )
    assert [event.actor_id for event in endings()] == [supervisor.pk, worker.pk]
    assert endings()[1].details == {"status": "set_aside", "replaced": "achieved"}


def test_the_ending_is_a_compare_and_set_on_the_version(actor: User, goal: Goal) -> None:
    """Both loaded version 1: exactly one ending of version 1 is written."""
    first, second = Goal.objects.get(pk=goal.pk), Goal.objects.get(pk=goal.pk)
    mark_achieved(actor=actor, goal=first)
    with pytest.raises(EditConflict):
        set_aside(actor=actor, goal=second, note="Not now")
    with pytest.raises(EditConflict):
        end_goal(actor=actor, goal=Goal.objects.get(pk=goal.pk), status="set_aside", version=1, replace_ending=True)
    goal.refresh_from_db()
    assert (goal.status, goal.status_note, goal.version, len(endings())) == ("achieved", "", 2, 1)


def test_a_change_into_a_new_goal_after_another_ending_keeps_the_new_words(
    client: HttpClient, goal: Goal, worker: User, supervisor: User
) -> None:
    saved = {"status": "set_aside", "version": "1"}
    mine = saved_meanwhile(client, loads=(worker, change_url(goal)), saves=(supervisor, status_url(goal), saved))
    typed = {**mine, "words": "Get a passport instead", "steps": "Photos", "note": "Easier"}
    response = client.post(change_url(goal), typed)
    assert response.status_code == 409
    assert Goal.objects.count() == 1  # the new goal was not kept either
    rows = {row.name: (row.yours, row.saved, row.differs) for row in response.context["rows"]}
    assert rows["status"] == ("Changed", "Set aside", True)
    assert rows["became"] == ("Get a passport instead", "", True)
    again = form_data(response)
    assert again == {**typed, "version": "2", "replace": "1"}

    response = client.post(change_url(goal), again)
    new = Goal.objects.get(words="Get a passport instead")
    assert response["Location"] == new.get_absolute_url()
    goal.refresh_from_db()
    assert (goal.status, goal.became_id, goal.status_note, goal.version) == ("changed", new.pk, "Easier", 3)
    assert [step.text for step in new.steps.all()] == ["Ask for a birth certificate", "Find the office", "Photos"]
    assert endings()[-1].details == {"became": str(new.pk), "replaced": "set_aside"}


def test_a_goal_changed_into_another_stays_changed_and_typed_words_can_be_noted(
    client: HttpClient, goal: Goal, worker: User, supervisor: User
) -> None:
    """Both change the goal at once: the second cannot replace the first change (its new goal
    exists now), sees both, and can note their words as a goal of its own."""
    saved = {"words": "Get a passport", "version": "1"}
    mine = saved_meanwhile(client, loads=(worker, change_url(goal)), saves=(supervisor, change_url(goal), saved))
    theirs = Goal.objects.get(words="Get a passport")
    response = client.post(change_url(goal), {**mine, "words": "Get a driving licence", "why": "To drive"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "It was changed into a new goal, so it stays ended that way." in page
    assert theirs.get_absolute_url() in page
    assert f'action="{change_url(goal)}"' not in page  # no way to replace it
    new_goal_url = reverse("goals:new", args=[goal.client.code])
    assert f'action="{new_goal_url}"' in page
    rows = {row.name: (row.yours, row.saved) for row in response.context["rows"]}
    assert rows["became"] == ("Get a driving licence", "Get a passport")

    forged = client.post(change_url(goal), {**form_data(response), "words": "Something else"})
    assert forged.status_code == 200
    assert "Changed on" in forged.content.decode()  # the page says how it ended; nothing saved
    assert client.post(new_goal_url, form_data(response)).status_code == 302
    noted = Goal.objects.get(words="Get a driving licence")
    assert (noted.why, noted.status, noted.client_id) == ("To drive", "active", goal.client_id)
    goal.refresh_from_db()
    assert (goal.status, goal.became_id, goal.version) == ("changed", theirs.pk, 2)
    assert [event.actor_id for event in endings()] == [supervisor.pk]


def test_marked_achieved_after_a_change_shows_both_and_stays_changed(
    client: HttpClient, goal: Goal, worker: User, supervisor: User
) -> None:
    saved = {"words": "Get a passport", "version": "1"}
    mine = saved_meanwhile(client, loads=(worker, status_url(goal)), saves=(supervisor, change_url(goal), saved))
    response = client.post(status_url(goal), {**mine, "status": "achieved", "note": "Done!"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Done!" in page and "Get a passport" in page
    assert f'action="{status_url(goal)}"' not in page
    goal.refresh_from_db()
    assert (goal.status, goal.version) == ("changed", 2)


def test_a_forged_version_gets_the_conflict_page_not_an_overwrite(worker_client: HttpClient, goal: Goal) -> None:
    response = worker_client.post(status_url(goal), {"status": "achieved", "version": "7"})
    assert response.status_code == 409
    goal.refresh_from_db()
    assert (goal.status, goal.version, endings()) == ("active", 1, [])


def test_a_double_tap_racing_itself_is_not_shown_as_a_conflict(
    worker_client: HttpClient, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both taps loaded version 1 before either saved: the loser finds its own ending saved."""
    data = {"status": "achieved", "note": "Yes", "version": "1"}
    assert worker_client.post(status_url(goal), data).status_code == 302

    def lost_the_race(**kwargs: Any) -> Goal:
        raise EditConflict

    monkeypatch.setattr("goals.views.end_goal", lost_the_race)
    response = worker_client.post(status_url(goal), data, follow=True)
    assert response.redirect_chain[-1][0] == goal.get_absolute_url()
    assert "Saved." in response.content.decode()
    assert len(endings()) == 1


def test_the_goal_page_and_the_change_page_carry_the_version(worker_client: HttpClient, goal: Goal) -> None:
    Goal.objects.filter(pk=goal.pk).update(version=4)
    assert 'name="version" value="4"' in worker_client.get(goal.get_absolute_url()).content.decode()
    assert 'name="version" value="4"' in worker_client.get(change_url(goal)).content.decode()


def test_steps_ticked_or_added_meanwhile_are_no_conflict(
    client: HttpClient, goal: Goal, worker: User, supervisor: User
) -> None:
    added = (supervisor, reverse("goals:step_add", args=[goal.pk]), {"text": "Bring two photos"})
    mine = saved_meanwhile(client, loads=(worker, status_url(goal)), saves=added)
    client.force_login(supervisor)
    client.post(reverse("goals:step_done", args=[goal.steps.first().pk]), {"done": "1"})  # type: ignore[union-attr]
    client.force_login(worker)
    assert client.post(status_url(goal), {**mine, "status": "achieved"}).status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.version, goal.steps.count()) == ("achieved", 2, 3)


def test_a_step_or_review_never_lands_on_a_goal_ended_a_moment_before(actor: User, goal: Goal, worker: User) -> None:
    """The instance still says active; the row, checked under a lock, says achieved."""
    loaded = Goal.objects.get(pk=goal.pk)
    mark_achieved(actor=actor, goal=Goal.objects.get(pk=goal.pk))
    assert loaded.is_active
    with pytest.raises(GoalRefused, match="not active"):
        add_step(actor=actor, goal=loaded, text="One more")
    with pytest.raises(GoalRefused, match="not active"):
        review_goal(actor=worker, goal=loaded, closeness=7)
    assert (Step.objects.filter(goal=goal).count(), Review.objects.count()) == (2, 0)


def test_a_step_tapped_as_the_goal_ends_says_so(
    worker_client: HttpClient, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page still showed the goal active: the tap answers with the message, not an error."""

    def ended_meanwhile(**kwargs: Any) -> Step:
        raise GoalRefused("This goal is not active any more: it was achieved, changed or set aside.")

    monkeypatch.setattr("goals.views.add_step", ended_meanwhile)
    response = worker_client.post(reverse("goals:step_add", args=[goal.pk]), {"text": "Photos"}, follow=True)
    assert response.status_code == 200
    assert "This goal is not active any more" in response.content.decode()
    assert goal.steps.count() == 2
