"""Access rows for the summary a person can take: team members of the person's team."""

from typing import Any

from django.urls import reverse

from .matrix import scoped_object


def summary(objects: dict[str, Any]) -> str:
    return reverse("clients:summary", args=[objects["person"].code])


ROWS = [
    scoped_object("clients:summary", summary),  # the choices
    scoped_object("clients:summary", lambda o: f"{summary(o)}?show=1&language=es&parts=goals&parts=viewers"),
]

WRONG_METHOD = [
    ("clients:summary", "post", summary),
]
