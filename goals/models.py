"""Goals a person sets, in their own words: small steps towards them and reviews of progress.

The person sets the goal; the worker only records it (DESIGN.md, principle 2). A goal ends
in one of three ways, none of them a judgement: achieved, changed (into the goal it
became) or set aside. Progress is the person's own rating of how close they feel, and
optionally a Goal Attainment Scaling (GAS) level described in their words when the goal
was set.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from clients.models import Client, in_scope
from encounters.models import Encounter

WORDS_MAX = 500
STEP_MAX = 200
NOTE_MAX = 300
GAS_LEVEL_MAX = 200
CLOSENESS_MIN, CLOSENESS_MAX = 0, 10
GAS_MIN, GAS_MAX = -2, 2
GAS_WEIGHT_MAX = 10

# The five levels, named as the person hopes: the lowest is "much less than hoped for",
# never a failure (DESIGN.md, principle 2). The goal page and the summary say them this way.
GAS_LEVEL_NAMES = {
    -2: _("much less than they hoped for"),
    -1: _("a little less than they hoped for"),
    0: _("what they hoped for"),
    1: _("a little more than they hoped for"),
    2: _("much more than they hoped for"),
}


class GoalQuerySet(models.QuerySet["Goal"]):
    def visible_to(self, user: User) -> "GoalQuerySet":
        """The only way views reach goals: those of people whose home team the user belongs to.

        Scoped through the person's *current* home team (like ClientQuerySet.visible_to, with
        the team ids as values), so a person who moves team keeps their goals in view of the
        team that now serves them. `Goal.team` is the team at the time, for team numbers.
        """
        return self.filter(in_scope(user))

    def active(self) -> "GoalQuerySet":
        return self.filter(status=Goal.Status.ACTIVE)

    def with_latest_review(self) -> "GoalQuerySet":
        """The latest closeness rating and its time, as two columns (no query per goal)."""
        latest = Review.objects.filter(goal=OuterRef("pk")).order_by("-reviewed_at")
        latest_gas = latest.filter(gas__isnull=False)
        return self.annotate(
            latest_closeness=Subquery(latest.values("closeness")[:1]),
            latest_reviewed_at=Subquery(latest.values("reviewed_at")[:1]),
            # The current Goal Attainment Scaling level: the latest review that rated one
            # (a review may leave it unrated). The person's T-score reads it.
            latest_gas=Subquery(latest_gas.values("gas")[:1]),
        )

    def for_section(self) -> "GoalQuerySet":
        """What the person's page shows: active goals first, each with steps and latest rating.

        Two queries whatever the number of goals: goals (with the goal each became) and steps.
        """
        active_first = models.Case(
            models.When(status=Goal.Status.ACTIVE, then=models.Value(0)), default=models.Value(1)
        )
        return (
            self.with_latest_review()
            .select_related("became")
            .prefetch_related("steps")
            .order_by(active_first, models.F("status_on").desc(nulls_first=True), "-created_at")
        )

    def for_page(self) -> "GoalQuerySet":
        """One goal's page: the person, the goal it became or came from, who set it."""
        return self.select_related("client", "client__home_team", "became", "came_from", "created_by")


