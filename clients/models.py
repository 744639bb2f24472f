"""People the programme serves.

Identifying data is optional. A person is known to the system by a code the system makes
(`KM4-T7X`): readable aloud, made of characters that cannot be confused with each other,
and derived from nothing about the person. URLs carry that code, never a name or a
sequential id.
"""

import secrets
import unicodedata
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V: nothing that is misheard or misread.
CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
CODE_LENGTH = 6
CODE_PATTERN = rf"[{CODE_ALPHABET}]{{3}}-[{CODE_ALPHABET}]{{3}}"
EARLIEST_BIRTH_YEAR = 1900


def new_code() -> str:
    """A random code such as KM4-T7X: 23**6 (about 148 million) possibilities."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{chars[:3]}-{chars[3:]}"


def normalise_code(text: str) -> str:
    """Accept a code typed in any case, with or without the hyphen or spaces."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{compact[:3]}-{compact[3:]}" if len(compact) == CODE_LENGTH else ""


def normalise_name(text: str) -> str:
    """Lower case, accents removed, spaces folded: how names are stored for search.

    "María  José" -> "maria jose". Done in Python so the trigram index can cover the
    stored column (PostgreSQL's unaccent() is not immutable and cannot be indexed).
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split())


def validate_year_of_birth(value: int) -> None:
    """Not in the future (the year changes, so this cannot be a fixed MaxValueValidator)."""
    MaxValueValidator(timezone.now().year)(value)


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: User) -> "ClientQuerySet":
        """The only way a view reaches people: those whose home team the user belongs to.

        A data admin who is not a team member sees nobody.

        The team ids are the user's memberships, loaded once per request (the role decorator
        has already read them), and go into the query as values, not as a subquery: with a
        known team PostgreSQL walks client_team_recent_idx in order and stops after one page.
        With a subquery it read and sorted the whole team (bench/: 5,000 people, 1.8 ms
        against 0.2 ms at a tenth of the data, growing with the team).
        """
        if not user.is_authenticated:
            return self.none()
        return self.filter(home_team_id__in=user.team_ids)

    def active(self) -> "ClientQuerySet":
        return self.filter(status=Client.Status.ACTIVE)

    def current(self) -> "ClientQuerySet":
        """People who are not merged into someone else (merged records only redirect)."""
        return self.filter(merged_into__isnull=True)

    def recent_first(self) -> "ClientQuerySet":
        """People seen most recently first; never-seen people by registration date."""
        return self.order_by(models.F("last_seen_at").desc(nulls_last=True), "-created_at")

    def for_list(self) -> "ClientQuerySet":
        return self.select_related("home_team")

    def mark_seen(self, at: datetime) -> int:
        """Move last_seen_at forward (never back: a contact logged late is older)."""
        return self.filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=at)).update(last_seen_at=at)

    def matching(self, text: str) -> "ClientQuerySet":
        """By code (any spelling of it) or by part of the preferred name."""
        text = text.strip()
        if not text:
            return self.none()
        condition = Q(preferred_name__icontains=text)
        code = normalise_code(text)
        if code:
            condition |= Q(code=code)
        return self.filter(condition)


class Client(models.Model):
    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        SELF_DESCRIBED = "self_described", _("In their own words")
        NOT_SAID = "not_said", _("Prefers not to say")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Not in contact")
        MOVED_ON = "moved_on", _("Moved on")
        DIED = "died", _("Died")

    class ContactPreference(models.TextChoices):
        NOT_ASKED = "", _("Not asked yet")
        NO_CONTACT = "no_contact", _("Do not contact them")
        IN_PERSON = "in_person", _("Only in person")
        PHONE_CALL = "phone_call", _("Phone call")
        TEXT_MESSAGE = "text_message", _("Text message")
        THROUGH_SERVICE = "through_service", _("Through another service")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=7, unique=True, default=new_code, editable=False)
    preferred_name = models.CharField(
        _("name they use"), max_length=100, blank=True, help_text=_("Optional. Whatever name the person wants to use.")
    )
    home_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="clients", verbose_name=_("home team"))
    year_of_birth = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_BIRTH_YEAR), validate_year_of_birth],
    )
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    gender_self_described = models.CharField(_("gender in their own words"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)

    # Identity: all optional, all identifying (erased by `erase_identity`).
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True, db_default="")
    languages = models.CharField(_("languages spoken"), max_length=100, blank=True, db_default="")
    contact_preference = models.CharField(
        _("how the team may reach them"),
        max_length=20,
        choices=ContactPreference.choices,
        blank=True,
        db_default="",
    )
    contact_details = models.CharField(
        _("contact details"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("Only what they want used, e.g. a number."),
    )
    may_leave_message = models.BooleanField(
        _("a message may be left"), db_default=False, help_text=_("Off means: leave no message.")
    )
    description = models.TextField(
        _("description for recognition"),
        max_length=500,
        blank=True,
        db_default="",
        help_text=_("Optional. Only what helps the team recognise them; nothing about drug use."),
    )
    # Preferred name and aliases, normalised (normalise_name), kept by the services.
    search_names = models.TextField(_("names for search"), blank=True, editable=False, db_default="")
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    erased_at = models.DateTimeField(_("identifying data erased at"), null=True, blank=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # The person list: a team's people, most recently seen first.
            models.Index(
                "home_team",
                models.F("last_seen_at").desc(nulls_last=True),
                models.F("created_at").desc(),
                name="client_team_recent_idx",
            ),
            # Fuzzy search by name and alias: `search_names %> query` (trigram word similarity).
            GinIndex(fields=["search_names"], opclasses=["gin_trgm_ops"], name="client_search_names_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(gender="self_described") | Q(gender_self_described=""),
                name="client_self_described_only_when_chosen",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.code

    def get_gender_label(self) -> str:
        if self.gender == self.Gender.SELF_DESCRIBED and self.gender_self_described:
            return self.gender_self_described
        return self.get_gender_display()


class Alias(models.Model):
    """Another name the person is known by: a street name, another spelling."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")

    def __str__(self) -> str:
        return self.name


