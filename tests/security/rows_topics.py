"""Access rows for a team's safer-use topics (health/views/topics.py): the team's supervisors
only; workers 403; another team's supervisor 404 on the team's topic and team (their own list
is theirs: 200); data admins and system admins 403. Volunteers: tests/security/test_volunteer_access.py."""

from typing import Any

from django.urls import reverse

from health.education import Topic
from health.services.education import ensure_topics

from .matrix import supervisor_object, supervisor_page


def objects(base: dict[str, Any]) -> dict[str, Any]:
    team_id = base["person"].home_team_id
    ensure_topics([team_id])
    return {"topic": Topic.objects.filter(team_id=team_id, key="safer_sex").get()}


def topic_path(name: str) -> Any:
    return lambda o: reverse(name, args=[o["topic"].pk])


def team_path(o: dict[str, Any]) -> str:
    return reverse("health:topic_new", args=[o["person"].home_team_id])


ROWS = [
    supervisor_page("health:topic_list"),
    supervisor_object("health:topic_new", team_path),
    supervisor_object("health:topic_new", team_path, method="post", ok=302, data={"name": "Heat and hydration"}),
    supervisor_object("health:topic_edit", topic_path("health:topic_edit")),
    supervisor_object(
        "health:topic_edit", topic_path("health:topic_edit"), method="post", ok=302, data={"name": "Safer sex work"}
    ),
    supervisor_object(
        "health:topic_active", topic_path("health:topic_active"), method="post", ok=302, data={"active": "0"}
    ),
]

WRONG_METHOD = [
    ("health:topic_active", "get", topic_path("health:topic_active")),
    ("health:topic_list", "post", lambda o: reverse("health:topic_list")),
]
