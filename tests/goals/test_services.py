import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter
from goals.models import Goal, Review, Step
from goals.services import (
    GoalRefused,
    ReviewAtContact,
    add_step,
    change_goal,
    complete_step,
    mark_achieved,
    move_step,
    reorder_steps,
    review_goal,
    set_aside,
    set_goal,
)
from tests.contacts import log_contact
from tests.factories import ClientFactory, EncounterFactory

from .factories import GoalFactory

pytestmark = pytest.mark.django_db

THEIR_WORDS = "get my kids back for weekends,  not just visits!!"


def test_a_goal_is_stored_as_they_said_it_with_its_first_steps(actor: User, person: Client, worker: User) -> None:
    goal = set_goal(
        actor=worker,
        client=person,
        words=THEIR_WORDS,
        why="They're everything",
        life_area=Goal.LifeArea.RELATIONSHIPS,
        steps=["Call the social worker", "Go to the first meeting"],
    )
    goal.refresh_from_db()
    assert goal.words == THEIR_WORDS
    assert (goal.team_id, goal.status, goal.created_by_id) == (person.home_team_id, Goal.Status.ACTIVE, worker.pk)
    assert [step.text for step in goal.steps.all()] == ["Call the social worker", "Go to the first meeting"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.GOAL_SET)
    assert (event.object_id, event.client_id, event.actor_id) == (str(goal.pk), person.pk, worker.pk)
    assert "social worker" not in str(event.details) and THEIR_WORDS not in str(event.details)


def test_an_empty_goal_is_refused_and_nothing_is_stored(actor: User, person: Client, worker: User) -> None:
    with pytest.raises(GoalRefused, match="own words"):
        set_goal(actor=worker, client=person, words="   ", steps=["A step"])
    assert (Goal.objects.count(), Step.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


def test_steps_are_added_last_done_undone_and_reordered(actor: User, goal: Goal) -> None:
    added = add_step(actor=actor, goal=goal, text="Take the bus there")
    first, second, third = goal.steps.all()
    assert third == added

    def fresh(step: Step) -> Step:
        return Step.objects.select_related("goal").get(pk=step.pk)

    complete_step(actor=actor, step=fresh(first))
    assert fresh(first).is_done and fresh(first).done_at is not None
    complete_step(actor=actor, step=fresh(first), done=False)
    assert (fresh(first).is_done, fresh(first).done_at) == (False, None)
    reorder_steps(actor=actor, goal=goal, step_ids=[third.pk, first.pk, second.pk])
    assert list(goal.steps.all()) == [third, first, second]
    move_step(actor=actor, step=fresh(second), offset=-1)
    assert list(goal.steps.all()) == [third, second, first]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.GOAL_STEPS_CHANGED).count() == 5


def test_reordering_with_another_goals_step_is_refused(actor: User, goal: Goal, person: Client) -> None:
    stranger = add_step(actor=actor, goal=GoalFactory.create(client=person), text="Elsewhere")
    ids = [step.pk for step in goal.steps.all()]
    with pytest.raises(GoalRefused):
        reorder_steps(actor=actor, goal=goal, step_ids=[*ids[:1], stranger.pk])
    assert [step.order for step in goal.steps.all()] == [0, 1]


def test_a_review_stores_their_rating_and_the_steps_done(actor: User, goal: Goal, worker: User) -> None:
    first_step = goal.steps.all()[0]
    review = review_goal(actor=worker, goal=goal, closeness=7, note="Feels closer", steps_done=[first_step])
    review.refresh_from_db()
    assert (review.closeness, review.gas, review.note, review.reviewed_by_id) == (7, None, "Feels closer", worker.pk)
    first_step.refresh_from_db()
    assert first_step.is_done and first_step.done_at == review.reviewed_at
    event = AuditEvent.objects.get(action=AuditEvent.Action.GOAL_REVIEWED)
    assert event.details == {"review": str(review.pk), "steps_done": [str(first_step.pk)]}


