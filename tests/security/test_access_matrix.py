"""Every URL x every role, with the exact status each must get.

Roles: worker and supervisor of the team that owns the objects, a worker of another team
(out of scope: 404 on objects), a data admin (no person-level pages: 403), a system admin
(Django admin only), and anonymous (302 to sign in). `test_every_url_has_a_row` walks the
URL resolver so a new URL without a row here fails the suite.
"""

import json
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from encounters.models import Encounter
from tests.factories import make_token

from .matrix import ROLES, Row, scoped_object, team_page

pytestmark = pytest.mark.django_db

MATRIX: list[Row] = [
    Row(
        "core:home",
        "get",
        lambda o: reverse("core:home"),
        {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ),
    Row("accounts:sign_in", "get", lambda o: reverse("accounts:sign_in"), dict.fromkeys(ROLES, 200)),
    Row("core:health", "get", lambda o: reverse("core:health"), dict.fromkeys(ROLES, 200)),
    Row(
        "accounts:sign_out",
        "post",
        lambda o: reverse("accounts:sign_out"),
        dict.fromkeys(ROLES, 302),
    ),
    Row("set_language", "post", lambda o: reverse("set_language"), dict.fromkeys(ROLES, 302), {"language": "es"}),
    team_page("clients:list"),
    team_page("clients:list", "post", data={"q": "Robin"}),
    team_page("clients:register"),
    scoped_object("clients:detail", lambda o: reverse("clients:detail", args=[o["person"].code])),
    team_page("encounters:log"),
    scoped_object("encounters:detail", lambda o: reverse("encounters:detail", args=[o["encounter"].pk])),
    Row(
        "admin:index",
        "get",
        lambda o: reverse("admin:index"),
        {**dict.fromkeys(ROLES, 302), "system_admin": 200},
    ),
]

WRONG_METHOD: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
    ("accounts:sign_out", "get", lambda o: reverse("accounts:sign_out")),
    ("core:home", "post", lambda o: reverse("core:home")),
    ("clients:detail", "post", lambda o: reverse("clients:detail", args=[o["person"].code])),
    ("encounters:detail", "post", lambda o: reverse("encounters:detail", args=[o["encounter"].pk])),
    ("clients:register", "put", lambda o: reverse("clients:register")),
    ("encounters:log", "delete", lambda o: reverse("encounters:log")),
]


def feature_modules() -> list[ModuleType]:
    """tests/security/rows_<feature>.py: each defines ROWS, and may define WRONG_METHOD and
    objects(base) -> dict (more named objects the rows' paths need)."""
    folder = Path(__file__).parent
    return [import_module(f"tests.security.{path.stem}") for path in sorted(folder.glob("rows_*.py"))]


for module in feature_modules():
    MATRIX.extend(module.ROWS)
    WRONG_METHOD.extend(getattr(module, "WRONG_METHOD", []))


@pytest.fixture
def objects(encounter: Encounter, request: pytest.FixtureRequest) -> dict[str, Any]:
    base: dict[str, Any] = {"person": encounter.client, "encounter": encounter, "request": request}
    for module in feature_modules():
        if hasattr(module, "objects"):
            base.update(module.objects(base))
    return base


@pytest.fixture
def as_role(client: HttpClient, request: pytest.FixtureRequest) -> Callable[[str], HttpClient]:
    def sign_in(role: str) -> HttpClient:
        if role != "anonymous":
            user: User = request.getfixturevalue(role)
            client.force_login(user)
        return client

    return sign_in


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "row", MATRIX, ids=lambda row: f"{row.method}-{row.name}{'-' + row.token if row.token else ''}"
)
def test_every_role_gets_its_status_on_every_url(
    row: Row, role: str, objects: dict[str, Any], as_role: Callable[[str], HttpClient], request: pytest.FixtureRequest
) -> None:
    if row.token:
        response = call_api(row, role, objects, request)
    else:
        http = as_role(role)
        response = getattr(http, row.method)(row.path(objects), row.data_for(objects))
    assert response.status_code == row.expected[role]
    if response.status_code == 302 and role == "anonymous" and not row.name.startswith("admin:"):
        if row.name not in {"accounts:sign_out", "set_language"}:
            assert response["Location"].startswith(reverse("accounts:sign_in"))


def call_api(row: Row, role: str, objects: dict[str, Any], request: pytest.FixtureRequest) -> Any:
    """An API route, with a token of the row's scope made for the role's user (none for anonymous)."""
    headers = {}
    if role != "anonymous":
        user: User = request.getfixturevalue(role)
        headers["Authorization"] = f"Bearer {make_token(user, row.token)}"
    http = HttpClient()
    if row.method == "get":
        return http.get(row.path(objects), row.data_for(objects), headers=headers)
    body = json.dumps(row.data_for(objects))
    return getattr(http, row.method)(row.path(objects), body, content_type="application/json", headers=headers)


@pytest.mark.parametrize(("name", "method", "path"), WRONG_METHOD, ids=lambda value: str(value))
def test_wrong_method_gets_405(
    name: str, method: str, path: Callable[[dict[str, Any]], str], objects: dict[str, Any], worker_client: HttpClient
) -> None:
    response = getattr(worker_client, method)(path(objects))
    assert response.status_code == 405


def all_url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_has_a_row() -> None:
    """Django admin pages share one rule (staff only, checked by admin.site); every other URL needs a row."""
    covered = {row.name for row in MATRIX}
    missing = {name for name in all_url_names() if not name.startswith("admin:")} - covered
    assert missing == set()


def test_every_view_declares_its_access_rule() -> None:
    """Deny by default: each of our views carries a role decorator or is explicitly public."""
    public = {"accounts:sign_in", "set_language"}
    undeclared = []
    for pattern_name in all_url_names():
        if pattern_name.startswith("admin:") or pattern_name in public:
            continue
        view = get_resolver().resolve(reverse_any(pattern_name)).func
        if not hasattr(view, "access_rule"):
            undeclared.append(pattern_name)
    assert undeclared == []


def reverse_any(name: str) -> str:
    """A URL for the name, filling any argument with a well-formed sample."""
    uuid = "00000000-0000-0000-0000-000000000000"
    for args in ([], ["ACD-EFG"], [uuid], ["ACD-EFG", "ACD-EFH"], ["ACD-EFG", 1], ["ACD-EFG", uuid]):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    raise AssertionError(f"add a sample argument for {name}")
