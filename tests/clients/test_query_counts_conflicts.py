"""Query counts of the conflict page of a person's details: pinned, and the same with 2 other
names as with 20.

The counts start with the session, the user and their memberships (3), then the page's own.
"""

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from clients.models import Alias, Client
from tests.forms import saved_meanwhile

pytestmark = pytest.mark.django_db


def count(client: HttpClient, path: str, data: dict[str, str]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, data)
    return response.status_code, len(queries)


@pytest.mark.parametrize("rows", [2, 20])
def test_the_conflict_page_of_a_persons_details(
    client: HttpClient, person: Client, worker: User, supervisor: User, rows: int
) -> None:
    """The person; the form's check of the gender constraint (in a savepoint); in a savepoint
    the stored row and the UPDATE that matches nothing (rolled back); the person again, the
    CLIENT_VIEWED insert, the form drawn again (the constraint check, in a savepoint)."""
    Alias.objects.bulk_create(Alias(client=person, name=f"Name {n}") for n in range(rows))
    path = reverse("clients:edit", args=[person.code])
    saved = {"preferred_name": "Robin", "pronouns": "they/them", "version": "1"}
    mine = saved_meanwhile(client, loads=(worker, path), saves=(supervisor, path, saved))
    assert count(client, path, {**mine, "pronouns": "she/her"}) == (409, 17)