@pytest.mark.parametrize(("closeness", "gas"), [(11, None), (-1, None), (5, 1)])
def test_a_rating_outside_its_range_is_refused_and_nothing_is_stored(
    actor: User, goal: Goal, worker: User, closeness: int, gas: int | None
) -> None:
    """The goal has no levels described, so no level can be given either."""
    with pytest.raises(GoalRefused):
        review_goal(actor=worker, goal=goal, closeness=closeness, gas=gas)
    assert (Review.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_a_level_is_taken_when_the_goal_has_levels(actor: User, person: Client, worker: User) -> None:
    goal = GoalFactory.create(client=person, gas_expected="Sleeping indoors 3 nights", gas_more="Most nights")
    assert review_goal(actor=worker, goal=goal, closeness=6, gas=1).gas == 1
    with pytest.raises(GoalRefused):
        review_goal(actor=worker, goal=goal, closeness=6, gas=3)
    assert Review.objects.count() == 1


def test_achieved_and_set_aside_keep_the_date_and_note(actor: User, person: Client) -> None:
    achieved = mark_achieved(actor=actor, goal=GoalFactory.create(client=person))
    yesterday = timezone.localdate() - timedelta(days=1)
    aside = set_aside(actor=actor, goal=GoalFactory.create(client=person), on=yesterday, note="Not now")
    achieved.refresh_from_db()
    aside.refresh_from_db()
    assert (achieved.status, achieved.status_on) == (Goal.Status.ACHIEVED, timezone.localdate())
    assert (aside.status, aside.status_on, aside.status_note) == (Goal.Status.SET_ASIDE, yesterday, "Not now")
    statuses = AuditEvent.objects.filter(action=AuditEvent.Action.GOAL_STATUS_CHANGED)
    assert sorted(event.details["status"] for event in statuses) == ["achieved", "set_aside"]


def test_an_ended_goal_takes_no_more_reviews_or_endings(actor: User, goal: Goal, worker: User) -> None:
    mark_achieved(actor=actor, goal=goal)
    with pytest.raises(GoalRefused, match="not active"):
        review_goal(actor=worker, goal=goal, closeness=9)
    with pytest.raises(GoalRefused):
        set_aside(actor=actor, goal=goal)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    assert not Review.objects.exists()


def test_a_date_in_the_future_is_refused(actor: User, goal: Goal) -> None:
    with pytest.raises(GoalRefused):
        mark_achieved(actor=actor, goal=goal, on=timezone.localdate() + timedelta(days=2))
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACTIVE


def test_changing_a_goal_starts_the_new_one_and_links_the_old(actor: User, goal: Goal, worker: User) -> None:
    goal.why, goal.life_area = "To work again", Goal.LifeArea.LEGAL
    goal.save()
    goal = Goal.objects.select_related("client").get(pk=goal.pk)
    new = change_goal(
        actor=worker,
        goal=goal,
        words="Get a passport instead",
        note="The ID office is too far",
        steps=["Photos"],
        carry_open_steps=True,
    )
    goal.refresh_from_db()
    assert (goal.status, goal.became_id, goal.status_note) == (Goal.Status.CHANGED, new.pk, "The ID office is too far")
    assert (new.words, new.why, new.life_area, new.status) == (
        "Get a passport instead",
        "To work again",
        Goal.LifeArea.LEGAL,
        Goal.Status.ACTIVE,
    )
    assert [step.text for step in new.steps.all()] == ["Ask for a birth certificate", "Find the office", "Photos"]
    assert AuditEvent.objects.get(action=AuditEvent.Action.GOAL_CHANGED).details == {"became": str(new.pk)}


def test_changing_into_an_empty_goal_is_refused(actor: User, goal: Goal, worker: User) -> None:
    goal = Goal.objects.select_related("client").get(pk=goal.pk)
    with pytest.raises(GoalRefused):
        change_goal(actor=worker, goal=goal, words="")
    assert Goal.objects.get().status == Goal.Status.ACTIVE


class TestContactLink:
    """A review made beside a contact links to it: at once, or when the contact is saved
    through its one save path (the goals part of the contact, in the contact's transaction)."""

    def test_a_saved_contact_of_the_person_is_linked_at_once(self, actor: User, goal: Goal, worker: User) -> None:
        contact = EncounterFactory.create(client=goal.client, worker=worker)
        review = review_goal(actor=worker, goal=goal, closeness=4, contact_id=contact.pk)
        assert (review.encounter_id, review.contact_ref) == (contact.pk, contact.pk)
        event = AuditEvent.objects.get(action=AuditEvent.Action.GOAL_REVIEWED)
        assert event.details["contact"] == str(contact.pk)

    def test_a_contact_being_logged_is_linked_when_it_is_saved(self, actor: User, goal: Goal, worker: User) -> None:
        contact_id = uuid.uuid4()
        review = review_goal(actor=worker, goal=goal, closeness=4, contact_id=contact_id)
        assert (review.encounter_id, review.contact_ref) == (None, contact_id)
        assert AuditEvent.objects.get(action=AuditEvent.Action.GOAL_REVIEWED).details["contact"] == str(contact_id)
        log_contact(worker, goal.client, encounter_id=contact_id)
        review.refresh_from_db()
        assert review.encounter_id == contact_id

    def test_a_contact_saved_without_its_save_path_links_nothing(self, actor: User, goal: Goal, worker: User) -> None:
        """No trigger does the goals app's work: a row written around log_encounter links nothing."""
        contact_id = uuid.uuid4()
        review = review_goal(actor=worker, goal=goal, closeness=4, contact_id=contact_id)
        EncounterFactory.create(id=contact_id, client=goal.client, worker=worker)
        review.refresh_from_db()
        assert review.encounter_id is None

    def test_a_contact_with_someone_else_is_never_linked(
        self, actor: User, goal: Goal, worker: User, person: Client
    ) -> None:
        someone_else = ClientFactory.create(home_team=person.home_team)
        saved = EncounterFactory.create(client=someone_else, worker=worker)
        review = review_goal(actor=worker, goal=goal, closeness=4, contact_id=saved.pk)
        assert (review.encounter_id, review.contact_ref) == (None, None)
        later_id = uuid.uuid4()
        review = review_goal(actor=worker, goal=goal, closeness=5, contact_id=later_id)
        log_contact(worker, someone_else, encounter_id=later_id)
        review.refresh_from_db()
        assert review.encounter_id is None

    def test_another_teams_contact_is_ignored(self, actor: User, goal: Goal, worker: User, outsider: User) -> None:
        theirs = EncounterFactory.create(worker=outsider)
        review = review_goal(actor=worker, goal=goal, closeness=4, contact_id=theirs.pk)
        assert (review.encounter_id, review.contact_ref) == (None, None)


class TestReviewsSentWithAContact:
    """The goals part of a contact: reviews that travel with it (the API, offline sync)."""

    def test_they_are_made_at_the_contact_with_its_time_and_audited(self, goal: Goal, worker: User) -> None:
        first_step = goal.steps.all()[0]
        sent = ReviewAtContact(goal_id=goal.pk, closeness=6, note="Getting there", steps_done=(first_step.pk,))
        logged = log_contact(worker, goal.client, parts={"goal_reviews": (sent,)})
        review = Review.objects.get()
        assert (review.encounter_id, review.contact_ref, review.closeness, review.note) == (
            logged.encounter.pk,
            None,
            6,
            "Getting there",
        )
        assert review.reviewed_at == logged.encounter.happened_at
        assert Step.objects.get(pk=first_step.pk).is_done
        event = AuditEvent.objects.get(action=AuditEvent.Action.GOAL_REVIEWED)
        assert event.details["contact"] == str(logged.encounter.pk)

    def test_someone_elses_goal_refuses_the_whole_contact(self, goal: Goal, worker: User, person: Client) -> None:
        someone_else = ClientFactory.create(home_team=person.home_team)
        with pytest.raises(GoalRefused):
            log_contact(worker, someone_else, parts={"goal_reviews": (ReviewAtContact(goal.pk, 5),)})
        assert not Encounter.objects.exists()
        assert not Review.objects.exists()
        assert not AuditEvent.objects.exists()