class Goal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        CHANGED = "changed", _("Changed")
        SET_ASIDE = "set_aside", _("Set aside")

    class LifeArea(models.TextChoices):
        HEALTH = "health", _("Health")
        HOUSING = "housing", _("Housing")
        SAFETY = "safety", _("Safety")
        RELATIONSHIPS = "relationships", _("Relationships and family")
        INCOME = "income", _("Income and work")
        LEGAL = "legal", _("Legal matters")
        SAFER_USE = "safer_use", _("Using more safely")
        MENTAL_WELLBEING = "mental_wellbeing", _("Mental wellbeing")
        DAILY_LIVING = "daily_living", _("Daily living")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="goals", verbose_name=_("person"))
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name=_("team"),
        help_text=_("The person's home team when the goal was set (for team numbers)."),
    )
    words = models.CharField(_("the goal, in their own words"), max_length=WORDS_MAX)
    why = models.CharField(_("why it matters to them"), max_length=WORDS_MAX, blank=True)
    # Never required and never pre-selected: blank means "not chosen".
    life_area = models.CharField(_("life area"), max_length=20, choices=LifeArea.choices, blank=True)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_on = models.DateField(_("since"), null=True, blank=True)
    status_note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    became = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="came_from",
        verbose_name=_("changed into"),
    )
    created_at = models.DateTimeField(_("set at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("noted by")
    )
    # Goes up with every saved change of the goal's own fields (how it ended), so of two
    # people ending it at once the second gets the conflict page (core/versioning.py).
    version = models.PositiveIntegerField(_("version"), db_default=1, default=1)
    # Goal Attainment Scaling: the five levels in the person's words (all optional).
    gas_much_less = models.CharField(_("much less than hoped (-2)"), max_length=GAS_LEVEL_MAX, blank=True)
    gas_less = models.CharField(_("a little less than hoped (-1)"), max_length=GAS_LEVEL_MAX, blank=True)
    gas_expected = models.CharField(_("what they hope for (0)"), max_length=GAS_LEVEL_MAX, blank=True)
    gas_more = models.CharField(_("a little more than hoped (+1)"), max_length=GAS_LEVEL_MAX, blank=True)
    gas_much_more = models.CharField(_("much more than hoped (+2)"), max_length=GAS_LEVEL_MAX, blank=True)
    gas_weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(GAS_WEIGHT_MAX)],
        help_text=_("For the T-score: leave at 1 unless this goal counts more than their others."),
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [
            # The person's page and the Log a contact panel: one person's goals.
            models.Index(fields=["client", "status"], name="goal_client_status_idx"),
            # Team numbers by month: goals set per team.
            models.Index(fields=["team", "created_at"], name="goal_team_set_idx"),
            # Team numbers by month: goals achieved, changed or set aside per team.
            models.Index(fields=["team", "status", "status_on"], name="goal_team_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(words=""), name="goal_words_required"),
            models.CheckConstraint(
                condition=Q(status="active", status_on__isnull=True)
                | (~Q(status="active") & Q(status_on__isnull=False)),
                name="goal_status_dated_when_ended",
            ),
            models.CheckConstraint(
                condition=Q(status="changed") | Q(became__isnull=True), name="goal_became_only_when_changed"
            ),
            models.CheckConstraint(
                condition=Q(gas_weight__gte=1, gas_weight__lte=GAS_WEIGHT_MAX), name="goal_gas_weight_range"
            ),
        ]

    def __str__(self) -> str:
        # Never the person's words: __str__ ends up in error messages and logs (ProtectedError).
        return f"goal {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("goals:detail", kwargs={"goal_id": self.pk})

    @property
    def changed_from(self) -> "Goal | None":
        """The goal this one was changed from, or None: a template cannot ask for a missing
        one-to-one (`came_from` raises, which a template silently takes for a value)."""
        try:
            return self.came_from
        except Goal.DoesNotExist:
            return None

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def gas_levels(self) -> list[tuple[int, str]]:
        """(level, the person's description) for -2..+2; empty when none was described."""
        levels = [self.gas_much_less, self.gas_less, self.gas_expected, self.gas_more, self.gas_much_more]
        if not any(levels):
            return []
        return list(zip(range(GAS_MIN, GAS_MAX + 1), levels, strict=True))

    @property
    def uses_gas(self) -> bool:
        return bool(self.gas_levels)

    def gas_level(self, level: int | None) -> "GasLevel | None":
        """One level as the goal's page says it: the number, its name and the person's words."""
        if level is None or not self.uses_gas:
            return None
        return GasLevel(level, str(GAS_LEVEL_NAMES[level]), dict(self.gas_levels)[level])


@dataclass(frozen=True)
class GasLevel:
    level: int
    name: str
    words: str  # how the person described this level (may be empty)

    @property
    def signed(self) -> str:
        return f"{self.level:+d}" if self.level else "0"


class Step(models.Model):
    """A small step towards a goal: done, or not yet."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps", verbose_name=_("goal"))
    text = models.CharField(_("step"), max_length=STEP_MAX)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["order", "created_at"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="step_text_required"),
            models.CheckConstraint(
                condition=Q(is_done=True, done_at__isnull=False) | Q(is_done=False, done_at__isnull=True),
                name="step_done_at_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"step {self.pk}"


class ReviewQuerySet(models.QuerySet["Review"]):
    def for_history(self) -> "ReviewQuerySet":
        """Oldest first (a chart reads left to right), with the contact and the reviewer."""
        return self.select_related("encounter", "reviewed_by").order_by("reviewed_at")


class Review(models.Model):
    """How close the person feels to their goal, in their rating, at one moment.

    A review made beside a contact being logged (the goals panel of Log a contact) knows
    the id the form gave that contact (`contact_ref`) before the contact exists. When the
    contact is saved, the goals part of its one save path sets `encounter`
    (goals.services.save_reviews_part). Goals depend on contacts, never the other way
    round: encounters knows the part only as a registered hook (encounters/parts.py). A
    review sent as a part of the contact (the API, offline) has `encounter` and no
    `contact_ref`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("goal"))
    # SET_NULL: the person's rating stands on its own if the contact record goes.
    encounter = models.ForeignKey(
        Encounter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goal_reviews",
        verbose_name=_("contact"),
    )
    contact_ref = models.UUIDField(_("contact being logged"), null=True, blank=True, editable=False)
    closeness = models.PositiveSmallIntegerField(
        _("how close they feel (0 to 10)"),
        validators=[MinValueValidator(CLOSENESS_MIN), MaxValueValidator(CLOSENESS_MAX)],
    )
    gas = models.SmallIntegerField(
        _("goal attainment level (-2 to +2)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(GAS_MIN), MaxValueValidator(GAS_MAX)],
    )
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("noted by")
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            # A goal's history, and its latest review (GoalQuerySet.with_latest_review).
            models.Index(fields=["goal", "-reviewed_at"], name="review_goal_when_idx"),
            # Linking reviews to the contact they were made beside, once it is saved.
            models.Index(fields=["contact_ref"], name="review_contact_ref_idx", condition=Q(contact_ref__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closeness__gte=CLOSENESS_MIN, closeness__lte=CLOSENESS_MAX), name="review_closeness_range"
            ),
            models.CheckConstraint(
                condition=Q(gas__isnull=True) | Q(gas__gte=GAS_MIN, gas__lte=GAS_MAX), name="review_gas_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewed_at:%Y-%m-%d} {self.closeness}/10"
