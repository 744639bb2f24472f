"""Prevention the person takes up: PrEP and PEP (offered, referred, started, continuing,
stopped) and vaccinations (hepatitis A and B, tetanus, flu, COVID-19, each dose numbered).

Recorded at a contact through its one save path (the parts `prevention` and `vaccinations`,
health/apps.py) and shown on the person's page. Stopping PrEP is the person's decision: the
reason, if they want it noted, is in their own words and optional. (Imported by
health/models.py, so Django knows these models.)
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from clients.models import Client, in_scope
from encounters.models import Encounter

MAX_DOSE = 5


class PreventionQuerySet(models.QuerySet["Prevention"]):
    def visible_to(self, user: User) -> "PreventionQuerySet":
        """Of the people the user's teams serve now (clients.models.in_scope)."""
        return self.filter(in_scope(user))


class Prevention(models.Model):
    """A step of PrEP or PEP, on the day it happened."""

    class Kind(models.TextChoices):
        PREP = "prep", _("PrEP (before exposure to HIV)")
        PEP = "pep", _("PEP (after exposure to HIV)")

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        REFERRED = "referred", _("Referred")
        STARTED = "started", _("Started")
        CONTINUING = "continuing", _("Continuing")
        STOPPED = "stopped", _("Stopped")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="prevention", verbose_name=_("person"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    encounter = models.ForeignKey(
        Encounter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("at contact")
    )
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("where it stands"), max_length=20, choices=Status.choices)
    # Why it stopped, only if the person wants it noted, in their words.
    words = models.CharField(_("in the person's words"), max_length=300, blank=True)
    noted_on = models.DateField(_("on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PreventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("PrEP or PEP")
        verbose_name_plural = _("PrEP and PEP")
        indexes = [
            # A person's PrEP and PEP, newest first (the person's page).
            models.Index(fields=["client", "-noted_on"], name="health_prevention_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"


class VaccinationQuerySet(models.QuerySet["Vaccination"]):
    def visible_to(self, user: User) -> "VaccinationQuerySet":
        return self.filter(in_scope(user))


class Vaccination(models.Model):
    """A dose of a vaccine given (or noted as given elsewhere), numbered within its course."""

    class Vaccine(models.TextChoices):
        HEP_A = "hep_a", _("Hepatitis A")
        HEP_B = "hep_b", _("Hepatitis B")
        TETANUS = "tetanus", _("Tetanus")
        FLU = "flu", _("Flu")
        COVID = "covid", _("COVID-19")

    class Where(models.TextChoices):
        BY_TEAM = "by_team", _("Given by the team")
        ELSEWHERE = "elsewhere", _("Given elsewhere")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="vaccinations", verbose_name=_("person"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    encounter = models.ForeignKey(
        Encounter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("at contact")
    )
    vaccine = models.CharField(_("vaccine"), max_length=20, choices=Vaccine.choices)
    dose = models.PositiveSmallIntegerField(_("dose"))
    where = models.CharField(_("where"), max_length=20, choices=Where.choices, default=Where.BY_TEAM)
    given_on = models.DateField(_("given on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = VaccinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("vaccination")
        verbose_name_plural = _("vaccinations")
        constraints = [
            models.CheckConstraint(condition=models.Q(dose__gte=1, dose__lte=MAX_DOSE), name="health_dose_in_range"),
        ]
        indexes = [
            # A person's vaccinations, newest first (the person's page).
            models.Index(fields=["client", "-given_on"], name="health_vaccination_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.vaccine} {self.dose}"
