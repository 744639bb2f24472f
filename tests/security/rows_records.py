"""Access rows for who viewed a record, erasure and team transfer (supervisors of the person's team)."""

from typing import Any

from django.urls import reverse

from .matrix import supervisor_object


def code(objects: dict[str, Any]) -> str:
    return str(objects["person"].code)


ROWS = [
    supervisor_object("clients:viewers", lambda o: reverse("clients:viewers", args=[code(o)])),
    supervisor_object("clients:viewers_print", lambda o: reverse("clients:viewers_print", args=[code(o)])),
    supervisor_object("clients:erase", lambda o: reverse("clients:erase", args=[code(o)])),
    # A wrong code: the supervisor gets the form back (200) and nothing is erased.
    supervisor_object(
        "clients:erase", lambda o: reverse("clients:erase", args=[code(o)]), "post", data={"confirm_code": "ACD-EFG"}
    ),
    supervisor_object("clients:transfer", lambda o: reverse("clients:transfer", args=[code(o)])),
    # An unknown team: the form comes back (200) and nothing moves.
    supervisor_object(
        "clients:transfer",
        lambda o: reverse("clients:transfer", args=[code(o)]),
        "post",
        data={"team": "00000000-0000-0000-0000-000000000000"},
    ),
]

WRONG_METHOD = [
    ("clients:viewers", "post", lambda o: reverse("clients:viewers", args=[code(o)])),
    ("clients:viewers_print", "post", lambda o: reverse("clients:viewers_print", args=[code(o)])),
    ("clients:erase", "put", lambda o: reverse("clients:erase", args=[code(o)])),
    ("clients:transfer", "delete", lambda o: reverse("clients:transfer", args=[code(o)])),
]
