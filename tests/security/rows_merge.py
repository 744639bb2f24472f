"""Access rows for merging two records and undoing a merge (supervisors of both people's teams)."""

from typing import Any

from django.urls import reverse

from clients.services.merge import FIELD_GROUPS, merge_clients
from tests.factories import ClientFactory

from .matrix import supervisor_object

KEEP_A = dict.fromkeys(FIELD_GROUPS, "survivor")


def codes(objects: dict[str, Any]) -> list[str]:
    return [objects["person"].code, objects["merge_other"].code]


ROWS = [
    supervisor_object("clients:merge_start", lambda o: reverse("clients:merge_start", args=codes(o)[:1])),
    # A code nobody has: the form comes back (200) with a message and nothing changes.
    supervisor_object(
        "clients:merge_start",
        lambda o: reverse("clients:merge_start", args=codes(o)[:1]),
        "post",
        data={"other": "ACD-EFG"},
    ),
    supervisor_object("clients:merge", lambda o: reverse("clients:merge", args=codes(o))),
    supervisor_object("clients:merge", lambda o: reverse("clients:merge", args=codes(o)), "post", ok=302, data=KEEP_A),
    supervisor_object(
        "clients:merge_undo", lambda o: reverse("clients:merge_undo", args=[o["merge_record"].pk]), "post", ok=302
    ),
]

WRONG_METHOD = [
    ("clients:merge_start", "put", lambda o: reverse("clients:merge_start", args=codes(o)[:1])),
    ("clients:merge", "delete", lambda o: reverse("clients:merge", args=codes(o))),
    ("clients:merge_undo", "get", lambda o: reverse("clients:merge_undo", args=[o["merge_record"].pk])),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    """A second person to merge, and a person (without a name) already merged into `person`."""
    person = base["person"]
    supervisor = base["request"].getfixturevalue("supervisor")
    earlier = ClientFactory.create(home_team=person.home_team, preferred_name="")
    merge = merge_clients(actor=supervisor, survivor=person, merged=earlier, field_choices={})
    return {
        "merge_other": ClientFactory.create(home_team=person.home_team, preferred_name="Sam"),
        "merge_record": merge,
    }
