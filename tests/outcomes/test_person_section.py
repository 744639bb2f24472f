"""The wellbeing section of a person's page: change in words, SVG charts with title and
description, and the same numbers in a table."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients.models import Client
from outcomes.models import Instrument
from tests.factories import ClientFactory

from .helpers import check_in

pytestmark = pytest.mark.django_db


def page(http: HttpClient, person: Client) -> str:
    response = http.get(reverse("clients:detail", args=[person.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_no_check_ins_yet_offers_the_instruments(worker_client: HttpClient, person: Client) -> None:
    html = page(worker_client, person)
    assert "No check-ins yet." in html
    assert reverse("outcomes:check_in", args=[person.code, "who5"]) in html
    assert reverse("outcomes:check_in", args=[person.code, "housing"]) in html


def test_change_chart_and_table(
    worker_client: HttpClient,
    person: Client,
    worker: User,
    who5: Instrument,
    ratings: Instrument,
    housing: Instrument,
) -> None:
    start = timezone.now() - timedelta(days=100)
    check_in(person, who5, [2, 2, 2, 2, 2], by=worker, at=start)  # 40
    check_in(person, ratings, [3, 4, 5], by=worker, at=start)
    check_in(person, housing, [3], by=worker, at=start)  # no fixed address
    check_in(person, who5, [4, 3, 4, 3, None], by=worker, at=start + timedelta(days=50))  # declined: no total
    check_in(person, who5, [4, 3, 4, 3, 3], by=worker, at=start + timedelta(days=99))  # 68
    check_in(person, ratings, [6, None, 8], by=worker, at=start + timedelta(days=99))
    check_in(person, housing, [2], by=worker, at=start + timedelta(days=99))  # temporary
    html = page(worker_client, person)
    assert (
        "Reliably better: a change of +28 points is more than measurement error alone can give (21 points) "
        "and at least the smallest change that counts (10 points)."
    ) in html
    assert "Reliable Change Index +2.61" in html
    assert "First 40" in html and "latest 68" in html and ": +28." in html
    # Charts: drawn on the server, each with a title and a description in words.
    assert html.count('<svg class="w-100 h-auto"') == 2
    assert '<title id="who5-title">WHO-5 wellbeing over time (0 to 100, higher is better)</title>' in html
    assert "2 WHO-5 totals from" in html and "from 40 to 68 out of 100." in html
    assert "Physical health from 3 to 6" in html
    # Table: by day, with the declined item shown as such, never as 0.
    assert "no total (1 not answered)" in html
    assert "prefer not to say" in html
    assert "No fixed address" in html and "now Temporary" in html
    assert "Physical health:</span>" in html and "+3" in html
    assert '<th scope="col">WHO-5 Wellbeing Index</th>' in html


def test_single_total_says_change_comes_later(
    worker_client: HttpClient, person: Client, worker: User, who5: Instrument
) -> None:
    check_in(person, who5, [1, 1, 1, 1, 1], by=worker)
    html = page(worker_client, person)
    assert "First total: 20" in html
    assert "Reliably" not in html


def test_outsider_never_sees_the_check_ins(
    client: HttpClient, outsider: User, person: Client, worker: User, who5: Instrument
) -> None:
    check_in(person, who5, [1, 1, 1, 1, 1], by=worker)
    client.force_login(outsider)
    assert client.get(reverse("clients:detail", args=[person.code])).status_code == 404


def test_check_ins_follow_the_person_to_their_new_team(
    client: HttpClient, outsider: User, person: Client, worker: User, who5: Instrument, other_team: object
) -> None:
    check_in(person, who5, [1, 1, 1, 1, 1], by=worker)
    Client.objects.filter(pk=person.pk).update(home_team=other_team)
    client.force_login(outsider)
    assert "First total: 20" in page(client, person)
    other = ClientFactory.create(home_team=other_team)
    assert "No check-ins yet." in page(client, other)
