from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from tests.factories import make_token

Call = Callable[..., Any]


@pytest.fixture
def api_as(client: HttpClient) -> Callable[[User, str], Call]:
    """api_as(user, scope)(method, path, json=None, **query): the response, with a fresh token."""

    def for_user(user: User, scope: str = "read") -> Call:
        headers = {"Authorization": f"Bearer {make_token(user, scope)}"}

        def call(method: str, path: str, json: Any = None, **query: Any) -> Any:
            if method == "get":
                return client.get(path, query, headers=headers)
            import json as jsonlib

            return getattr(client, method)(path, jsonlib.dumps(json), content_type="application/json", headers=headers)

        return call

    return for_user
