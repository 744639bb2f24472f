"""Safer-use topics: each team's catalogue (seeded for every team, new ones included; kept by
its supervisors; retired, never deleted) and the part `education` of a contact (through the
one save path, audited, shown on the contact and the person's timeline, refused for another
team's topic)."""

import importlib
import re
import uuid

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid
from encounters.models import Encounter, Site
from encounters.services.contacts import Outcome, log_encounter
from health.education import DEFAULT_TOPICS, Topic, TopicCovered
from health.services.education import TopicAtContact, add_topic, ensure_topics, rename_topic, set_topic_active
from tests.contacts import log_contact
from tests.factories import TeamFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db

LOG = reverse("encounters:log")
TOPICS = reverse("health:topic_list")


def topic(team: Team, key: str) -> Topic:
    ensure_topics([team.pk])
    return Topic.objects.get(team=team, key=key)


def test_the_migration_seeds_the_same_topics_the_code_names() -> None:
    migration = importlib.import_module("health.migrations.0007_education_topics")
    assert migration.DEFAULT_TOPICS == DEFAULT_TOPICS


def test_a_team_made_later_gets_the_seven_topics_when_first_read_and_only_once(
    supervisor_client: HttpClient, supervisor: User
) -> None:
    team = TeamFactory.create(topics=False)
    assert not Topic.objects.filter(team=team).exists()
    ensure_topics([team.pk])
    ensure_topics([team.pk])
    names = list(Topic.objects.filter(team=team).values_list("name", flat=True))
    assert names == [name for _key, name in DEFAULT_TOPICS]
    # A supervisor's new team is seeded by opening the page (or Log a contact).
    newer = TeamFactory.create(topics=False)
    supervisor.memberships.update(team=newer)
    response = supervisor_client.get(TOPICS)
    assert Topic.objects.filter(team=newer).count() == len(DEFAULT_TOPICS)
    text = response.content.decode()
    assert all(name in text for _key, name in DEFAULT_TOPICS)


def test_supervisors_add_rename_and_retire_each_audited(supervisor: User, team: Team) -> None:
    own = add_topic(actor=supervisor, team=team, name="  Hepatitis C   treatment ")
    assert own.name == "Hepatitis C treatment" and own.key == ""
    naloxone = topic(team, "naloxone")
    assert rename_topic(actor=supervisor, topic=naloxone, name="Naloxone: nasal and injectable") is True
    assert rename_topic(actor=supervisor, topic=naloxone, name="Naloxone: nasal and injectable") is False
    assert set_topic_active(actor=supervisor, topic=own, is_active=False) is True
    changes = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.EDUCATION_TOPICS_CHANGED)
        .order_by("id")
        .values_list("details__change", flat=True)
    )
    assert changes == ["added", "renamed", "retired"]
    with pytest.raises(Invalid):
        add_topic(actor=supervisor, team=team, name="safer SMOKING")


def test_a_seeded_name_shows_in_spanish_and_a_teams_own_name_as_typed(supervisor: User, team: Team) -> None:
    smoking, sex = topic(team, "safer_smoking"), topic(team, "safer_sex")
    rename_topic(actor=supervisor, topic=sex, name="Sex work and safer sex")
    smoking.refresh_from_db()
    sex.refresh_from_db()
    with translation.override("es"):
        assert smoking.label == "Consumo fumado más seguro"
        assert sex.label == "Sex work and safer sex"
    # Renamed back to the built-in name, it is translated again.
    rename_topic(actor=supervisor, topic=sex, name="Safer sex")
    sex.refresh_from_db()
    with translation.override("es"):
        assert sex.label == "Sexo más seguro"


def test_the_topic_pages_add_rename_and_retire(supervisor_client: HttpClient, team: Team) -> None:
    response = supervisor_client.post(reverse("health:topic_new", args=[team.pk]), {"name": "Heat and hydration"})
    assert response.status_code == 302
    added = Topic.objects.get(team=team, name="Heat and hydration")
    response = supervisor_client.post(reverse("health:topic_new", args=[team.pk]), {"name": "heat and HYDRATION"})
    assert response.status_code == 200 and "already" in response.content.decode()
    response = supervisor_client.post(reverse("health:topic_edit", args=[added.pk]), {"name": "Heat, water, shade"})
    assert response.status_code == 302
    supervisor_client.post(reverse("health:topic_active", args=[added.pk]), {"active": "0"})
    added.refresh_from_db()
    assert (added.name, added.is_active) == ("Heat, water, shade", False)
    text = supervisor_client.get(TOPICS).content.decode()
    assert "Heat, water, shade" in text and "Retired" in text


