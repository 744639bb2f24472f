"""The changes feed: merges, transfers and erasures after a server sequence number, about
people the worker may know, so a phone drops them from its cache at once."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Team, User
from clients.services.erasure import erase_client
from clients.services.merge import merge_clients
from clients.services.transfer import transfer_client
from offline.models import Device
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def feed(http: HttpClient, device: Device, since: int) -> dict:
    return http.get(reverse("offline:changes", args=[device.pk]), {"since": since}).json()


def test_merges_transfers_and_erasures_come_in_order_and_only_about_people_the_worker_may_know(
    worker_client: HttpClient,
    worker: User,
    supervisor: User,
    other_supervisor: User,
    team: Team,
    other_team: Team,
) -> None:
    device = Device.objects.create(user=worker, label="Chrome · Android")
    start = feed(worker_client, device, 0)["seq"]
    kept, merged, moved, erased = ClientFactory.create_batch(4, home_team=team)
    elsewhere = ClientFactory.create(home_team=other_team)
    merge_clients(actor=supervisor, survivor=kept, merged=merged, field_choices={})
    transfer_client(actor=supervisor, client=moved, to_team=other_team)
    erase_client(actor=supervisor, client=erased)
    erase_client(actor=other_supervisor, client=elsewhere)

    answer = feed(worker_client, device, start)

    seen = [(change["change"], change["code"], change["in_caseload"]) for change in answer["changes"]]
    assert ("merged", merged.code, False) in seen and ("merged", kept.code, True) in seen
    assert ("transferred", moved.code, False) in seen
    assert ("erased", erased.code, False) in seen
    assert elsewhere.code not in str(seen)
    assert [change["seq"] for change in answer["changes"]] == sorted(change["seq"] for change in answer["changes"])
    assert answer["seq"] >= answer["changes"][-1]["seq"]
    assert feed(worker_client, device, answer["seq"])["changes"] == []


def test_a_device_starting_out_gets_where_the_feed_stands_and_no_history(
    worker_client: HttpClient, worker: User, supervisor: User, team: Team
) -> None:
    kept, merged = ClientFactory.create_batch(2, home_team=team)
    merge_clients(actor=supervisor, survivor=kept, merged=merged, field_choices={})
    device = Device.objects.create(user=worker, label="Chrome · Android")

    answer = worker_client.get(reverse("offline:changes", args=[device.pk])).json()

    assert answer["changes"] == [] and answer["seq"] > 0
    assert worker_client.get(reverse("offline:changes", args=[device.pk]), {"since": "x"}).status_code == 400
