"""Access rows for outcomes: the check-in page, the check-in panel of Log a contact, and the
data admins' instrument pages (no person data: only data admins, 403 for everyone else)."""

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from outcomes.models import Instrument

from .matrix import ROLES, Row, scoped_object

DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}
ADMIN_ONLY = {**dict.fromkeys(ROLES, 403), "data_admin": 200, "anonymous": 302}
WHO5 = {f"who5-{key}": "3" for key in ("cheerful", "calm", "active", "rested", "interested")}


def scoped(
    name: str, method: str, path: Callable[[dict[str, Any]], str], ok: int, data: dict[str, str] | None = None
) -> Row:
    """The team's person: `ok`; other teams 404 (nothing confirmed, nothing stored)."""
    statuses = {"worker": ok, "supervisor": ok, "outsider": 404, "other_supervisor": 404}
    return Row(name, method, path, {**statuses, **DENIED}, data)


def check_in(o: dict[str, Any]) -> str:
    return reverse("outcomes:check_in", args=[o["person"].code, "who5"])


def panel(o: dict[str, Any]) -> str:
    return f"{reverse('outcomes:contact_panel')}?{urlencode({'who': o['person'].code, 'id': str(uuid.uuid4())})}"


def answers(o: dict[str, Any]) -> str:
    return reverse("outcomes:contact_answers", args=[o["person"].code, "who5"])


def who5_edit(o: dict[str, Any]) -> str:
    return reverse("outcomes:instrument_edit", args=[o["who5"].pk])


ROWS = [
    scoped_object("outcomes:check_in", check_in),
    scoped("outcomes:check_in", "post", check_in, 302, WHO5),
    # Without htmx the panel's link opens the check-in page of its own (302).
    scoped("outcomes:contact_panel", "get", panel, 302),
    scoped("outcomes:contact_answers", "post", answers, 200, WHO5 | {"id": str(uuid.uuid4())}),
    Row("outcomes:instrument_list", "get", lambda o: reverse("outcomes:instrument_list"), ADMIN_ONLY),
    Row("outcomes:instrument_new", "get", lambda o: reverse("outcomes:instrument_new"), ADMIN_ONLY),
    # Nothing filled in: the form comes back with its messages (200).
    Row("outcomes:instrument_new", "post", lambda o: reverse("outcomes:instrument_new"), ADMIN_ONLY, {"name": ""}),
    Row("outcomes:instrument_edit", "get", who5_edit, ADMIN_ONLY),
]

WRONG_METHOD = [
    ("outcomes:check_in", "put", check_in),
    ("outcomes:contact_panel", "post", lambda o: reverse("outcomes:contact_panel")),
    ("outcomes:contact_answers", "get", answers),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    return {"who5": Instrument.objects.get(slug="who5", is_current=True)}
