"""Query counts of correcting a contact: pinned, and the same with 2 services as with 20.

The counts start with the session, the user and their memberships (3), then the page's own.
"""

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from encounters.models import Encounter, ServiceProvided, ServiceType
from tests.factories import ServiceTypeFactory

pytestmark = pytest.mark.django_db


def give(encounter: Encounter, rows: int) -> None:
    """`rows` services at the contact (made up to `rows` service types first)."""
    ServiceTypeFactory.create_batch(max(0, rows - ServiceType.objects.count()))
    ServiceProvided.objects.filter(encounter=encounter).delete()
    ServiceProvided.objects.bulk_create(
        ServiceProvided(
            encounter=encounter, service_type=service_type, quantity=2 if service_type.counts_quantity else 1
        )
        for service_type in ServiceType.objects.order_by("order", "slug")[:rows]
    )


def form_values(response: object) -> dict[str, str]:
    form = response.context["form"]  # type: ignore[attr-defined]
    data = {name: form[name].value() for name in form.fields}
    data["happened_at"] = form.fields["happened_at"].widget.format_value(data["happened_at"])
    return {name: str(value) for name, value in data.items() if value is not None}


def count(client: HttpClient, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data or {})
    return response.status_code, len(queries)


@pytest.mark.parametrize("rows", [2, 20])
def test_the_correction_form(worker_client: HttpClient, encounter: Encounter, rows: int) -> None:
    """The contact, its services, the service types, the ENCOUNTER_VIEWED insert, the sites
    drawn in the form; the safer-use topics the contact has and the team's (health: 2)."""
    give(encounter, rows)
    assert count(worker_client, "get", reverse("encounters:edit", args=[encounter.pk])) == (200, 10)


@pytest.mark.parametrize("rows", [2, 20])
def test_saving_a_correction(worker_client: HttpClient, encounter: Encounter, rows: int) -> None:
    """The contact, its services, the types, the site check, then in a savepoint: the UPDATE,
    the services as stored (under the row lock), the stock's one statement, the services
    dropped, the services upserted, the ENCOUNTER_CHANGED insert."""
    give(encounter, rows)
    url = reverse("encounters:edit", args=[encounter.pk])
    data = {**form_values(worker_client.get(url)), "note": "Changed", "service_sterile-syringes": "7"}
    status, queries = count(worker_client, "post", url, data)
    assert (status, queries) == (302, 15)


@pytest.mark.parametrize("rows", [2, 20])
def test_the_conflict_page(client: HttpClient, encounter: Encounter, worker: User, supervisor: User, rows: int) -> None:
    """As saving up to the UPDATE (which matches nothing: the savepoint is rolled back and
    released), then the contact again with its services and types, the site check, the
    ENCOUNTER_VIEWED insert, the sites drawn in the form, the safer-use topics (2)."""
    give(encounter, rows)
    url = reverse("encounters:edit", args=[encounter.pk])
    client.force_login(worker)
    mine = form_values(client.get(url))
    client.force_login(supervisor)
    client.post(url, {**form_values(client.get(url)), "note": "First"})
    client.force_login(worker)
    status, queries = count(client, "post", url, {**mine, "note": "Second"})
    assert (status, queries) == (409, 19)
