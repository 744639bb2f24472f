"""Access rows for a person's own words on drug use. The matrix runs with the feature as
shipped, off: the pages are not there for anyone (404; a data admin and a system admin are
refused by role first, 403). tests/clients/test_use_wish.py covers every role with it on."""

from typing import Any

from django.urls import reverse

from .matrix import Row

OFF = {"worker": 404, "supervisor": 404, "outsider": 404, "other_supervisor": 404}
DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}


def edit(objects: dict[str, Any]) -> str:
    return reverse("clients:use_wish_edit", args=[objects["person"].code])


def delete(objects: dict[str, Any]) -> str:
    return reverse("clients:use_wish_delete", args=[objects["person"].code])


ROWS = [
    Row("clients:use_wish_edit", "get", edit, {**OFF, **DENIED}),
    Row("clients:use_wish_edit", "post", edit, {**OFF, **DENIED}, {"words": "Use more safely", "with_person": "on"}),
    Row("clients:use_wish_delete", "post", delete, {**OFF, **DENIED}),
]

WRONG_METHOD = [
    ("clients:use_wish_edit", "delete", edit),
    ("clients:use_wish_delete", "get", delete),
]
