"""Access helpers: one goal or step for a user, or None when outside the user's scope.

Views answer None with a 404 that says, in plain words, that nothing was found among the
team's people and nothing was saved; it never confirms that the goal exists elsewhere.
"""

import uuid

from accounts.models import User

from .models import Goal, Step


def find_goal(user: User, goal_id: uuid.UUID) -> Goal | None:
    """The goal with what its page shows (person, the goal it became or came from, steps)."""
    goals = Goal.objects.visible_to(user).for_page().prefetch_related("steps")
    return goals.filter(pk=goal_id).first()


def find_step(user: User, step_id: uuid.UUID) -> Step | None:
    visible = Goal.objects.visible_to(user)
    return Step.objects.select_related("goal").filter(pk=step_id, goal__in=visible).first()
