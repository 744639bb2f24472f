"""Workflows on goals: the one place each happens, each writing one audit event.

Audit events carry ids only (never the goal's words or a note), as audit.services.record
requires.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid
from core.versioning import EditConflict, save_if_current
from encounters.models import Encounter
from encounters.parts import person_of

from .models import Goal, Review, Step


class GoalRefused(Invalid):
    """A change the rules do not allow (the view shows the message; nothing is stored)."""


def _record(action: AuditEvent.Action, actor: User, goal: Goal, details: Mapping[str, object] | None = None) -> None:
    record(action=action, actor=actor, target=goal, client_id=goal.client_id, details=dict(details or {}))


def _create_goal(*, client: Client, noted_by: User, words: str, steps: Sequence[str], **details: object) -> Goal:
    goal = Goal.objects.create(client=client, team_id=client.home_team_id, created_by=noted_by, words=words, **details)
    Step.objects.bulk_create(Step(goal=goal, text=text, order=index) for index, text in enumerate(steps))
    return goal


@transaction.atomic
def set_goal(
    *,
    actor: User,
    client: Client,
    words: str,
    why: str = "",
    life_area: str = "",
    target_on: date | None = None,
    steps: Sequence[str] = (),
    gas_much_less: str = "",
    gas_less: str = "",
    gas_expected: str = "",
    gas_more: str = "",
    gas_much_more: str = "",
    gas_weight: int = 1,
) -> Goal:
    """Note a goal the person set, in their words, with any first small steps.

    The team is the person's home team now: team numbers count the goal where it was set.
    """
    if not words.strip():
        raise GoalRefused(_("Write the goal in the person's own words."))
    goal = _create_goal(
        client=client,
        noted_by=actor,
        words=words,
        steps=steps,
        why=why,
        life_area=life_area,
        target_on=target_on,
        gas_much_less=gas_much_less,
        gas_less=gas_less,
        gas_expected=gas_expected,
        gas_more=gas_more,
        gas_much_more=gas_much_more,
        gas_weight=gas_weight,
    )
    _record(AuditEvent.Action.GOAL_SET, actor, goal, {"steps": len(steps)})
    return goal


def _not_active() -> GoalRefused:
    return GoalRefused(_("This goal is not active any more: it was achieved, changed or set aside."))


def _require_active(goal: Goal) -> None:
    """Checked on the row as stored now, locked until the change commits, so a step or a
    review cannot slip in beside an ending saved at the same moment: the ending's UPDATE
    waits for this lock, or this waits for the ending and then sees it.

    Steps and reviews do not take part in versions (core/versioning.py): two people adding
    steps both keep theirs, "done" and "not yet" are states each person sees as they set
    them, moves go one place from where the step is now, and a review is a new row.
    """
    if Goal.objects.select_for_update().values_list("status", flat=True).get(pk=goal.pk) != Goal.Status.ACTIVE:
        raise _not_active()


@transaction.atomic
def add_step(*, actor: User, goal: Goal, text: str) -> Step:
    """A new small step, last in the list."""
    _require_active(goal)
    last = goal.steps.aggregate(last=Max("order"))["last"]
    step = Step.objects.create(goal=goal, text=text, order=0 if last is None else last + 1)
    _record(AuditEvent.Action.GOAL_STEPS_CHANGED, actor, goal, {"added": str(step.pk)})
    return step


@transaction.atomic
def complete_step(*, actor: User, step: Step, done: bool = True) -> Step:
    """Mark a step done (or not yet, to undo a mistaken tap)."""
    _require_active(step.goal)
    if step.is_done != done:
        step.is_done, step.done_at = done, timezone.now() if done else None
        step.save(update_fields=["is_done", "done_at"])
        _record(AuditEvent.Action.GOAL_STEPS_CHANGED, actor, step.goal, {"done" if done else "undone": str(step.pk)})
    return step


@transaction.atomic
def reorder_steps(*, actor: User, goal: Goal, step_ids: Sequence[uuid.UUID]) -> list[Step]:
    """Put the goal's steps in this order; the ids must be exactly the goal's steps."""
    _require_active(goal)
    return _reorder(actor, goal, step_ids)


def _reorder(actor: User, goal: Goal, step_ids: Sequence[uuid.UUID]) -> list[Step]:
    steps = {step.pk: step for step in goal.steps.select_for_update()}
    if set(step_ids) != set(steps) or len(step_ids) != len(steps):
        raise GoalRefused(_("Those steps are not this goal's steps."))
    ordered = [steps[step_id] for step_id in step_ids]
    for index, step in enumerate(ordered):
        step.order = index
    Step.objects.bulk_update(ordered, ["order"])
    _record(AuditEvent.Action.GOAL_STEPS_CHANGED, actor, goal, {"reordered": len(ordered)})
    return ordered


def _contact_link(goal: Goal, reviewer: User, contact_id: uuid.UUID | None) -> dict[str, object]:
    """Link a review made beside a contact (the goals panel of Log a contact) to it.

    `contact_ref` keeps the contact's id: the review was made beside the contact, not sent
    as a part of it. A saved contact of the same person, in the reviewer's teams, is linked
    at once. A contact still being logged does not exist yet: the review waits with its id,
    and the goals part of the contact links it when the contact is saved
    (`save_reviews_part`, in the contact's transaction). Any other id is ignored.
    """
    if contact_id is None:
        return {}
    contact = Encounter.objects.visible_to(reviewer).filter(pk=contact_id).only("id", "client_id").first()
    if contact is not None:
        return {"encounter": contact, "contact_ref": contact_id} if contact.client_id == goal.client_id else {}
    if Encounter.objects.filter(pk=contact_id).exists():
        return {}  # another team's contact: never linked
    return {"contact_ref": contact_id}


@transaction.atomic
def review_goal(
    *,
    actor: User,
    goal: Goal,
    closeness: int,
    gas: int | None = None,
    note: str = "",
    steps_done: Sequence[Step] = (),
    contact_id: uuid.UUID | None = None,
    encounter: Encounter | None = None,
    reviewed_at: datetime | None = None,
) -> Review:
    """The person's own rating of how close they feel, and any steps done since last time.

    Made beside a contact (the panel of Log a contact): `contact_id`, see _contact_link.
    Sent as a part of a contact (`save_reviews_part`): `encounter`, the contact being saved.
    The audit event names the contact either way.
    """
    _require_active(goal)
    if not 0 <= closeness <= 10:
        raise GoalRefused(_("Choose how close they feel, from 0 to 10."))
    if gas is not None and (not goal.uses_gas or not -2 <= gas <= 2):
        raise GoalRefused(_("Choose a level from -2 to +2 that was described for this goal."))
    if any(step.goal_id != goal.pk for step in steps_done):
        raise GoalRefused(_("Those steps are not this goal's steps."))
    review = Review.objects.create(
        goal=goal,
        closeness=closeness,
        gas=gas,
        note=note,
        reviewed_by=actor,
        reviewed_at=reviewed_at or timezone.now(),
        **({"encounter": encounter} if encounter is not None else _contact_link(goal, actor, contact_id)),
    )
    done = [step.pk for step in steps_done if not step.is_done]
    Step.objects.filter(pk__in=done).update(is_done=True, done_at=review.reviewed_at)
    details: dict[str, object] = {"review": str(review.pk), "steps_done": [str(pk) for pk in done]}
    if (contact := encounter.pk if encounter is not None else contact_id) is not None:
        details["contact"] = str(contact)
    _record(AuditEvent.Action.GOAL_REVIEWED, actor, goal, details)
    return review


def _check_endable(goal: Goal, version: int | None, replace_ending: bool) -> None:
    """Ending a goal is saved on top of the version the person saw (`version`; None: the
    one loaded in `goal`), so of two people ending it at once the second gets EditConflict
    (core/versioning.py) and the conflict page. From there they may replace an ending that
    was achieved or set aside with theirs (`replace_ending`, on the newer version); a goal
    changed into another keeps that ending, since the goal it became exists now."""
    if version is not None and version != goal.version:
        raise EditConflict
    if not goal.is_active and not (replace_ending and goal.status != Goal.Status.CHANGED):
        raise _not_active()


def _end(
    goal: Goal, status: str, on: date | None, note: str, version: int | None, replace_ending: bool
) -> dict[str, str]:
    """Save the ending (see _check_endable); returns, for the audit event, the ending it
    replaced when there was one."""
    _check_endable(goal, version, replace_ending)
    today = timezone.localdate()
    if on is not None and on > today:
        raise GoalRefused(_("The date cannot be in the future."))
    changes = {"status": status, "status_on": on or today, "status_note": note, "became": goal.became}
    if not save_if_current(Goal, goal.pk, goal.version, changes):
        raise EditConflict
    replaced = {} if goal.is_active else {"replaced": goal.status}
    goal.status, goal.status_on, goal.status_note, goal.version = status, on or today, note, goal.version + 1
    return replaced


@transaction.atomic
def end_goal(
    *,
    actor: User,
    goal: Goal,
    status: str,
    on: date | None = None,
    note: str = "",
    version: int | None = None,
    replace_ending: bool = False,
) -> Goal:
    """Achieved, or set aside for now (no judgement, and it stays in their history), on the
    day given or today. `version` and `replace_ending`: see _check_endable."""
    if status not in {Goal.Status.ACHIEVED, Goal.Status.SET_ASIDE}:
        raise GoalRefused(_("Choose achieved or set aside."))
    replaced = _end(goal, status, on, note, version, replace_ending)
    _record(AuditEvent.Action.GOAL_STATUS_CHANGED, actor, goal, {"status": goal.status, **replaced})
    return goal


def mark_achieved(*, actor: User, goal: Goal, on: date | None = None, note: str = "") -> Goal:
    return end_goal(actor=actor, goal=goal, status=Goal.Status.ACHIEVED, on=on, note=note)


def set_aside(*, actor: User, goal: Goal, on: date | None = None, note: str = "") -> Goal:
    return end_goal(actor=actor, goal=goal, status=Goal.Status.SET_ASIDE, on=on, note=note)


@transaction.atomic
def change_goal(
    *,
    actor: User,
    goal: Goal,
    words: str,
    note: str = "",
    why: str | None = None,
    life_area: str | None = None,
    target_on: date | None = None,
    steps: Sequence[str] = (),
    carry_open_steps: bool = False,
    version: int | None = None,
    replace_ending: bool = False,
) -> Goal:
    """The person changes their goal: the new goal starts, the old one is marked changed into it.

    The new goal keeps the old one's "why" and life area unless new ones are given, and can
    take over the steps not done yet. Its GAS levels start empty: they describe the new goal.
    `version` and `replace_ending`: as for the other endings (_check_endable); when someone
    ended the goal meanwhile, the new goal is not kept either (one transaction).
    """
    if not words.strip():
        raise GoalRefused(_("Write the goal in the person's own words."))
    _check_endable(goal, version, replace_ending)
    open_steps = list(goal.steps.filter(is_done=False).values_list("text", flat=True)) if carry_open_steps else []
    new = _create_goal(
        client=goal.client,
        noted_by=actor,
        words=words,
        steps=[*open_steps, *steps],
        why=goal.why if why is None else why,
        life_area=goal.life_area if life_area is None else life_area,
        target_on=target_on,
    )
    goal.became = new
    replaced = _end(goal, Goal.Status.CHANGED, None, note, version, replace_ending)
    _record(AuditEvent.Action.GOAL_CHANGED, actor, goal, {"became": str(new.pk), **replaced})
    return new


@transaction.atomic
def move_step(*, actor: User, step: Step, offset: int) -> list[Step]:
    """Move a step up (-1) or down (+1) one place: reordering that works without JavaScript.

    The order is read after the goal is locked, so two moves at once each start from where
    the steps are after the other (and a step added meanwhile is in the list)."""
    _require_active(step.goal)
    ids = list(step.goal.steps.values_list("pk", flat=True))
    index = ids.index(step.pk)
    ids.insert(min(max(index + offset, 0), len(ids) - 1), ids.pop(index))
    return _reorder(actor, step.goal, ids)


# A part of a contact (encounters/parts.py): goal reviews.


@dataclass(frozen=True)
class ReviewAtContact:
    """A review of one of the person's goals, sent as a part of a contact (the API, the
    offline outbox). The "goal_reviews" part is a tuple of these."""

    goal_id: uuid.UUID
    closeness: int
    gas: int | None = None
    note: str = ""
    steps_done: tuple[uuid.UUID, ...] = ()


def save_reviews_part(*, actor: User, encounter: Encounter, data: Sequence[ReviewAtContact] | None) -> None:
    """Reviews made beside the contact while it was being logged (the goals panel) are
    linked to it now, in its transaction; reviews sent with it are made, each audited. A
    goal that is not one of the person's active goals refuses the whole contact (Invalid)."""
    save_reviews_parts(actor=actor, items=[(encounter, data)])


