"""Access rows for health (health/): a person's health record, read and noted."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from .matrix import Row, scoped_object

DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}


def record_path(o: dict[str, Any]) -> str:
    return reverse("health:person", args=[o["person"].code])


def noted(o: dict[str, Any]) -> dict[str, str]:
    return {"on": timezone.localdate().isoformat(), "health-hiv-result": "non_reactive", "health-hiv-method": "rapid"}


ROWS = [
    scoped_object("health:person", record_path),
    Row(
        "health:person",
        "post",
        record_path,
        {"worker": 302, "supervisor": 302, "outsider": 404, "other_supervisor": 404, **DENIED},
        noted,
    ),
]

WRONG_METHOD = [
    ("health:person", "put", record_path),
]
