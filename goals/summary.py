"""The goals part of the summary a person can take (clients/summary.py): their goals in
their own words, and how they are getting on, said to them. One query."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client
from clients.summary import SummaryPart

from .models import Goal

EARLIER_SHOWN = 5  # the most recent earlier goals; the page is one page

# The levels said to the person: the lowest is never a failure.
YOUR_LEVELS = {
    -2: _("much less than you hoped for"),
    -1: _("a little less than you hoped for"),
    0: _("what you hoped for"),
    1: _("a little more than you hoped for"),
    2: _("much more than you hoped for"),
}


def summary_goals(client: Client, user: User) -> dict[str, Any]:
    active_first = models.Case(models.When(status=Goal.Status.ACTIVE, then=models.Value(0)), default=models.Value(1))
    goals = list(
        Goal.objects.visible_to(user)
        .filter(client=client)
        .with_latest_review()
        .order_by(active_first, models.F("status_on").desc(nulls_first=True), "-created_at")
    )
    for goal in goals:
        level = goal.gas_level(goal.latest_gas)  # type: ignore[attr-defined]
        goal.your_level = (YOUR_LEVELS[level.level], level.words) if level else None  # type: ignore[attr-defined]
    earlier = [goal for goal in goals if not goal.is_active]
    return {
        "active": [goal for goal in goals if goal.is_active],
        "earlier": earlier[:EARLIER_SHOWN],
        "more_earlier": max(len(earlier) - EARLIER_SHOWN, 0),
    }


part = SummaryPart(
    key="goals", label=_("Your goals and how they are going"), template="goals/_summary_goals.html", load=summary_goals
)
