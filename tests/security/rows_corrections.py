"""Access rows for correcting a contact.

The base `encounter` was logged just now by `worker` for the team's person: the author and
the team's supervisor may correct it, other teams get 404. A POST without the form's fields
comes back as the form with its messages (200), storing nothing.
"""

from typing import Any

from django.urls import reverse

from .matrix import Row, scoped_object

DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}


def edit(o: dict[str, Any]) -> str:
    return reverse("encounters:edit", args=[o["encounter"].pk])


ROWS = [
    scoped_object("encounters:edit", edit),
    Row(
        "encounters:edit",
        "post",
        edit,
        {"worker": 200, "supervisor": 200, "outsider": 404, "other_supervisor": 404, **DENIED},
        {"kind": "street"},
    ),
]

WRONG_METHOD = [("encounters:edit", "put", edit)]
