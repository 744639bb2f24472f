"""Access rows for the anonymised exports: data admins only, and an export is its maker's.

Workers, supervisors (of either team) and system admins are refused every export page and
file (403, before anything is looked up); anonymous users are sent to sign in. The data
admin opens their own export and downloads its file, and gets 404 for another data
admin's: the same answer as for an export that does not exist.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

from exports import storage
from exports.models import Export
from tests.factories import UserFactory

from .matrix import ROLES, Row

ADMIN_ONLY = {**dict.fromkeys(ROLES, 403), "anonymous": 302}


def _export(owner: Any, root: Path) -> Export:
    export = Export.objects.create(
        created_by=owner,
        datasets=["contacts"],
        team_ids=[],
        first_month=timezone.localdate().replace(day=1),
        last_month=timezone.localdate().replace(day=1),
        status=Export.Status.DONE,
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
    )
    export.file_name = f"{export.pk}.zip"
    made = root / export.file_name
    made.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip
    export.file_size = storage.store(export.pk, made)  # where the worker puts it (exports/storage.py)
    export.save(update_fields=["file_name", "file_size"])
    return export


def objects(base: dict[str, Any]) -> dict[str, Any]:
    request = base["request"]
    settings = request.getfixturevalue("settings")
    root = request.getfixturevalue("tmp_path") / "exports"
    root.mkdir(exist_ok=True)
    settings.ALONGSIDE_EXPORT_ROOT = root
    other_admin = UserFactory.create(username="other-data-admin", is_data_admin=True)
    return {
        "own_export": _export(request.getfixturevalue("data_admin"), root),
        "others_export": _export(other_admin, root),
    }


ROWS = [
    Row("exports:export_list", "get", lambda o: reverse("exports:export_list"), {**ADMIN_ONLY, "data_admin": 200}),
    Row(
        "exports:export_start",
        "post",
        lambda o: reverse("exports:export_start"),
        {**ADMIN_ONLY, "data_admin": 200},  # an empty form comes back with its errors; nothing starts
        {"review": "1"},
    ),
    Row(
        "exports:export_detail",
        "get",
        lambda o: reverse("exports:export_detail", args=[o["own_export"].pk]),
        {**ADMIN_ONLY, "data_admin": 200},
    ),
    Row(
        "exports:export_detail",
        "get",
        lambda o: reverse("exports:export_detail", args=[o["others_export"].pk]),
        {**ADMIN_ONLY, "data_admin": 404},
    ),
    Row(
        "exports:export_download",
        "get",
        lambda o: reverse("exports:export_download", args=[o["own_export"].pk]),
        {**ADMIN_ONLY, "data_admin": 200},
    ),
    Row(
        "exports:export_download",
        "get",
        lambda o: reverse("exports:export_download", args=[o["others_export"].pk]),
        {**ADMIN_ONLY, "data_admin": 404},
    ),
]

# Refused before the method is checked for anyone but data admins (tests/exports checks 405).
WRONG_METHOD: list[Any] = []
