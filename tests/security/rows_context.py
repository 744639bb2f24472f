"""Access rows for the context a person chose to share (clients/views/context_items.py):
their team reads, notes and removes; another team gets 404 (it confirms nothing); a data
admin and a system admin are refused by role (403); a distribution volunteer too
(test_volunteer_access.py)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from clients.models import ContextItem

from .matrix import Row, scoped_object

DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}
OTHER_TEAM = {"outsider": 404, "other_supervisor": 404}


def objects(base: dict[str, Any]) -> dict[str, Any]:
    person = base["person"]
    item = ContextItem.objects.create(
        client=person,
        kind="housing_support",
        situation="housing_support_waiting",
        noted_on=timezone.localdate(),
        created_by=base["encounter"].worker,
    )
    return {"context_item": item}


def page(o: dict[str, Any]) -> str:
    return reverse("clients:context", args=[o["person"].code])


def remove(o: dict[str, Any]) -> str:
    return reverse("clients:context_remove", args=[o["person"].code, o["context_item"].pk])


def noted(o: dict[str, Any]) -> dict[str, str]:
    return {"situation": "income_casual_work", "noted_on": timezone.localdate().isoformat(), "chose_to_share": "on"}


ROWS = [
    scoped_object("clients:context", page),
    Row("clients:context", "post", page, {"worker": 302, "supervisor": 302, **OTHER_TEAM, **DENIED}, noted),
    Row("clients:context_remove", "post", remove, {"worker": 302, "supervisor": 302, **OTHER_TEAM, **DENIED}),
]

WRONG_METHOD = [
    ("clients:context", "put", page),
    ("clients:context_remove", "get", remove),
]
