"""Offline use's page: turning it on makes a device; the worker sees and revokes their own."""

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from offline.models import Device
from offline.seal import public_jwk

pytestmark = pytest.mark.django_db

URL = reverse("offline:home")


def test_turning_on_offline_use_makes_a_device_and_hands_over_the_sealing_key(
    worker_client: HttpClient, worker: User
) -> None:
    response = worker_client.post(reverse("offline:device_add"), {"label": "Chrome on Android"})

    assert response.status_code == 201
    body = response.json()
    device = Device.objects.get()
    assert (body["device"], body["user"], body["revoked"]) == (str(device.pk), worker.pk, False)
    assert body["public_key"] == public_jwk() and body["wipe_after_hours"] == 12
    assert (device.user_id, device.label) == (worker.pk, "Chrome on Android")
    event = AuditEvent.objects.get(action=AuditEvent.Action.OFFLINE_TURNED_ON)
    assert (event.actor_id, event.object_id) == (worker.pk, str(device.pk))


def test_the_page_lists_the_workers_own_devices_only(worker_client: HttpClient, worker: User, supervisor: User) -> None:
    Device.objects.create(user=worker, label="Chrome on Android")
    Device.objects.create(user=supervisor, label="Safari on iPhone")

    page = worker_client.get(URL).content.decode()

    assert "Chrome on Android" in page
    assert "Safari on iPhone" not in page
    assert "Not synced yet" in page


def test_revoking_a_device_is_audited_and_its_next_connection_is_told_to_wipe(
    worker_client: HttpClient, worker: User
) -> None:
    device = Device.objects.create(user=worker, label="Chrome on Android")

    response = worker_client.post(reverse("offline:device_revoke", args=[device.pk]), follow=True)

    assert "Offline use revoked." in response.content.decode()
    assert "Revoked" in response.content.decode()
    device.refresh_from_db()
    assert device.revoked_at is not None and device.revoked_by_id == worker.pk
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OFFLINE_REVOKED, object_id=str(device.pk)).count() == 1
    state = worker_client.get(reverse("offline:device_state", args=[device.pk])).json()
    assert state["revoked"] is True
    assert worker_client.get(reverse("offline:people", args=[device.pk])).json()["people"] == []


def test_a_worker_cannot_revoke_someone_elses_device(worker_client: HttpClient, supervisor: User) -> None:
    theirs = Device.objects.create(user=supervisor, label="Safari on iPhone")
    assert worker_client.post(reverse("offline:device_revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("rows", [2, 20])
def test_the_page_costs_the_same_queries_with_2_or_20_devices(
    worker_client: HttpClient, worker: User, rows: int
) -> None:
    Device.objects.bulk_create(Device(user=worker, label=f"Phone {n}") for n in range(rows))
    worker_client.get(URL)  # warm: the session's first touch
    with CaptureQueriesContext(connection) as queries:
        assert worker_client.get(URL).status_code == 200
    assert len(queries) == EXPECTED_QUERIES


# Session, user, memberships (3); the devices (1).
EXPECTED_QUERIES = 4
