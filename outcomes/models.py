"""Wellbeing check-ins: validated instruments, the person's answers, and their totals.

Success is health and quality of life, never drug use (DESIGN.md, principle 1): no
instrument here asks about drug use, and none may be added that does.

- `Instrument` + `InstrumentItem`: one *version* of a questionnaire. The built-ins are
  defined in code (outcomes/instruments.py) and written to rows by a data migration; data
  admins define more in the app. A version that has check-ins is never changed: editing it
  makes version n+1 (`is_current` moves to it), so every past check-in keeps the exact
  wording, scale and scoring rule it was answered with.
- `CheckIn` + `Answer`: one person's answers to one instrument version at one time. An
  item the person chose not to answer is stored as declined (`Answer.is_declined`), never
  as 0. `CheckIn.total` is stored when the instrument's rule allows one (outcomes/scoring.py),
  else NULL. Check-ins are written once and never updated (a rollup can read new rows by
  `created_at`).
- `CheckInDraft`: answers given inside Log a contact so far, the panel's memory. Not a
  check-in: reports never read it. The check-in is made from the answers sent with the
  contact, by its check-in part (outcomes.services.save_check_ins_part), which throws the
  contact's drafts away; a draft whose contact is never saved is thrown away later
  (outcomes/services.py). See outcomes/contact_views.py.

For reports: a person's team is `client.home_team` (their current team, as every scope
uses); `CheckIn.team` is their home team when the check-in was taken. `Instrument.slug`
names the instrument across versions ("who5", "self_ratings", "housing"); `InstrumentItem.key`
names an item across versions.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from clients.models import Client, in_scope
from encounters.models import Encounter

NAME_MAX = 120
WORDING_MAX = 300
TEXT_MAX = 2000
SCALE_LIMIT = 100  # item values lie within -100..100 (a sanity bound for custom instruments)


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def current(self) -> "InstrumentQuerySet":
        """The latest version of each instrument (the one new check-ins use)."""
        return self.filter(is_current=True)

    def offered(self) -> "InstrumentQuerySet":
        """What a worker can choose for a new check-in, in a stable order, items preloaded."""
        return (
            self.current().filter(is_active=True).prefetch_related("items").order_by("-is_builtin", "position", "name")
        )


class Instrument(models.Model):
    """One version of a questionnaire: its items, scale, scoring rule and change thresholds."""

    class Scoring(models.TextChoices):
        SUM = "sum", _("Sum of the answers")
        MEAN = "mean", _("Mean of the answers")
        SUM_TIMES = "sum_times", _("Sum of the answers times a factor")
        NONE = "none", _("No total (answers only)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("short name"), max_length=50)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    # Shown above the items (e.g. "Over the last two weeks…").
    instructions = models.CharField(_("instructions"), max_length=WORDING_MAX * 2, blank=True)
    licence = models.TextField(_("licence"), max_length=TEXT_MAX, blank=True)
    citation = models.TextField(_("source"), max_length=TEXT_MAX, blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)
    is_active = models.BooleanField(_("offered for new check-ins"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=100)

    scoring = models.CharField(_("scoring rule"), max_length=20, choices=Scoring.choices, default=Scoring.SUM)
    factor = models.DecimalField(_("factor"), max_digits=6, decimal_places=3, default=Decimal(1))
    min_answered = models.PositiveSmallIntegerField(
        _("answers needed for a total"),
        null=True,
        blank=True,
        help_text=_("Leave empty when every item must be answered."),
    )
    higher_is_better = models.BooleanField(_("a higher total is better"), default=True)
    # The lowest and highest possible totals (outcomes.scoring.total_range), stored when the
    # version is written: chart axes, and whether two versions' totals can be compared.
    total_min = models.DecimalField(_("lowest total"), max_digits=7, decimal_places=2, null=True, blank=True)
    total_max = models.DecimalField(_("highest total"), max_digits=7, decimal_places=2, null=True, blank=True)
    smallest_change = models.DecimalField(
        _("smallest change that counts"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    # For the Reliable Change Index (outcomes/change.py): both on the scale of the total,
    # from the published source named in `norms_source`.
    reliability = models.DecimalField(_("reliability"), max_digits=4, decimal_places=3, null=True, blank=True)
    sd = models.DecimalField(_("standard deviation"), max_digits=7, decimal_places=2, null=True, blank=True)
    norms_source = models.TextField(_("source of the reliability and SD"), max_length=TEXT_MAX, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="instrument_slug_version_unique"),
            # One current version per instrument (InstrumentQuerySet.current).
            models.UniqueConstraint(fields=["slug"], condition=Q(is_current=True), name="instrument_one_current"),
            models.CheckConstraint(condition=Q(version__gte=1), name="instrument_version_positive"),
            models.CheckConstraint(
                condition=Q(reliability__isnull=True) | Q(reliability__gt=0, reliability__lt=1),
                name="instrument_reliability_range",
            ),
            models.CheckConstraint(condition=Q(sd__isnull=True) | Q(sd__gt=0), name="instrument_sd_positive"),
            models.CheckConstraint(condition=~Q(factor=0), name="instrument_factor_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"

    @property
    def label(self) -> str:
        """The name in the reader's language: built-in names are msgids, custom ones as typed."""
        return gettext(self.name) if self.is_builtin else self.name

    @property
    def instructions_label(self) -> str:
        return gettext(self.instructions) if self.is_builtin and self.instructions else self.instructions

    @property
    def licence_label(self) -> str:
        return gettext(self.licence) if self.is_builtin and self.licence else self.licence

    @property
    def has_total(self) -> bool:
        return self.scoring != self.Scoring.NONE

    @property
    def answers_needed(self) -> int:
        """How many answered items a total needs (reads the items: prefetch them)."""
        count = len(self.items.all())
        return min(self.min_answered or count, count)


