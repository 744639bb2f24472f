"""Topics covered, as the supervisors' dashboard counts them: for each of the teams' topics,
the contacts where it was talked about or practised, the people (registered ones: an
anonymous contact counts as a contact, never as a person), and the contacts where it was
practised, over the dashboard's period (and worker, when one is chosen).

Read from the source rows, as the testing cascade is (health/figures.py), not from the
rollups: a rollup would need a capture trigger on a new table (the triggers are kept to the
documented few, tests/core/test_triggers.py), and the query walks only the teams' contacts
of the period (encounter_team_when_idx), then each one's topics (health_topic_covered_once).
It runs under the tables' row-level security, like every person-linked figure of the team's
dashboard: a contact whose person has moved to another team leaves it (docs/security.md).

The organisation view counts the contacts that covered each built-in topic, per team and
month, through the definer function `alongside_education_events` (health 0009), as one more
kind of the hierarchy's events (dashboards/hierarchy.py), protected like every other count.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from core.replica import read_alias, read_rows

from .education import DEFAULT_TOPICS, Topic

EDUCATION_EVENTS_FUNCTION = "alongside_education_events"  # (measure, team, month, records, keys)


def topic_measure(key: str) -> str:
    """The organisation view's measure of a built-in topic: contacts that covered it."""
    return f"topics:{key}"


TOPIC_MEASURES = [topic_measure(key) for key, _name in DEFAULT_TOPICS]

TEAM_TOPICS_SQL = """
SELECT c.topic_id, count(DISTINCT e.id), count(DISTINCT e.client_id), count(DISTINCT e.id) FILTER (WHERE c.practised)
  FROM encounters_encounter AS e JOIN health_topiccovered AS c ON c.encounter_id = e.id
 WHERE e.team_id = ANY(%(teams)s::uuid[]) AND e.happened_at >= %(starts)s AND e.happened_at < %(ends)s
   AND (%(worker)s::integer IS NULL OR e.worker_id = %(worker)s::integer)
 GROUP BY c.topic_id
"""


@dataclass(frozen=True)
class TopicCount:
    topic_id: UUID
    label: str
    team: str
    contacts: int
    people: int
    practised: int
    is_active: bool


def team_topics(
    team_ids: list[UUID], starts: datetime, ends: datetime, worker_id: int | None = None
) -> list[TopicCount]:
    """Every topic of these teams in use, and any retired one covered in the period, with its
    counts (two queries), in the teams' order."""
    database = read_alias(Topic)
    params: dict[str, Any] = {
        "teams": [str(team) for team in team_ids],
        "starts": starts,
        "ends": ends,
        "worker": worker_id,
    }
    rows = read_rows(Topic, TEAM_TOPICS_SQL, params)
    found = {topic: (contacts, people, practised) for topic, contacts, people, practised in rows}
    topics = Topic.objects.using(database).filter(team_id__in=team_ids).select_related("team")
    several = len(team_ids) > 1
    return [
        TopicCount(
            topic.pk,
            topic.label,
            topic.team.name if several else "",
            *found.get(topic.pk, (0, 0, 0)),
            is_active=topic.is_active,
        )
        for topic in topics.order_by("team__name", "order", "name", "pk")
        if topic.is_active or topic.pk in found
    ]
