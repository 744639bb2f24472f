"""The fuller overdose response: who gave naloxone, rescue breathing, CPR, taken to hospital,
and an outcome of death that can mark the person's record as died (follow-ups and reminders
stop)."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid
from encounters.models import OverdoseResponse, Referral
from encounters.services.overdose import OverdoseDetails, overdose_canonical
from tests.contacts import log_contact

pytestmark = pytest.mark.django_db

NEW = reverse("encounters:overdose_new")


def form(**changes: Any) -> dict[str, Any]:
    an_hour_ago = timezone.localtime() - timedelta(hours=1)
    data = {
        "id": str(uuid.uuid4()),
        "who": "none",
        "happened_at": an_hour_ago.strftime("%Y-%m-%dT%H:%M"),
        "naloxone_doses": "3",
        "emergency_services": "called",
        "outcome": "transported",
    }
    return {**data, **changes}


def test_the_fuller_record_is_stored_and_shown(worker_client: HttpClient) -> None:
    data = form(naloxone_given_by=["peer", "emergency_services"], rescue_breathing="on", cpr="on", to_hospital="on")
    response = worker_client.post(NEW, data)
    stored = OverdoseResponse.objects.get()
    assert response.status_code == 302
    assert stored.naloxone_given_by == ["emergency_services", "peer"]
    assert (stored.rescue_breathing, stored.cpr, stored.to_hospital) == (True, True, True)
    page = worker_client.get(reverse("encounters:overdose_detail", args=[stored.pk])).content.decode()
    assert "A peer, Emergency services" in page
    assert "Rescue breathing" in page and "CPR (chest compressions)" in page and "Taken to hospital" in page


def test_a_death_marks_the_persons_record_and_stops_their_follow_ups(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    referral = Referral.objects.create(
        client=person, team=person.home_team, to="housing", created_by=worker, follow_up_on=timezone.localdate()
    )
    assert list(Referral.objects.due([person.home_team_id], timezone.localdate())) == [referral]
    response = worker_client.post(NEW, form(who=person.code, outcome="died", mark_died="on"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Client.Status.DIED
    changed = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_CHANGED)
    assert (changed.client_id, changed.details["fields"]) == (person.pk, ["status"])
    assert list(Referral.objects.due([person.home_team_id], timezone.localdate())) == []


def test_marking_died_needs_the_outcome_died(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(NEW, form(who=person.code, outcome="responsive", mark_died="on"))
    assert response.status_code == 200
    assert "Choose the outcome Died first, or leave this unticked." in response.content.decode()
    assert not OverdoseResponse.objects.exists()
    person.refresh_from_db()
    assert person.status == Client.Status.ACTIVE


def test_at_a_contact_a_death_marks_the_record_through_the_save_path(worker: User, person: Client) -> None:
    details = OverdoseDetails(
        naloxone_doses=4, emergency_services="called", outcome="died", naloxone_given_by=("worker",), mark_died=True
    )
    log_contact(worker, person, parts={"overdose": details})
    person.refresh_from_db()
    assert person.status == Client.Status.DIED
    assert OverdoseResponse.objects.get().naloxone_given_by == ["worker"]


def test_the_save_path_refuses_marking_died_without_a_death(worker: User, person: Client) -> None:
    details = OverdoseDetails(naloxone_doses=1, emergency_services="called", outcome="responsive", mark_died=True)
    with pytest.raises(Invalid):
        log_contact(worker, person, parts={"overdose": details})
    person.refresh_from_db()
    assert person.status == Client.Status.ACTIVE


def test_a_submission_from_before_the_fuller_record_keeps_its_canonical_form() -> None:
    """A contact queued offline before these fields existed is still the same submission."""
    old = OverdoseDetails(naloxone_doses=1, emergency_services="called", outcome="responsive")
    assert overdose_canonical(old) == {
        "naloxone_doses": 1,
        "emergency_services": "called",
        "outcome": "responsive",
        "debrief": "",
    }
