import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings

from demo.export_cohort import regulars
from goals.models import Goal, Review

pytestmark = pytest.mark.django_db


@override_settings(ALLOW_DEMO_DATA=True)
def test_demo_people_have_goals_with_steps_and_months_of_reviews() -> None:
    call_command("load_demo", stdout=None)
    # The hub's regulars (demo/export_cohort.py: each with one goal, for exports) aside.
    goals = Goal.objects.exclude(client__in=regulars())
    per_team = goals.values("team__name").annotate(count=Count("id")).order_by("team__name")
    assert [(row["team__name"], row["count"]) for row in per_team] == [("North team", 7), ("River team", 7)]
    statuses = goals.values_list("status", flat=True)
    assert {status: list(statuses).count(status) for status in set(statuses)} == {
        "achieved": 2,
        "changed": 2,
        "set_aside": 2,
        "active": 8,
    }
    changed = Goal.objects.select_related("became").get(status="changed", team__name="North team")
    assert changed.became is not None and changed.became.client_id == changed.client_id
    assert changed.became.status == "active"
    months = {review.reviewed_at.strftime("%Y-%m") for review in Review.objects.all()}
    assert len(months) >= 4  # reviews one to five months apart
    assert Review.objects.filter(gas__isnull=False).count() == 10
    assert all(goal.client.home_team_id == goal.team_id for goal in Goal.objects.select_related("client"))

    call_command("load_demo", stdout=None)
    assert Goal.objects.exclude(client__in=regulars()).count() == 14
