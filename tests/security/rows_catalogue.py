"""Access rows for the catalogue pages.

Service types are the organisation's catalogue: data admins only (everyone else 403).
A team's sites and quick buttons: data admins for every team, supervisors for the teams
they supervise (another team's supervisor gets 404), workers 403.
"""

from typing import Any

from django.urls import reverse

from encounters.models import ServiceType

from .matrix import ROLES, Row

ONLY_DATA_ADMIN = {**dict.fromkeys(ROLES, 403), "anonymous": 302}
KEEPERS = {"supervisor": 200, "other_supervisor": 200, "data_admin": 200}
NOT_KEEPERS = {"worker": 403, "outsider": 403, "system_admin": 403, "anonymous": 302}


def data_admin_row(name: str, method: str, path: Any, ok: int, data: dict[str, str] | None = None) -> Row:
    return Row(name, method, path, {**ONLY_DATA_ADMIN, "data_admin": ok}, data)


def team_row(name: str, method: str, path: Any, ok: int, data: dict[str, str] | None = None) -> Row:
    """The team's own supervisor and data admins: `ok`; another team's supervisor: 404."""
    expected = {**NOT_KEEPERS, "supervisor": ok, "data_admin": ok, "other_supervisor": 404}
    return Row(name, method, path, expected, data)


def service(o: dict[str, Any]) -> list[str]:
    return [str(o["catalogue_service_type"].pk)]


def team(o: dict[str, Any]) -> list[str]:
    return [str(o["person"].home_team_id)]


def site(o: dict[str, Any]) -> list[str]:
    return [str(o["encounter"].site_id)]


SERVICE_DATA = {"name": "Sharps bin", "category": "disposal", "unit": "bins", "order": "200"}

ROWS = [
    Row("encounters:catalogue", "get", lambda o: reverse("encounters:catalogue"), {**NOT_KEEPERS, **KEEPERS}),
    data_admin_row("encounters:service_type_new", "get", lambda o: reverse("encounters:service_type_new"), 200),
    data_admin_row(
        "encounters:service_type_new", "post", lambda o: reverse("encounters:service_type_new"), 302, SERVICE_DATA
    ),
    data_admin_row(
        "encounters:service_type_edit", "get", lambda o: reverse("encounters:service_type_edit", args=service(o)), 200
    ),
    data_admin_row(
        "encounters:service_type_edit",
        "post",
        lambda o: reverse("encounters:service_type_edit", args=service(o)),
        302,
        SERVICE_DATA,
    ),
    data_admin_row(
        "encounters:service_type_active",
        "post",
        lambda o: reverse("encounters:service_type_active", args=service(o)),
        302,
        {"active": "0"},
    ),
    data_admin_row(
        "encounters:service_type_move",
        "post",
        lambda o: reverse("encounters:service_type_move", args=service(o)),
        302,
        {"direction": "up"},
    ),
    team_row("encounters:team_catalogue", "get", lambda o: reverse("encounters:team_catalogue", args=team(o)), 200),
    team_row("encounters:site_new", "get", lambda o: reverse("encounters:site_new", args=team(o)), 200),
    team_row(
        "encounters:site_new",
        "post",
        lambda o: reverse("encounters:site_new", args=team(o)),
        302,
        {"name": "Harbour steps", "kind": "street"},
    ),
    team_row("encounters:site_edit", "get", lambda o: reverse("encounters:site_edit", args=site(o)), 200),
    team_row(
        "encounters:site_edit",
        "post",
        lambda o: reverse("encounters:site_edit", args=site(o)),
        302,
        {"name": "Bus station, east side", "kind": "street"},
    ),
    team_row(
        "encounters:site_active",
        "post",
        lambda o: reverse("encounters:site_active", args=site(o)),
        302,
        {"active": "0"},
    ),
    team_row("encounters:quick_buttons", "get", lambda o: reverse("encounters:quick_buttons", args=team(o)), 200),
    team_row(
        "encounters:quick_buttons",
        "post",
        lambda o: reverse("encounters:quick_buttons", args=team(o)),
        302,
        {"button_condoms": "on", "position_condoms": "1"},
    ),
]

WRONG_METHOD = [
    ("encounters:catalogue", "post", lambda o: reverse("encounters:catalogue")),
    ("encounters:service_type_new", "put", lambda o: reverse("encounters:service_type_new")),
    ("encounters:service_type_edit", "delete", lambda o: reverse("encounters:service_type_edit", args=service(o))),
    ("encounters:service_type_active", "get", lambda o: reverse("encounters:service_type_active", args=service(o))),
    ("encounters:service_type_move", "get", lambda o: reverse("encounters:service_type_move", args=service(o))),
    ("encounters:team_catalogue", "post", lambda o: reverse("encounters:team_catalogue", args=team(o))),
    ("encounters:site_new", "delete", lambda o: reverse("encounters:site_new", args=team(o))),
    ("encounters:site_edit", "put", lambda o: reverse("encounters:site_edit", args=site(o))),
    ("encounters:site_active", "get", lambda o: reverse("encounters:site_active", args=site(o))),
    ("encounters:quick_buttons", "delete", lambda o: reverse("encounters:quick_buttons", args=team(o))),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    return {"catalogue_service_type": ServiceType.objects.get(slug="sterile-syringes")}