class InstrumentItem(models.Model):
    """One question of an instrument version: a scale (min..max) or a choice among options."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale")
        CHOICE = "choice", _("Choice")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    key = models.SlugField(_("key"), max_length=50)
    # Built-ins: an English msgid (translated by gettext) unless `translations` holds the
    # published wording for the language (the WHO-5's official Spanish version).
    wording = models.CharField(_("wording"), max_length=WORDING_MAX)
    translations = models.JSONField(_("published translations"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    scale_min = models.SmallIntegerField(_("lowest answer"), default=0)
    scale_max = models.SmallIntegerField(_("highest answer"))
    is_reverse_scored = models.BooleanField(_("reverse-scored"), default=False)
    # Labelled answers: [{"value": 5, "label": "All of the time", "es": "Todo el tiempo"}, ...].
    # Every option of a choice item; all or only the ends of a scale.
    labels = models.JSONField(_("answer labels"), default=list, blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "order"], name="item_instrument_order_unique"),
            models.UniqueConstraint(fields=["instrument", "key"], name="item_instrument_key_unique"),
            models.CheckConstraint(condition=Q(scale_min__lt=models.F("scale_max")), name="item_scale_ordered"),
            models.CheckConstraint(
                condition=Q(scale_min__gte=-SCALE_LIMIT, scale_max__lte=SCALE_LIMIT), name="item_scale_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} #{self.order}"

    def _language(self) -> str:
        return (get_language() or "en").split("-")[0]

    @property
    def text(self) -> str:
        """The wording in the reader's language (published translation first)."""
        published = self.translations.get(self._language()) if self.translations else None
        if published:
            return str(published)
        return gettext(self.wording) if self.instrument.is_builtin else self.wording

    def choices(self) -> list[tuple[int, str]]:
        """(value, label) for every possible answer, labels in the reader's language."""
        language = self._language()
        labels: dict[int, str] = {}
        for entry in self.labels:
            label = entry.get(language) or entry.get("label", "")
            if not entry.get(language) and self.instrument.is_builtin and label:
                label = gettext(label)
            labels[int(entry["value"])] = label
        every = range(self.scale_min, self.scale_max + 1)
        if self.kind == self.Kind.CHOICE or set(every) <= set(labels):
            # In the order published (the WHO-5: "All of the time" first).
            return [(int(entry["value"]), labels[int(entry["value"])]) for entry in self.labels]
        return [(value, labels.get(value, "")) for value in every]

    def accepts(self, value: int) -> bool:
        if self.kind == self.Kind.CHOICE:
            return value in {int(entry["value"]) for entry in self.labels}
        return self.scale_min <= value <= self.scale_max

    def scored(self, value: int) -> int:
        """The value as it counts towards the total (reverse-scored items turned round)."""
        return self.scale_min + self.scale_max - value if self.is_reverse_scored else value


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def visible_to(self, user: User) -> "CheckInQuerySet":
        """The only way views reach check-ins: those of people whose CURRENT home team the
        user belongs to (as ClientQuerySet.visible_to: a person who moves team takes their
        check-ins along). Team ids go in as values."""
        return self.filter(in_scope(user))

    def of_instrument(self, slug: str) -> "CheckInQuerySet":
        """Every version of one instrument."""
        return self.filter(instrument__slug=slug)

    def scored(self) -> "CheckInQuerySet":
        return self.filter(total__isnull=False)

    def for_history(self) -> "CheckInQuerySet":
        """Oldest first, with the instrument version, its items and the answers (three queries
        in all). `history()` gives each answer its item from these."""
        return (
            self.select_related("instrument", "recorded_by")
            .prefetch_related("instrument__items", "answers")
            .order_by("taken_at", "created_at")
        )

    def history(self) -> list["CheckIn"]:
        """for_history(), listed, each answer holding its item from its check-in's instrument.

        A person's page reads every check-in they gave (hundreds of answers for someone seen
        for years): the answers share the instrument's few items instead of each making its own
        item and instrument, with their labels and translations read anew (a third of the
        person page's time in Python went to these). An answer whose item is not among them
        (none should be) still finds it, by a query of its own."""
        check_ins = list(self.for_history())
        for check_in in check_ins:
            items = {item.pk: item for item in check_in.instrument.items.all()}
            for answer in check_in.answers.all():
                item = items.get(answer.item_id)
                if item is not None:
                    answer.item = item
        return check_ins


