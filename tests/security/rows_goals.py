"""Access rows for goals: the goal pages and the goals panel of Log a contact."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from goals.models import Goal, Step

from .matrix import Row, scoped_object

DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}


def scoped_post(name: str, path: Callable[[dict[str, Any]], str], data: dict[str, str], ok: int = 302) -> Row:
    """A change to a goal of the team's person: done (302, or 200 when the form comes back); other teams 404."""
    statuses = {"worker": ok, "supervisor": ok, "outsider": 404, "other_supervisor": 404}
    return Row(name, "post", path, {**statuses, **DENIED}, data)


def goal(o: dict[str, Any]) -> list[str]:
    return [str(o["goal"].pk)]


def step(o: dict[str, Any]) -> list[str]:
    return [str(o["goal_step"].pk)]


def panel(o: dict[str, Any]) -> str:
    query = urlencode({"who": o["person"].code, "id": str(o["encounter"].pk)})
    return f"{reverse('goals:contact_panel')}?{query}"


ROWS = [
    scoped_object("goals:new", lambda o: reverse("goals:new", args=[o["person"].code])),
    scoped_post("goals:new", lambda o: reverse("goals:new", args=[o["person"].code]), {"words": "Walk to the park"}),
    scoped_object("goals:detail", lambda o: reverse("goals:detail", args=goal(o))),
    scoped_object("goals:review", lambda o: reverse("goals:review", args=goal(o))),
    scoped_post("goals:review", lambda o: reverse("goals:review", args=goal(o)), {"closeness": "6"}),
    scoped_object("goals:status", lambda o: reverse("goals:status", args=goal(o))),
    scoped_post(
        "goals:status", lambda o: reverse("goals:status", args=goal(o)), {"status": "achieved", "version": "1"}
    ),
    scoped_object("goals:change", lambda o: reverse("goals:change", args=goal(o))),
    scoped_post(
        "goals:change", lambda o: reverse("goals:change", args=goal(o)), {"words": "Walk further", "version": "1"}
    ),
    scoped_post("goals:step_add", lambda o: reverse("goals:step_add", args=goal(o)), {"text": "Shoes"}),
    scoped_post("goals:step_done", lambda o: reverse("goals:step_done", args=step(o)), {"done": "1"}),
    scoped_post("goals:step_move", lambda o: reverse("goals:step_move", args=step(o)), {"direction": "up"}),
    scoped_object("goals:contact_panel", panel),
    scoped_post(
        "goals:contact_review",
        lambda o: reverse("goals:contact_review", args=goal(o)),
        {"contact": ""},
        ok=200,  # no rating: the panel page comes back with the message
    ),
    scoped_post(
        "goals:contact_goal_new",
        lambda o: reverse("goals:contact_goal_new", args=[o["person"].code]),
        {"new-goal-words": "Sleep better"},
    ),
]

WRONG_METHOD = [
    ("goals:detail", "post", lambda o: reverse("goals:detail", args=goal(o))),
    ("goals:new", "delete", lambda o: reverse("goals:new", args=[o["person"].code])),
    ("goals:review", "put", lambda o: reverse("goals:review", args=goal(o))),
    ("goals:status", "delete", lambda o: reverse("goals:status", args=goal(o))),
    ("goals:change", "put", lambda o: reverse("goals:change", args=goal(o))),
    ("goals:step_add", "get", lambda o: reverse("goals:step_add", args=goal(o))),
    ("goals:step_done", "get", lambda o: reverse("goals:step_done", args=step(o))),
    ("goals:step_move", "get", lambda o: reverse("goals:step_move", args=step(o))),
    ("goals:contact_panel", "post", lambda o: reverse("goals:contact_panel")),
    ("goals:contact_review", "get", lambda o: reverse("goals:contact_review", args=goal(o))),
    ("goals:contact_goal_new", "get", lambda o: reverse("goals:contact_goal_new", args=[o["person"].code])),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    person = base["person"]
    goal = Goal.objects.create(client=person, team_id=person.home_team_id, words="Walk every day")
    return {"goal": goal, "goal_step": Step.objects.create(goal=goal, text="Find shoes", order=0)}
