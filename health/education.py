"""Safer-use education and skills: each team's catalogue of topics, and what was covered at a contact.

A team's topics are the team's own words. Every team starts with the seven below (seeded by
health 0007 for the teams that existed then, and by `ensure_topics` for a team made later,
the first time its topics are read), which its supervisors rename, retire or add to on
their own page (health/views/topics.py). A topic is never deleted: a retired one is no
longer offered on Log a contact, and past contacts keep showing it.

Languages. A seeded topic keeps its built-in `key`; while its name is still the built-in
English name it is shown in the reader's language (the names below are msgids, Spanish in
locale/es). Once the team renames it, the name is the team's own and shows as typed, in
every language, as a topic the team added does: Alongside does not translate a team's
words. (Renaming it back to the built-in name makes it translated again.)

At a contact (the part `education`, health/apps.py) each topic is either talked about or,
with a second tick, practised (a skill shown and tried: using naloxone, finding a vein
safely): one row per topic covered, `practised` true for the second.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from encounters.models import Encounter

# (key, built-in English name): the topics every team starts with, in this order. health 0007
# keeps its own copy (a migration is history); a test compares the two.
DEFAULT_TOPICS = [
    ("naloxone", gettext_noop("Naloxone use")),
    ("vein_care", gettext_noop("Vein care and wound prevention")),
    ("safer_smoking", gettext_noop("Safer smoking")),
    ("not_alone", gettext_noop("Not using alone")),
    ("drug_checking", gettext_noop("Drug checking")),
    ("overdose_signs", gettext_noop("Recognising an overdose")),
    ("safer_sex", gettext_noop("Safer sex")),
]
BUILT_IN_NAMES = dict(DEFAULT_TOPICS)
ORDER_STEP = 10
NAME_MAX = 80


def topic_label(name: str, key: str) -> str:
    """The name to show: a seeded topic still under its built-in name in the reader's language,
    anything else exactly as the team typed it."""
    return gettext(name) if key and BUILT_IN_NAMES.get(key) == name else name


class Topic(models.Model):
    """A topic or skill in a team's safer-use catalogue (the team's words)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    # The built-in topic this was seeded as ("" for one the team added); it never changes.
    key = models.CharField(_("built-in topic"), max_length=30, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("safer-use topic")
        verbose_name_plural = _("safer-use topics")
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="health_topic_unique_team_name"),
            # One of each built-in topic per team: seeding twice (two first reads at once) adds nothing.
            models.UniqueConstraint(
                fields=["team", "key"], condition=~models.Q(key=""), name="health_topic_unique_team_key"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return topic_label(self.name, self.key)


class TopicCovered(models.Model):
    """A topic talked about (or, `practised`, a skill practised) at a contact."""

    encounter = models.ForeignKey(
        Encounter, on_delete=models.CASCADE, related_name="topics_covered", verbose_name=_("contact")
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic"))
    practised = models.BooleanField(_("practised"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("topic covered")
        verbose_name_plural = _("topics covered")
        constraints = [
            models.UniqueConstraint(fields=["encounter", "topic"], name="health_topic_covered_once"),
        ]
        indexes = [
            # The dashboard's topics covered: a topic's contacts (the unique index above serves a contact's topics).
            models.Index(fields=["topic", "encounter"], name="health_topiccovered_topic_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} {'practised' if self.practised else 'talked about'}"
