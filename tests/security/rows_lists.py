"""Access rows for the contact lists: a person's timeline, the worker's day, people not seen."""

from typing import Any

from django.urls import reverse

from .matrix import scoped_object, team_page


def timeline(o: dict[str, Any]) -> str:
    return reverse("encounters:timeline", args=[o["person"].code])


ROWS = [
    scoped_object("encounters:timeline", timeline),
    team_page("encounters:today"),
    team_page("encounters:not_seen"),
]

WRONG_METHOD = [
    ("encounters:timeline", "post", timeline),
    ("encounters:today", "post", lambda o: reverse("encounters:today")),
    ("encounters:not_seen", "post", lambda o: reverse("encounters:not_seen")),
]