def save_reviews_parts(*, actor: User, items: Sequence[tuple[Encounter, Sequence[ReviewAtContact] | None]]) -> None:
    """`save_reviews_part` for a batch of new contacts (encounters' log_encounters): the
    reviews waiting beside any of them linked in one UPDATE (each to its own contact, and
    only a review of that contact's person), then each contact's reviews sent with it."""
    for encounter, _data in items:
        person_of(encounter)
    same_person = Encounter.objects.filter(pk=OuterRef("contact_ref"), client_id=OuterRef("goal__client_id"))
    waiting = Review.objects.filter(
        contact_ref__in=[encounter.pk for encounter, _data in items], encounter__isnull=True
    )
    waiting.filter(Exists(same_person)).update(encounter_id=F("contact_ref"))
    for encounter, data in items:
        if data:
            _make_reviews(actor=actor, encounter=encounter, data=data)


def _make_reviews(*, actor: User, encounter: Encounter, data: Sequence[ReviewAtContact]) -> None:
    person = person_of(encounter)
    for sent in data:
        goal = Goal.objects.visible_to(actor).filter(pk=sent.goal_id, client=person).first()
        if goal is None:
            raise GoalRefused(_("A goal reviewed at this contact is not one of the person's goals."))
        steps = list(goal.steps.filter(pk__in=sent.steps_done)) if sent.steps_done else []
        if len(steps) != len(set(sent.steps_done)):
            raise GoalRefused(_("Those steps are not this goal's steps."))
        review_goal(
            actor=actor,
            goal=goal,
            closeness=sent.closeness,
            gas=sent.gas,
            note=sent.note,
            steps_done=steps,
            encounter=encounter,
            reviewed_at=encounter.happened_at,
        )


def reviews_canonical(data: Sequence[ReviewAtContact]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {
            "goal": str(review.goal_id),
            "closeness": review.closeness,
            "gas": review.gas,
            "note": review.note,
            "steps_done": sorted(str(step) for step in review.steps_done),
        }
        for review in data
    ]
    return sorted(rows, key=lambda row: (str(row["goal"]), str(row["closeness"]), str(row["note"])))


def stored_reviews(encounter: Encounter) -> list[dict[str, object]]:
    """The reviews sent with the contact (not those made beside it); which steps each one
    ticked is in its audit event, not on the review, so it is left out here."""
    reviews = Review.objects.filter(encounter=encounter, contact_ref__isnull=True)
    return reviews_canonical(
        [ReviewAtContact(review.goal_id, review.closeness, review.gas, review.note) for review in reviews]
    )
