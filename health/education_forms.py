"""Safer-use education on Log a contact (the part `education`) and the supervisors' topic form.

At a contact each of the team's topics in use is a row with two large toggles, "Talked
about" and "Practised" (a skill shown and tried): one thumb, no typing, and nothing to
scroll sideways at 360 px. They sit closed inside "More services" (open when something is
ticked), so a typical contact still fits two phone screens. The fields are
`education-<topic id>` (talked about) and `education-<topic id>-practised`; ticking
"Practised" alone counts as practised (and so talked about). The same fields travel in the
offline outbox, which replays them through the same reader (encounters/submission.py).
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .education import NAME_MAX, Topic
from .services.education import TopicAtContact, ensure_topics

if TYPE_CHECKING:
    from accounts.models import User
    from clients.models import Client

PREFIX = "education-"
PRACTISED = "-practised"


def talked_field(topic: Topic) -> str:
    return f"{PREFIX}{topic.pk}"


def practised_field(topic: Topic) -> str:
    return f"{PREFIX}{topic.pk}{PRACTISED}"


def topics_offered(team_ids: Sequence[Any]) -> list[Topic]:
    """The topics in use of these teams, in their order: one query (all their topics, retired
    ones too, which tells whether each team has its built-in ones); a team without them yet
    is seeded first, and read again (health/services/education.py)."""
    topics = list(Topic.objects.filter(team_id__in=team_ids).select_related("team"))
    if {topic.team_id for topic in topics if topic.key} != set(team_ids):
        ensure_topics(team_ids)
        topics = list(Topic.objects.filter(team_id__in=team_ids).select_related("team"))
    return [topic for topic in topics if topic.is_active]


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    talked_name: str
    practised_name: str
    talked: bool
    practised: bool
    team_name: str  # only when the worker is in several teams


class EducationAtContact:
    """The part as Log a contact submits it (encounters.parts.PartForm), and as it is drawn."""

    def __init__(self, submitted: Mapping[str, Any]) -> None:
        self.submitted = submitted
        self._problems: list[str] = []
        self._data: list[TopicAtContact] = []

    def is_valid(self) -> bool:
        self._problems = []
        chosen: dict[uuid.UUID, bool] = {}
        for name, value in self.submitted.items():
            if not name.startswith(PREFIX) or not value:
                continue
            raw = name.removeprefix(PREFIX)
            practised = raw.endswith(PRACTISED)
            try:
                topic_id = uuid.UUID(raw.removesuffix(PRACTISED))
            except ValueError:
                self._problems = [_("A topic ticked is not one of the team's. Check the team and tick it again.")]
                return False
            chosen[topic_id] = chosen.get(topic_id, False) or practised
        self._data = [TopicAtContact(topic_id, practised) for topic_id, practised in sorted(chosen.items())]
        return True

    def problems(self) -> list[str]:
        return self._problems

    def data(self) -> tuple[TopicAtContact, ...] | None:
        return tuple(self._data) or None


def education_at_contact(
    submitted: Mapping[str, Any], person: "Client | None", actor: "User"
) -> EducationAtContact | None:
    """The part read from a submission: None when no topic is ticked."""
    if not any(name.startswith(PREFIX) and value for name, value in submitted.items()):
        return None
    return EducationAtContact(submitted)


def rows_for(topics: Sequence[Topic], submitted: Mapping[str, Any] | None, *, several_teams: bool) -> list[TopicRow]:
    """What Log a contact draws: each topic, ticked as submitted (a refused contact keeps its ticks)."""
    submitted = submitted or {}
    return [
        TopicRow(
            topic=topic,
            talked_name=talked_field(topic),
            practised_name=practised_field(topic),
            talked=bool(submitted.get(talked_field(topic))),
            practised=bool(submitted.get(practised_field(topic))),
            team_name=topic.team.name if several_teams else "",
        )
        for topic in topics
    ]


class TopicForm(forms.Form):
    """A topic's name, in the team's words."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=NAME_MAX,
        help_text=gettext_lazy("In the team's words: it shows as typed, in every language."),
    )


DRAWN = "education_drawn"  # on the correction page: the topics were drawn, so none ticked means none


def correction_at_contact(
    submitted: Mapping[str, Any], person: "Client | None", actor: "User"
) -> EducationAtContact | None:
    """The part read from a correction: None when the page did not draw it (nothing changes)."""
    if DRAWN not in submitted:
        return None
    return EducationAtContact(submitted)
