"""Safer-use education: a team's topics (kept by its supervisors) and the part `education` of a contact.

The catalogue. `ensure_topics` seeds a team's built-in topics the first time its topics are
read (a team made after health 0007), idempotently: the unique (team, key) makes a second,
simultaneous seeding add nothing. `add_topic`, `rename_topic` and `set_topic_active` are
the supervisors' changes, each audited (EDUCATION_TOPICS_CHANGED, with ids only: a team's
words are not personal data, but the trail keeps to ids everywhere). Nothing deletes a
topic: retiring it takes it off Log a contact and keeps every contact that covered it whole.

The part. `save_education_part` stores the topics covered at a new contact inside its
transaction (one query for the topics, one insert, one audit event), for a registered person
or an anonymous contact, and for a distribution volunteer too (health/apps.py says why). A
topic must be one of the contact's team's, in use or retired (a contact queued offline
before a topic was retired still arrives). `correct_education_part` replaces them when a
contact is corrected.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.postgres.expressions import ArraySubquery
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef
from django.db.models.functions import JSONObject
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import Event, record, record_many
from core.errors import Invalid
from encounters.models import Encounter

from ..education import DEFAULT_TOPICS, NAME_MAX, ORDER_STEP, Topic, TopicCovered, topic_label


@dataclass(frozen=True)
class TopicAtContact:
    topic_id: UUID
    practised: bool = False


def ensure_topics(team_ids: Sequence[Any]) -> None:
    """Seed the built-in topics of any of these teams that has none yet (see above). One query
    when every team has its topics (the usual case)."""
    built_in = Topic.objects.filter(team_id__in=team_ids).exclude(key="")  # never deleted, so once seeded always there
    seeded = set(built_in.values_list("team_id", flat=True).distinct())
    missing = [team_id for team_id in team_ids if team_id not in seeded]
    if not missing:
        return
    Topic.objects.bulk_create(
        [
            Topic(team_id=team_id, key=key, name=name, order=(index + 1) * ORDER_STEP)
            for team_id in missing
            for index, (key, name) in enumerate(DEFAULT_TOPICS)
        ],
        ignore_conflicts=True,
    )


def _clean_name(team_id: Any, name: str, *, instead_of: Topic | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise Invalid(_("Give the topic a name."))
    if len(name) > NAME_MAX:
        raise Invalid(_("A topic's name can be at most %(most)d characters.") % {"most": NAME_MAX})
    taken = Topic.objects.filter(team_id=team_id, name__iexact=name)
    if instead_of is not None:
        taken = taken.exclude(pk=instead_of.pk)
    if taken.exists():
        raise Invalid(_("The team has a topic with this name already."))
    return name


def _changed(actor: User, topic: Topic, change: str) -> None:
    record(
        action=AuditEvent.Action.EDUCATION_TOPICS_CHANGED,
        actor=actor,
        target=topic,
        details={"team": str(topic.team_id), "change": change},
    )


@transaction.atomic
def add_topic(*, actor: User, team: Team, name: str) -> Topic:
    """A topic of the team's own, last in its list."""
    name = _clean_name(team.pk, name)
    last = Topic.objects.filter(team=team).aggregate(last=Max("order"))["last"] or 0
    try:
        with transaction.atomic():
            topic = Topic.objects.create(team=team, name=name, order=last + ORDER_STEP)
    except IntegrityError as clash:  # the same name added at the same moment
        raise Invalid(_("The team has a topic with this name already.")) from clash
    _changed(actor, topic, "added")
    return topic


@transaction.atomic
def rename_topic(*, actor: User, topic: Topic, name: str) -> bool:
    """The team's words for it; False when nothing changed. A seeded topic renamed shows as typed."""
    name = _clean_name(topic.team_id, name, instead_of=topic)
    if name == topic.name:
        return False
    topic.name = name
    topic.save(update_fields=["name"])
    _changed(actor, topic, "renamed")
    return True


@transaction.atomic
def set_topic_active(*, actor: User, topic: Topic, is_active: bool) -> bool:
    """Retired (no longer offered at a contact; past contacts keep it) or back in use."""
    if topic.is_active == is_active:
        return False
    topic.is_active = is_active
    topic.save(update_fields=["is_active"])
    _changed(actor, topic, "back in use" if is_active else "retired")
    return True


