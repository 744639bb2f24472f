"""Access rows for likely duplicates: the supervisors' list of pairs and "not the same person"."""

from typing import Any

from django.urls import reverse

from tests.factories import ClientFactory

from .matrix import supervisor_object, supervisor_page


def pair(objects: dict[str, Any]) -> list[str]:
    return [objects["person"].code, objects["duplicate_other"].code]


ROWS = [
    supervisor_page("clients:duplicate_list"),
    supervisor_object(
        "clients:duplicate_dismiss", lambda o: reverse("clients:duplicate_dismiss", args=pair(o)), "post", ok=302
    ),
]

WRONG_METHOD = [
    ("clients:duplicate_list", "post", lambda o: reverse("clients:duplicate_list")),
    ("clients:duplicate_dismiss", "get", lambda o: reverse("clients:duplicate_dismiss", args=pair(o))),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    """Another "Robin" in the person's team, born the same year: a likely duplicate."""
    person = base["person"]
    other = ClientFactory.create(home_team=person.home_team, preferred_name="Robyn", year_of_birth=person.year_of_birth)
    return {"duplicate_other": other}