def test_workers_cannot_change_the_topics_and_another_teams_topic_is_not_found(
    worker_client: HttpClient, client: HttpClient, other_supervisor: User, team: Team
) -> None:
    naloxone = topic(team, "naloxone")
    assert worker_client.get(TOPICS).status_code == 403
    assert worker_client.post(reverse("health:topic_active", args=[naloxone.pk]), {"active": "0"}).status_code == 403
    client.force_login(other_supervisor)
    assert client.post(reverse("health:topic_active", args=[naloxone.pk]), {"active": "0"}).status_code == 404
    assert client.get(reverse("health:topic_new", args=[team.pk])).status_code == 404
    naloxone.refresh_from_db()
    assert naloxone.is_active


def test_topics_at_a_contact_are_stored_once_and_audited_with_counts_only(worker: User, person: Client) -> None:
    naloxone, smoking = topic(person.home_team, "naloxone"), topic(person.home_team, "safer_smoking")
    parts = {"education": (TopicAtContact(naloxone.pk, practised=True), TopicAtContact(smoking.pk))}
    now = timezone.now().replace(microsecond=0)
    first = log_contact(worker, person, happened_at=now, parts=parts)
    again = log_contact(worker, person, encounter_id=first.encounter.pk, happened_at=now, parts=parts)
    assert again.outcome == Outcome.DUPLICATE
    stored = set(TopicCovered.objects.values_list("encounter", "topic", "practised"))
    assert stored == {(first.encounter.pk, naloxone.pk, True), (first.encounter.pk, smoking.pk, False)}
    event = AuditEvent.objects.get(action=AuditEvent.Action.EDUCATION_RECORDED)
    assert (event.client_id, event.details) == (person.pk, {"topics": 2, "practised": 1})


def test_another_teams_topic_refuses_the_whole_contact(worker: User, person: Client, other_team: Team) -> None:
    theirs = topic(other_team, "naloxone")
    with pytest.raises(Invalid):
        log_contact(worker, person, parts={"education": (TopicAtContact(theirs.pk),)})
    assert not Encounter.objects.exists() and not TopicCovered.objects.exists()


def test_an_anonymous_contact_and_a_volunteer_may_record_topics(volunteer: User, team: Team) -> None:
    naloxone = topic(team, "naloxone")
    logged = log_encounter(
        actor=volunteer,
        encounter_id=uuid.uuid4(),
        team=team,
        client=None,
        head_count=3,
        happened_at=timezone.now(),
        site=None,
        kind="street",
        services={},
        parts={"education": (TopicAtContact(naloxone.pk, practised=True),)},
    )
    assert list(TopicCovered.objects.values_list("encounter", "practised")) == [(logged.encounter.pk, True)]


def test_a_retired_topic_is_not_offered_but_a_contact_with_it_still_saves(
    supervisor: User, worker: User, worker_client: HttpClient, person: Client
) -> None:
    drug_checking = topic(person.home_team, "drug_checking")
    set_topic_active(actor=supervisor, topic=drug_checking, is_active=False)
    assert f"education-{drug_checking.pk}" not in worker_client.get(LOG).content.decode()
    # Queued offline before it was retired: it arrives.
    log_contact(worker, person, parts={"education": (TopicAtContact(drug_checking.pk),)})
    assert TopicCovered.objects.filter(topic=drug_checking).count() == 1