def _check(data: Sequence[TopicAtContact], topics: dict[UUID, Topic], team_id: Any) -> None:
    if len({item.topic_id for item in data}) < len(data):
        raise Invalid(_("Each topic once per contact."))
    if any(item.topic_id not in topics or topics[item.topic_id].team_id != team_id for item in data):
        raise Invalid(_("A topic ticked is not one of the team's. Check the team and tick it again."))


def _event(encounter: Encounter, data: Sequence[TopicAtContact]) -> Event:
    """Ids and counts only: which topics is the contact's (and the person's) business."""
    details = {"topics": len(data), "practised": sum(item.practised for item in data)}
    return Event(target=encounter, client_id=encounter.client_id, details=details)


def _rows(actor: User, encounter: Encounter, data: Sequence[TopicAtContact]) -> list[TopicCovered]:
    return [
        TopicCovered(encounter=encounter, topic_id=item.topic_id, practised=item.practised, created_by=actor)
        for item in data
    ]


def save_education_part(*, actor: User, encounter: Encounter, data: tuple[TopicAtContact, ...] | None) -> None:
    """The topics covered at a new contact (see above)."""
    save_education_many(actor=actor, items=[(encounter, data)])


def save_education_many(*, actor: User, items: Sequence[tuple[Encounter, tuple[TopicAtContact, ...] | None]]) -> None:
    """`save_education_part` for a batch of new contacts: one query for their topics, one
    insert, and one audit event per contact with topics (written together)."""
    given = [(encounter, data) for encounter, data in items if data]
    if not given:
        return
    ids = {item.topic_id for _encounter, data in given for item in data}
    topics = Topic.objects.in_bulk(ids)
    for encounter, data in given:
        _check(data, topics, encounter.team_id)
    TopicCovered.objects.bulk_create([row for encounter, data in given for row in _rows(actor, encounter, data)])
    events = [_event(encounter, data) for encounter, data in given]
    record_many(action=AuditEvent.Action.EDUCATION_RECORDED, actor=actor, events=events)


def correct_education_part(*, actor: User, encounter: Encounter, data: tuple[TopicAtContact, ...] | None) -> None:
    """A correction: the contact's topics become `data` (called under the contact's row lock,
    encounters/services/corrections.py, which audits the correction). Retired topics the
    contact had may stay; a topic must be the contact's team's."""
    data = data or ()
    topics = Topic.objects.in_bulk({item.topic_id for item in data})
    _check(data, topics, encounter.team_id)
    TopicCovered.objects.filter(encounter=encounter).delete()
    TopicCovered.objects.bulk_create(_rows(actor, encounter, data))


def education_canonical(data: tuple[TopicAtContact, ...] | None) -> list[dict[str, Any]]:
    rows = [{"topic": str(item.topic_id), "practised": bool(item.practised)} for item in data or ()]
    return sorted(rows, key=lambda row: row["topic"])


def stored_education(encounter: Encounter) -> list[dict[str, Any]] | None:
    found = tuple(
        TopicAtContact(topic_id, practised)
        for topic_id, practised in TopicCovered.objects.filter(encounter=encounter).values_list("topic_id", "practised")
    )
    return education_canonical(found) or None


def covered_annotation() -> ArraySubquery:
    """The topics covered at each contact, as one array in the contact's own query: name, key,
    order and practised (health_topic_covered_once serves it; no sort in the contact's query)."""
    covered = TopicCovered.objects.filter(encounter=OuterRef("pk")).order_by()  # ordered in covered_words
    shown = JSONObject(name="topic__name", key="topic__key", order="topic__order", practised="practised")
    return ArraySubquery(covered.values(json=shown))


def covered_words(value: list[dict[str, Any]] | None) -> str:
    """ "Naloxone use (practised), Safer smoking": each in the reader's language when still the
    built-in name, else as the team typed it."""
    said = []
    for item in sorted(value or [], key=lambda item: (item["order"], item["name"])):
        label = topic_label(item["name"], item["key"])
        said.append(_("%(topic)s (practised)") % {"topic": label} if item["practised"] else label)
    return ", ".join(said)


def describe_education(canonical: list[dict[str, Any]] | None) -> str:
    """A canonical value in words (a correction's conflict page): one query for the names."""
    rows = canonical or []
    topics = Topic.objects.in_bulk([UUID(row["topic"]) for row in rows])
    value = [
        {"name": topic.name, "key": topic.key, "order": topic.order, "practised": row["practised"]}
        for row in rows
        if (topic := topics.get(UUID(row["topic"]))) is not None
    ]
    return covered_words(value)
