"""Access rows for the API (/api/v1/) and the token pages.

API routes are called with a personal access token of the row's scope made for the role's
user (`Row.token`); anonymous sends none (401). Person-level routes serve team members only
(a data admin's or a system admin's token: 403); another team's person or contact is 404.
A read token cannot write (403). The schema and its documentation are public.
"""

import uuid
from typing import Any

from django.urls import reverse
from django.utils import timezone

from .matrix import ROLES, Row

EVERYONE = {**dict.fromkeys(ROLES, 200), "anonymous": 401}
TEAMS = {**dict.fromkeys(ROLES, 200), "data_admin": 403, "system_admin": 403, "anonymous": 401}
SCOPED = {**TEAMS, "outsider": 404, "other_supervisor": 404}
READ_ONLY = {**dict.fromkeys(ROLES, 403), "anonymous": 401}
WRITE_SCOPED = {**SCOPED, "worker": 201, "supervisor": 201}
SIGNED_IN_WITH_ROLE = {**dict.fromkeys(ROLES, 200), "system_admin": 403, "anonymous": 302}


def code(o: dict[str, Any]) -> list[str]:
    return [o["person"].code]


def new_contact(o: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "person": o["person"].code, "happened_at": timezone.now().isoformat()}


def objects(base: dict[str, Any]) -> dict[str, Any]:
    from accounts.models import ApiToken, User
    from tests.factories import make_token

    worker: User = base["request"].getfixturevalue("worker")
    make_token(worker, name="worker's")
    return {"worker_token": ApiToken.objects.get(user=worker)}


def api(
    name: str,
    path: Any,
    expected: dict[str, int],
    *,
    method: str = "get",
    token: str = "read",  # noqa: S107 (a scope, not a secret)
    data: Any = None,
) -> Row:
    return Row(name, method, path, expected, data, token=token)


ROWS = [
    Row("api:openapi-json", "get", lambda o: reverse("api:openapi-json"), dict.fromkeys(ROLES, 200)),
    Row("api:openapi-view", "get", lambda o: reverse("api:openapi-view"), dict.fromkeys(ROLES, 200)),
    Row("api:api-root", "get", lambda o: reverse("api:api-root"), dict.fromkeys(ROLES, 404)),
    api("api:me", lambda o: reverse("api:me"), EVERYONE),
    api("api:services", lambda o: reverse("api:services"), EVERYONE),
    api("api:sites", lambda o: reverse("api:sites"), TEAMS),
    # Each team's own catalogues of safer-use topics and vaccines, with a token of either scope.
    api("api:topics", lambda o: reverse("api:topics"), TEAMS),
    api("api:topics", lambda o: reverse("api:topics"), TEAMS, token="write"),
    api("api:vaccines", lambda o: reverse("api:vaccines"), TEAMS),
    api("api:vaccines", lambda o: reverse("api:vaccines"), TEAMS, token="write"),
    api("api:people", lambda o: reverse("api:people"), TEAMS),
    api("api:person", lambda o: reverse("api:person", args=code(o)), SCOPED),
    api("api:person_check_ins", lambda o: reverse("api:person_check_ins", args=code(o)), SCOPED),
    api("api:contacts", lambda o: reverse("api:contacts"), TEAMS),
    api("api:contact", lambda o: reverse("api:contact", args=[o["encounter"].pk]), SCOPED),
    api("api:contacts", lambda o: reverse("api:contacts"), READ_ONLY, method="post", data=new_contact),
    api(
        "api:contacts", lambda o: reverse("api:contacts"), WRITE_SCOPED, method="post", token="write", data=new_contact
    ),
    api("api:referrals", lambda o: reverse("api:referrals"), TEAMS),
    api(
        "api:figures",
        lambda o: reverse("api:figures"),
        {**dict.fromkeys(ROLES, 403), "data_admin": 200, "anonymous": 401},
    ),
    # The token pages: the user's own tokens (any role; a system admin has none to use).
    Row("accounts:api_tokens", "get", lambda o: reverse("accounts:api_tokens"), SIGNED_IN_WITH_ROLE),
    Row(
        "accounts:api_tokens",
        "post",
        lambda o: reverse("accounts:api_tokens"),
        SIGNED_IN_WITH_ROLE,
        {"name": "Health department", "scope": "read", "days": "30"},
    ),
    # Revoking the worker's token: only the worker (302 back to the list); anyone else 404.
    Row(
        "accounts:api_token_revoke",
        "post",
        lambda o: reverse("accounts:api_token_revoke", args=[o["worker_token"].pk]),
        {**dict.fromkeys(ROLES, 404), "worker": 302, "system_admin": 403, "anonymous": 302},
    ),
]

WRONG_METHOD = [
    ("accounts:api_token_revoke", "get", lambda o: reverse("accounts:api_token_revoke", args=[o["worker_token"].pk])),
    ("accounts:api_tokens", "put", lambda o: reverse("accounts:api_tokens")),
]
