from typing import Any

from accounts.models import User
from clients.models import Client

from .models import Goal
from .stats import person_attainment


def person_goals(client: Client, user: User) -> dict[str, Any]:
    """Active goals first (with steps and latest rating), then past goals and how they ended.

    Two queries whatever the number of goals (GoalQuerySet.for_section); their Goal
    Attainment Scaling T-score is worked out from the same rows.
    """
    goals = list(Goal.objects.visible_to(user).filter(client=client).for_section())
    return {
        "active": [goal for goal in goals if goal.is_active],
        "past": [goal for goal in goals if not goal.is_active],
        "attainment": person_attainment(goals),
    }
