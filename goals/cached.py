"""What a phone keeps of a person's goals for offline use (offline/services.py caseload).

A worker's phone with offline use on keeps, encrypted under the offline PIN's key, the
active goals of the people in its cached caseload, so the goals panel of the offline Log a
contact page can be drawn without signal and a review queued with the contact
(goals.forms.ReviewsAtContactForm). Only what a review needs: the goal in the person's own
words, the levels they described, the steps not done yet and their latest rating; never a
review's note, the reason for the goal or anything ended. Never for a distribution
volunteer (accounts/roles.py), who does not see goals.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User

from .models import Goal, Step


def goals_to_cache(*, actor: User, client_ids: Iterable[Any]) -> dict[Any, list[dict[str, Any]]]:
    """{person id: their active goals as the phone keeps them}, oldest goal first. Two
    queries whatever the number of people (the goals with their latest rating, the steps)."""
    open_steps = Prefetch("steps", Step.objects.filter(is_done=False).order_by("order", "created_at"))
    goals = (
        Goal.objects.visible_to(actor)
        .active()
        .filter(client_id__in=list(client_ids))
        .with_latest_review()
        .prefetch_related(open_steps)
        .order_by("created_at", "pk")
    )
    found: dict[Any, list[dict[str, Any]]] = {}
    for goal in goals:
        reviewed = goal.latest_reviewed_at  # type: ignore[attr-defined]
        found.setdefault(goal.client_id, []).append(
            {
                "id": str(goal.pk),
                "words": goal.words,
                "closeness": goal.latest_closeness,  # type: ignore[attr-defined]
                "reviewed_on": timezone.localdate(reviewed).isoformat() if reviewed else "",
                "levels": [[level, words] for level, words in goal.gas_levels],
                "steps": [[str(step.pk), step.text] for step in goal.steps.all()],
            }
        )
    return found