def test_log_a_contact_reads_the_ticks_and_the_contact_and_timeline_say_them(
    worker_client: HttpClient, worker: User, supervisor: User, person: Client, site: Site
) -> None:
    naloxone, vein = topic(person.home_team, "naloxone"), topic(person.home_team, "vein_care")
    rename_topic(actor=supervisor, topic=vein, name="Veins and wounds")
    page = worker_client.get(LOG).content.decode()
    assert f'name="education-{naloxone.pk}-practised"' in page
    response = worker_client.post(
        LOG,
        {
            "id": str(uuid.uuid4()),
            "who": person.code,
            "head_count": "1",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "site": str(site.pk),
            "kind": "street",
            f"education-{naloxone.pk}-practised": "1",
            f"education-{vein.pk}": "1",
            "save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    encounter = Encounter.objects.get()
    assert set(TopicCovered.objects.values_list("topic", "practised")) == {(naloxone.pk, True), (vein.pk, False)}
    detail = worker_client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert "Education and skills:</span> Naloxone use (practised), Veins and wounds" in detail
    worker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    timeline = worker_client.get(reverse("encounters:timeline", args=[person.code])).content.decode()
    assert "Uso de naloxona (practicado), Veins and wounds" in timeline


def test_a_refused_contact_keeps_its_ticks_and_opens_the_card(
    worker_client: HttpClient, person: Client, site: Site
) -> None:
    naloxone = topic(person.home_team, "naloxone")
    response = worker_client.post(
        LOG,
        {
            "id": str(uuid.uuid4()),
            "who": person.code,
            "head_count": "1",
            "happened_at": "not a time",
            "kind": "street",
            f"education-{naloxone.pk}": "1",
            "save": "1",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and not Encounter.objects.exists()
    assert re.search(rf'id="education-{naloxone.pk}"[^>]*checked', text)
    assert re.search(r'<details class="card mt-3 extra education"\s+open', text)


def test_a_correction_changes_the_topics_and_names_them_in_its_one_event(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    naloxone, smoking = topic(person.home_team, "naloxone"), topic(person.home_team, "safer_smoking")
    logged = log_contact(worker, person, parts={"education": (TopicAtContact(naloxone.pk),)})
    url = reverse("encounters:edit", args=[logged.encounter.pk])
    page = worker_client.get(url)
    assert re.search(rf'id="education-{naloxone.pk}"[^>]*checked', page.content.decode())
    data = form_data(page) | {"education_drawn": "1", f"education-{smoking.pk}-practised": "1"}
    response = worker_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert list(TopicCovered.objects.values_list("topic", "practised")) == [(smoking.pk, True)]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CHANGED).get()
    assert event.details == {"fields": ["education"]}
    # Sent again: nothing changed, nothing written.
    worker_client.post(
        url, form_data(worker_client.get(url)) | {"education_drawn": "1", f"education-{smoking.pk}-practised": "1"}
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CHANGED).count() == 1
    # All unticked: none left.
    worker_client.post(url, form_data(worker_client.get(url)) | {"education_drawn": "1"})
    assert not TopicCovered.objects.exists()


def test_two_corrections_of_the_topics_at_once_show_both_versions(
    client: HttpClient, worker: User, supervisor: User, person: Client
) -> None:
    naloxone, smoking = topic(person.home_team, "naloxone"), topic(person.home_team, "safer_smoking")
    logged = log_contact(worker, person, parts={"education": (TopicAtContact(naloxone.pk),)})
    url = reverse("encounters:edit", args=[logged.encounter.pk])
    client.force_login(worker)
    mine = form_data(client.get(url))
    client.force_login(supervisor)
    theirs = form_data(client.get(url)) | {"education_drawn": "1", f"education-{naloxone.pk}-practised": "1"}
    assert client.post(url, theirs).status_code == 302
    client.force_login(worker)
    response = client.post(url, mine | {"education_drawn": "1", f"education-{smoking.pk}": "1"})
    text = response.content.decode()
    assert response.status_code == 409
    assert "Safer smoking" in text and "Naloxone use (practised)" in text
    assert list(TopicCovered.objects.values_list("topic", "practised")) == [(naloxone.pk, True)]


def test_a_volunteer_ticks_topics_on_log_a_contact_and_they_are_saved(
    volunteer_client: HttpClient, volunteer: User, person: Client, site: Site
) -> None:
    naloxone = topic(person.home_team, "naloxone")
    page = volunteer_client.get(LOG).content.decode()
    assert f'name="education-{naloxone.pk}-practised"' in page
    response = volunteer_client.post(
        LOG,
        {
            "id": str(uuid.uuid4()),
            "who": person.code,
            "head_count": "1",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "site": str(site.pk),
            "kind": "street",
            f"education-{naloxone.pk}-practised": "1",
            "save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert list(TopicCovered.objects.values_list("topic", "practised", "created_by")) == [
        (naloxone.pk, True, volunteer.pk)
    ]
