"""Access rows for offline use: the page, a device's JSON (its owner only: anyone else 404,
which confirms nothing), revoking, the caseload and the sync."""

from typing import Any

from django.urls import reverse

from offline.models import Device

from .matrix import ROLES, Row, team_page

DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}
NOT_THEIRS = {"supervisor": 404, "outsider": 404, "other_supervisor": 404}


def device(o: dict[str, Any]) -> list[str]:
    return [str(o["device"].pk)]


def owners_only(name: str, method: str, ok: int) -> Row:
    """The device's owner (the team's worker) gets `ok`; anyone else's sign-in 404."""
    return Row(name, method, lambda o: reverse(name, args=device(o)), {"worker": ok, **NOT_THEIRS, **DENIED})


ROWS = [
    team_page("offline:home"),
    team_page("offline:log"),
    # The service worker and the manifest hold no one's data; everyone may fetch them.
    Row("service_worker", "get", lambda o: reverse("service_worker"), dict.fromkeys(ROLES, 200)),
    Row("manifest", "get", lambda o: reverse("manifest"), dict.fromkeys(ROLES, 200)),
    Row(
        "offline:device_add",
        "post",
        lambda o: reverse("offline:device_add"),
        {"worker": 201, "supervisor": 201, "outsider": 201, "other_supervisor": 201, **DENIED},
    ),
    owners_only("offline:device_state", "get", 200),
    owners_only("offline:device_revoke", "post", 302),
    owners_only("offline:people", "get", 200),
    owners_only("offline:changes", "get", 200),
    # A form-encoded body is not the sync's JSON: the owner reaches the view and is refused (400).
    owners_only("offline:sync", "post", 400),
]
WRONG_METHOD = [
    ("offline:home", "post", lambda o: reverse("offline:home")),
    ("offline:log", "post", lambda o: reverse("offline:log")),
    ("service_worker", "post", lambda o: reverse("service_worker")),
    ("manifest", "post", lambda o: reverse("manifest")),
    ("offline:device_add", "get", lambda o: reverse("offline:device_add")),
    ("offline:device_state", "post", lambda o: reverse("offline:device_state", args=device(o))),
    ("offline:device_revoke", "get", lambda o: reverse("offline:device_revoke", args=device(o))),
    ("offline:people", "post", lambda o: reverse("offline:people", args=device(o))),
    ("offline:sync", "get", lambda o: reverse("offline:sync", args=device(o))),
    ("offline:changes", "post", lambda o: reverse("offline:changes", args=device(o))),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    return {"device": Device.objects.create(user=base["encounter"].worker, label="Chrome on Android")}
