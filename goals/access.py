"""Access helpers: one goal or step for a user, or NotFound outside the user's scope.

Goals' views answer NotFound with a page of their own (`goals.views.not_found_page`) that
says, in plain words, that nothing was found among the team's people and nothing was
saved; it never confirms that the goal exists elsewhere.
"""

import uuid

from accounts.models import User
from core.errors import NotFound

from .models import Goal, Step


def get_goal_for_user(user: User, goal_id: uuid.UUID) -> Goal:
    """The goal with what its page shows (person, the goal it became or came from, steps)."""
    goals = Goal.objects.visible_to(user).for_page().prefetch_related("steps")
    goal = goals.filter(pk=goal_id).first()
    if goal is None:
        raise NotFound
    return goal


def get_step_for_user(user: User, step_id: uuid.UUID) -> Step:
    visible = Goal.objects.visible_to(user)
    step = Step.objects.select_related("goal").filter(pk=step_id, goal__in=visible).first()
    if step is None:
        raise NotFound
    return step


def reloaded(user: User, goal: Goal) -> Goal:
    """The goal as stored now, after a change (the same one if it went out of scope meanwhile)."""
    try:
        return get_goal_for_user(user, goal.pk)
    except NotFound:
        return goal
