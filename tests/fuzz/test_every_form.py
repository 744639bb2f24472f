"""Every form and every search in the app, fuzzed: never a server error (issue 20, item 6).

The forms are the access matrix's POST rows (tests/security/: every URL has rows, so a new
form is fuzzed without anyone remembering to add it here), each posted by a role allowed to
use it with its fields (the row's own valid data, plus `q` for searches) replaced by text
drawn from every Unicode character, control characters included, and known troublemakers.
The GET pages get the same junk in the query parameters the app reads (`q`, `before`,
`after`, `person`, `who`, `id`, `contact`, `days`). The test client re-raises a view's
exception, so a 500 fails here. Each example is rolled back.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.security.matrix import ROLES, Row
from tests.security.test_access_matrix import MATRIX
from tests.security.test_access_matrix import objects as objects  # noqa: F401, PLC0414 (the matrix's objects)

from .conftest import rolled_back

pytestmark = pytest.mark.django_db

TROUBLE = ["\x00", "a\x00b", "ACD-EFG\x00", "\x0b", "\x1b[2J", "\u202e", "'; SELECT 1; --", "<script>", "9" * 300, ""]
JUNK = st.one_of(st.sampled_from(TROUBLE), st.text(st.characters(codec="utf-8"), max_size=60))
# The profile's examples per test (tests/fuzz/conftest.py): 25 in CI, 500 with explore.
PROFILE_EXAMPLES = settings().max_examples
QUERY_PARAMETERS = ["q", "before", "after", "person", "who", "id", "contact", "days", "next"]


def user_for(row: Row) -> str | None:
    """A signed-in role the row lets in (a 200 or a redirect after doing its work)."""
    return next((role for role in ROLES if role != "anonymous" and row.expected[role] in {200, 204, 302}), None)


def rows(method: str) -> list[Row]:
    seen: set[tuple[str, str]] = set()
    found = []
    for row in MATRIX:
        key = (row.name, row.method)
        if row.method == method and user_for(row) and key not in seen and row.name != "accounts:sign_out":
            seen.add(key)
            found.append(row)
    return found


@pytest.fixture
def as_role(client: HttpClient, request: pytest.FixtureRequest) -> Callable[[str], HttpClient]:
    def sign_in(role: str) -> HttpClient:
        client.force_login(request.getfixturevalue(role))
        return client

    return sign_in


@pytest.mark.parametrize("row", rows("post"), ids=lambda row: row.name)
@settings(max_examples=max(3, PROFILE_EXAMPLES // 5))  # CI: 5 per form; explore: 100
@given(data=st.data())
def test_no_form_answers_junk_with_a_server_error(
    row: Row, objects: dict[str, Any], as_role: Callable[[str], HttpClient], data: st.DataObject
) -> None:
    http = as_role(user_for(row) or "worker")
    fields = {**row.data_for(objects), "q": ""}
    junk = data.draw(st.sets(st.sampled_from(sorted(fields)), min_size=1))
    sent = {name: data.draw(JUNK) if name in junk else value for name, value in fields.items()}
    with rolled_back():
        response = http.post(row.path(objects), sent, headers={"HX-Request": data.draw(st.sampled_from(["", "true"]))})
        assert response.status_code < 500


@pytest.mark.parametrize("row", rows("get"), ids=lambda row: row.name)
@settings(max_examples=max(2, PROFILE_EXAMPLES // 8))  # CI: 3 per page; explore: 62
@given(data=st.data())
def test_no_page_answers_junk_parameters_with_a_server_error(
    row: Row, objects: dict[str, Any], as_role: Callable[[str], HttpClient], data: st.DataObject
) -> None:
    http = as_role(user_for(row) or "worker")
    parameters = data.draw(st.dictionaries(st.sampled_from(QUERY_PARAMETERS), JUNK, min_size=1))
    with rolled_back():
        assert http.get(row.path(objects), parameters).status_code < 500
