"""Access rows for the import page: supervisors only, and an import is its maker's.

Workers, data admins and system admins are refused every import page (403, before anything
is looked up); anonymous users are sent to sign in. The supervisor opens and starts their
own import; another team's supervisor gets 404 for it (the same answer as for an import that
does not exist), and their own list and upload form.
"""

from typing import Any

from django.urls import reverse

from imports.models import ImportJob

from .matrix import supervisor_object, supervisor_page

FILE = b"Date,Site,Condoms\n2025-06-15,,5\n"


def objects(base: dict[str, Any]) -> dict[str, Any]:
    request = base["request"]
    supervisor = request.getfixturevalue("supervisor")
    job = ImportJob.objects.create(
        team=request.getfixturevalue("team"),
        created_by=supervisor,
        file_type=ImportJob.FileType.CSV,
        file_size=len(FILE),
        content=FILE,
    )
    return {"import": job}


ROWS = [
    supervisor_page("imports:import_list"),
    # An upload without a file: the form comes back with its error; nothing is kept.
    supervisor_page("imports:import_list", "post", data={"kind": "contacts"}),
    supervisor_object("imports:import_detail", lambda o: reverse("imports:import_detail", args=[o["import"].pk])),
    # Choices that are not valid: the check comes back with its errors.
    supervisor_object(
        "imports:import_detail",
        lambda o: reverse("imports:import_detail", args=[o["import"].pk]),
        method="post",
        data={"column_0": "no-such-field"},
    ),
    # Started: queued for the worker, then back to its page (302).
    supervisor_object(
        "imports:import_start", lambda o: reverse("imports:import_start", args=[o["import"].pk]), "post", ok=302
    ),
]

WRONG_METHOD: list[Any] = [
    ("imports:import_list", "put", lambda o: reverse("imports:import_list")),
    ("imports:import_detail", "delete", lambda o: reverse("imports:import_detail", args=[o["import"].pk])),
    ("imports:import_start", "put", lambda o: reverse("imports:import_start", args=[o["import"].pk])),
]
