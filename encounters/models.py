"""Outreach contacts and what was given or done at them."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from clients.models import Client

MAX_QUANTITY = 999
MAX_HEAD_COUNT = 200


class Site(models.Model):
    """A place a team works: a street corner, a drop-in, the van's stop, a phone line."""

    class Kind(models.TextChoices):
        STREET = "street", _("Street")
        DROP_IN = "drop_in", _("Drop-in")
        VAN = "van", _("Van")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("Phone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="sites", verbose_name=_("team"))
    name = models.CharField(_("name"), max_length=100)
    area = models.CharField(_("area"), max_length=100, blank=True, help_text=_("Used instead of the site in exports."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STREET)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="site_unique_team_name")]

    def __str__(self) -> str:
        return self.name


class ServiceType(models.Model):
    """One kind of thing given or done at a contact (the catalogue).

    Built-in names are English msgids marked for translation in the data migration, so
    `label` shows them in the reader's language; names a data admin adds show as typed.
    """

    class Category(models.TextChoices):
        SUPPLIES = "supplies", _("Supplies")
        HEALTH = "health", _("Health")
        SUPPORT = "support", _("Support")
        BASIC_NEEDS = "basic_needs", _("Basic needs")
        REFERRAL = "referral", _("Referral")
        DISPOSAL = "disposal", _("Disposal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    counts_quantity = models.BooleanField(_("count a quantity"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return gettext(self.name)


class EncounterQuerySet(models.QuerySet["Encounter"]):
    def visible_to(self, user: User) -> "EncounterQuerySet":
        """Contacts logged by the teams the user belongs to (the scope every view uses)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(team_id__in=user.team_ids)  # values, not a subquery: see ClientQuerySet.visible_to

    def for_timeline(self) -> "EncounterQuerySet":
        """Newest first, with what a timeline row shows, in a fixed number of queries."""
        return (
            self.select_related("site", "worker")
            .prefetch_related(models.Prefetch("services", ServiceProvided.objects.select_related("service_type")))
            .order_by("-happened_at")
        )


class Encounter(models.Model):
    """A contact with a registered person, or an anonymous contact with a head count.

    The primary key is made when the form is drawn and travels with the submission, so
    a retried or queued submission is stored once (see `log_encounter`).
    """

    class Kind(models.TextChoices):
        STREET = "street", pgettext_lazy("contact kind", "Street")
        DROP_IN = "drop_in", pgettext_lazy("contact kind", "Drop-in")
        VAN = "van", pgettext_lazy("contact kind", "Van")
        PHONE = "phone", pgettext_lazy("contact kind", "Phone")
        OTHER = "other", pgettext_lazy("contact kind", "Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="encounters", verbose_name=_("person")
    )
    head_count = models.PositiveSmallIntegerField(
        _("people"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_HEAD_COUNT)]
    )
    happened_at = models.DateTimeField(_("when"), default=timezone.now)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="encounters", verbose_name=_("site")
    )
    kind = models.CharField(_("kind of contact"), max_length=20, choices=Kind.choices, default=Kind.STREET)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="encounters", verbose_name=_("worker")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="encounters", verbose_name=_("team"))
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    objects = EncounterQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # A person's timeline, newest first.
            models.Index(fields=["client", "-happened_at"], name="encounter_client_when_idx"),
            # Team dashboards and exports by period.
            models.Index(fields=["team", "-happened_at"], name="encounter_team_when_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=True) | Q(head_count=1), name="encounter_person_counts_one"
            ),
            models.CheckConstraint(
                condition=Q(head_count__gte=1, head_count__lte=MAX_HEAD_COUNT), name="encounter_head_count_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.happened_at:%Y-%m-%d %H:%M}"

    @property
    def is_anonymous(self) -> bool:
        return self.client_id is None


class ServiceProvided(models.Model):
    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("service"))
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )

    class Meta:
        verbose_name = _("service given")
        verbose_name_plural = _("services given")
        constraints = [
            models.UniqueConstraint(fields=["encounter", "service_type"], name="service_unique_per_encounter"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="service_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} x{self.quantity}"
