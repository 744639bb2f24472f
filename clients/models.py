"""People the programme serves.

Identifying data is optional. A person is known to the system by a code the system makes
(`KM4-T7X`): readable aloud, made of characters that cannot be confused with each other,
and derived from nothing about the person. URLs carry that code, never a name or a
sequential id.
"""

import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
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
