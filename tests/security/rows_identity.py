"""Access rows for identity (edit, aliases), consent and safety flags."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from clients.models import Alias, Client, SafetyFlag

from .matrix import Row, RowData, scoped_object, supervisor_page


def scoped_post(name: str, path: Callable[[dict[str, Any]], str], data: RowData = None) -> Row:
    """A change to one person of the team: done and redirected (302); other teams 404."""
    statuses = {"worker": 302, "supervisor": 302, "outsider": 404, "other_supervisor": 404}
    return Row(name, "post", path, {**statuses, "data_admin": 403, "system_admin": 403, "anonymous": 302}, data)


def code(objects: dict[str, Any]) -> str:
    return str(objects["person"].code)


def renamed(objects: dict[str, Any]) -> dict[str, str]:
    """A new name, saved on top of the version as it is after every module's objects()."""
    version = Client.objects.values_list("version", flat=True).get(pk=objects["person"].pk)
    return {"preferred_name": "Robyn", "version": str(version)}


ROWS = [
    scoped_object("clients:edit", lambda o: reverse("clients:edit", args=[code(o)])),
    scoped_post("clients:edit", lambda o: reverse("clients:edit", args=[code(o)]), renamed),
    scoped_post("clients:alias_add", lambda o: reverse("clients:alias_add", args=[code(o)]), {"name": "Bobbie"}),
    scoped_post("clients:alias_remove", lambda o: reverse("clients:alias_remove", args=[code(o), o["alias"].pk])),
    scoped_post(
        "clients:consent_record",
        lambda o: reverse("clients:consent_record", args=[code(o)]),
        {"kind": "follow-up", "decision": "given", "method": "verbal"},
    ),
    supervisor_page("clients:consents_expiring"),
    scoped_post(
        "clients:flag_add", lambda o: reverse("clients:flag_add", args=[code(o)]), {"text": "Do not visit alone"}
    ),
    scoped_post("clients:flag_end", lambda o: reverse("clients:flag_end", args=[code(o), o["flag"].pk])),
]

WRONG_METHOD = [
    ("clients:edit", "delete", lambda o: reverse("clients:edit", args=[code(o)])),
    ("clients:alias_add", "get", lambda o: reverse("clients:alias_add", args=[code(o)])),
    ("clients:alias_remove", "get", lambda o: reverse("clients:alias_remove", args=[code(o), o["alias"].pk])),
    ("clients:consent_record", "get", lambda o: reverse("clients:consent_record", args=[code(o)])),
    ("clients:flag_add", "get", lambda o: reverse("clients:flag_add", args=[code(o)])),
    ("clients:flag_end", "get", lambda o: reverse("clients:flag_end", args=[code(o), o["flag"].pk])),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    person = base["person"]
    return {
        "alias": Alias.objects.create(client=person, name="Rob"),
        "flag": SafetyFlag.objects.create(client=person, text="Prefers women workers"),
    }