class CheckIn(models.Model):
    """One person's answers to one instrument version, and its total when the rule allows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("person"))
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="check_ins",
        verbose_name=_("team"),
        help_text=_("The person's home team when the check-in was taken (for team numbers)."),
    )
    # SET_NULL: the person's answers stand on their own if the contact record goes.
    encounter = models.ForeignKey(
        Encounter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_ins",
        verbose_name=_("contact"),
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("instrument")
    )
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("noted by"),
    )
    # On the instrument's total scale (WHO-5: 0..100); NULL when the rule allows no total.
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("saved at"), default=timezone.now, editable=False)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            # The person's page and change since baseline: one person's check-ins in time order.
            models.Index(fields=["client", "taken_at"], name="checkin_client_when_idx"),
            # Team figures by month (reports): a team's check-ins in a period.
            models.Index(fields=["team", "taken_at"], name="checkin_team_when_idx"),
            # Incremental rollups: rows saved since the last refresh.
            models.Index(fields=["created_at"], name="checkin_created_idx"),
        ]

    def __str__(self) -> str:
        # Never the person's name or answers: __str__ ends up in logs (ProtectedError).
        return f"check-in {self.pk}"


class Answer(models.Model):
    """One item's answer: a value, or "prefer not to say" (declined, never scored as 0)."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(_("answer"), null=True, blank=True)
    is_declined = models.BooleanField(_("prefer not to say"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["check_in", "item"], name="answer_one_per_item"),
            models.CheckConstraint(
                condition=Q(is_declined=True, value__isnull=True) | Q(is_declined=False, value__isnull=False),
                name="answer_value_or_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk}"


class CheckInDraft(models.Model):
    """Answers given inside Log a contact so far: the page's memory while the contact is
    being logged (the panel drawn again shows them). Never a check-in itself: the answers
    travel with the contact, whose check-in part makes the check-ins and throws the drafts
    away (outcomes.services.save_check_ins_part).

    `answers` maps item ids (text) to a value, or to null for "prefer not to say"; an item
    not answered is absent. `total` is computed by the same rule as a check-in's, for the
    panel to show. Keyed by the contact's id as the log form made it (`contact_ref`): one
    draft per contact, person and instrument.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact_ref = models.UUIDField(_("contact being logged"))
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answers = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact_ref", "client", "instrument"], name="checkin_draft_one_per_contact"
            ),
        ]
        indexes = [
            # Throwing away drafts whose contact was never saved.
            models.Index(fields=["updated_at"], name="checkin_draft_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"check-in draft {self.pk}"