class ConsentKind(models.Model):
    """What a person can agree to. Defaults are seeded; data admins can add more."""

    RECORD_KEEPING = "record-keeping"

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    valid_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("kind of consent")
        verbose_name_plural = _("kinds of consent")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return gettext(self.name)


class Consent(models.Model):
    """One decision, as recorded. History is kept; the current state is the latest per kind."""

    class Decision(models.TextChoices):
        GIVEN = "given", _("Given")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Method(models.TextChoices):
        VERBAL = "verbal", _("Verbal")
        WRITTEN = "written", _("Written")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person"))
    kind = models.ForeignKey(ConsentKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    method = models.CharField(_("how"), max_length=20, choices=Method.choices, default=Method.VERBAL)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    expires_on = models.DateField(_("renewal due"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            # The current state per kind: the latest decision for a person and kind.
            models.Index(fields=["client", "kind", "-recorded_at"], name="consent_latest_idx"),
            # "Consent expiring in 30 days" for a team.
            models.Index(fields=["expires_on"], name="consent_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_id} {self.decision}"


class SafetyFlag(models.Model):
    """Something every worker must know before meeting the person ("do not visit alone")."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="flags", verbose_name=_("person"))
    text = models.CharField(_("what to know"), max_length=200)
    expires_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("safety flag")
        verbose_name_plural = _("safety flags")

    def __str__(self) -> str:
        return self.text


class DuplicateDismissal(models.Model):
    """A supervisor said two records are not the same person: never suggest the pair again."""

    first = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissal_unique_pair"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="duplicate_dismissal_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} / {self.second_id}"


class Merge(models.Model):
    """B merged into A, stored so it can be undone within 30 days, exactly.

    `snapshot` holds A's and B's field values before the merge and, for every model that
    points at a person, the ids of B's rows that moved to A. It is identifying data: erasing
    either person scrubs it.
    """

    UNDO_DAYS = 30

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survivor = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("kept record"))
    merged = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged record"))
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id}"

    @property
    def can_be_undone(self) -> bool:
        return self.undone_at is None and timezone.now() - self.merged_at <= timedelta(days=self.UNDO_DAYS)
