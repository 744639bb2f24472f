"""Safer-use topics queued offline (the part `education`, health/): the outbox carries Log a
contact's own fields, so a contact with topics arrives once, however often it is sent, and a
volunteer's too."""

import pytest
from django.test import Client as HttpClient

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, Site
from health.education import Topic, TopicCovered
from health.services.education import set_topic_active
from offline.models import Device

from .helpers import fields, queued, sync

pytestmark = pytest.mark.django_db


def ticks(team: Team, practised: str, *talked: str) -> dict[str, str]:
    topics = dict(Topic.objects.filter(team=team).values_list("key", "pk"))
    found = {f"education-{topics[practised]}-practised": "1"}
    return found | {f"education-{topics[key]}": "1" for key in talked}


def test_a_contact_with_topics_saved_offline_arrives_once(
    worker_client: HttpClient, worker: User, supervisor: User, person: Client, site: Site, team: Team
) -> None:
    device = Device.objects.create(user=worker, label="Chrome on Android")
    item = fields(person.code, site, **ticks(team, "naloxone", "overdose_signs", "not_alone"))
    anonymous = fields("anonymous", site, head_count="3", **ticks(team, "safer_smoking"))
    # Retired while the phone was out of signal: the contact still arrives with it.
    set_topic_active(actor=supervisor, topic=Topic.objects.get(team=team, key="safer_smoking"), is_active=False)

    first = sync(worker_client, device, [queued(worker, item), queued(worker, anonymous)])
    again = sync(worker_client, device, [queued(worker, item), queued(worker, anonymous)])

    assert [answer["answer"] for answer in first.json()["answers"]] == ["applied", "applied"]
    assert [answer["answer"] for answer in again.json()["answers"]] == ["duplicate", "duplicate"]
    stored = set(TopicCovered.objects.values_list("encounter_id", "topic__key", "practised"))
    contact, group = Encounter.objects.get(client=person).pk, Encounter.objects.get(client=None).pk
    assert stored == {
        (contact, "naloxone", True),
        (contact, "overdose_signs", False),
        (contact, "not_alone", False),
        (group, "safer_smoking", True),
    }
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EDUCATION_RECORDED).count() == 2


def test_a_volunteers_outbox_saves_topics(client: HttpClient, volunteer: User, person: Client, site: Site) -> None:
    device = Device.objects.create(user=volunteer, label="Chrome on Android")
    client.force_login(volunteer)
    item = fields(person.code, site, service_condoms="2", **ticks(person.home_team, "naloxone"))

    result = sync(client, device, [queued(volunteer, item)]).json()

    assert [answer["answer"] for answer in result["answers"]] == ["applied"]
    assert list(TopicCovered.objects.values_list("topic__key", "practised", "created_by")) == [
        ("naloxone", True, volunteer.pk)
    ]
