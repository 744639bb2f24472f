"""Safer-use topics cost the same number of queries with 2 topics as with 20: the supervisors'
topic pages, Log a contact drawing them, saving a contact with every topic ticked, and the
contact's page and the person's timeline saying them (an annotation of the contact's own
query: encounters/parts.py `summary`)."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client
from encounters.models import Encounter, Site
from health.education import Topic, TopicCovered
from health.services.education import TopicAtContact, add_topic
from tests.contacts import log_contact
from tests.forms import form_data

pytestmark = pytest.mark.django_db

TOPICS = reverse("health:topic_list")
LOG = reverse("encounters:log")
# Encounters' pages that show the part (the module counts health's topics, so it sits here).
CONTACT, TIMELINE, EDIT = "encounters:detail", "encounters:timeline", "encounters:edit"


def grow(supervisor: User, team: Team, upto: int) -> None:
    """The team's topics made up to `upto` (it starts with the seven built-in ones)."""
    have = Topic.objects.filter(team=team).count()
    for n in range(have, upto):
        add_topic(actor=supervisor, team=team, name=f"Topic {n}")


def count(call: Callable[..., Any], *args: Any, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call(*args)
    assert response.status_code == status, response.content.decode()[-1500:]
    return len(queries)


def a_contact_ticking_all(person: Client, site: Site, team: Team) -> dict[str, str]:
    data = {
        "id": str(uuid.uuid4()),
        "who": person.code,
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk),
        "kind": "street",
    }
    for topic in Topic.objects.filter(team=team):
        data[f"education-{topic.pk}"] = "1"
        data[f"education-{topic.pk}-practised"] = "1"
    return data


def test_the_topic_pages_cost_the_same_with_2_or_20_topics(
    supervisor_client: HttpClient, supervisor: User, team: Team
) -> None:
    """Session, user, memberships (3); the list: the seeded check and the topics (2), the
    teams (1). A topic's page: the topic with its team (1)."""
    counts = []
    for upto in (8, 20):
        grow(supervisor, team, upto)
        some = Topic.objects.filter(team=team).order_by("-created_at").first()
        assert some is not None
        counts.append(
            (
                count(supervisor_client.get, TOPICS),
                count(supervisor_client.get, reverse("health:topic_edit", args=[some.pk])),
                count(supervisor_client.get, reverse("health:topic_new", args=[team.pk])),
            )
        )
    assert counts == [(6, 4, 4), (6, 4, 4)]


def test_log_a_contact_and_saving_every_topic_cost_the_same_with_2_or_20_topics(
    worker_client: HttpClient, supervisor: User, worker: User, team: Team, person: Client, site: Site
) -> None:
    """Drawing: one query for the team's topics (tests/encounters/test_query_counts_log.py has
    the rest). Saving with every topic ticked: the topics (1), their rows (1 insert), the audit
    event (1), on top of a plain contact's."""
    counts = []
    for upto in (8, 20):
        grow(supervisor, team, upto)
        drawn = count(worker_client.get, LOG)
        data = a_contact_ticking_all(person, site, team)
        saved = count(worker_client.post, LOG, data, status=302)
        counts.append((drawn, saved))
    assert counts == [(8, 21), (8, 21)]
    assert TopicCovered.objects.filter(practised=True).count() == 8 + 20


def test_the_contact_and_the_timeline_cost_the_same_with_2_or_20_topics(
    worker_client: HttpClient, supervisor: User, worker: User, team: Team, person: Client
) -> None:
    """The topics come inside the contact's own query, so the contact's page and the timeline
    cost what they cost without them."""
    counts = []
    for upto in (8, 20):
        grow(supervisor, team, upto)
        topics = tuple(TopicAtContact(topic.pk, practised=True) for topic in Topic.objects.filter(team=team))
        logged = log_contact(worker, person, parts={"education": topics})
        counts.append(
            (
                count(worker_client.get, reverse(CONTACT, args=[logged.encounter.pk])),
                count(worker_client.get, reverse(TIMELINE, args=[person.code])),
            )
        )
    assert counts[0] == counts[1]
    assert Encounter.objects.count() == 2


def test_correcting_the_topics_costs_the_same_with_2_or_20_topics(
    worker_client: HttpClient, supervisor: User, worker: User, team: Team, person: Client
) -> None:
    """The correction page: 10 (tests/encounters/test_query_counts_corrections.py's 8, + the
    contact's topics and the team's). Saving a change of every topic: 14 in all, the topics'
    own being the stored ones (changed?), the topics checked, the delete and the insert."""
    counts = []
    for upto in (8, 20):
        grow(supervisor, team, upto)
        topics = list(Topic.objects.filter(team=team))
        logged = log_contact(worker, person, parts={"education": tuple(TopicAtContact(t.pk) for t in topics)})
        url = reverse(EDIT, args=[logged.encounter.pk])
        drawn = count(worker_client.get, url)
        data = form_data(worker_client.get(url)) | {"education_drawn": "1"}
        data |= {f"education-{t.pk}-practised": "1" for t in topics}
        saved = count(worker_client.post, url, data, status=302)
        counts.append((drawn, saved))
    assert counts[0] == counts[1] == (10, 14)
    assert TopicCovered.objects.filter(practised=True).count() == 8 + 20
