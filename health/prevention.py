"""Prevention the person takes up: PrEP and PEP (offered, referred, started, continuing,
stopped) and vaccinations (hepatitis A and B, tetanus, flu, COVID-19, and the vaccines a team
adds, each dose numbered).

A team's own vaccines (`TeamVaccine`: a name in the team's words, the doses of a full course,
an optional note) are kept by the team's supervisors on their own page (health/views/vaccines.py).
They are never deleted, only retired: a dose given keeps pointing at its vaccine. A dose of one
is a `Vaccination` with `vaccine = "other"` and `team_vaccine` set (a CHECK keeps the two
together). A team's vaccine names never leave the team: anywhere they are counted across
teams they count as "other vaccines".

Recorded at a contact through its one save path (the parts `prevention` and `vaccinations`,
health/apps.py) and shown on the person's page. Stopping PrEP is the person's decision: the
reason, if they want it noted, is in their own words and optional. (Imported by
health/models.py, so Django knows these models.)
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
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


class TeamVaccineQuerySet(models.QuerySet["TeamVaccine"]):
    def of_teams(self, team_ids: list[uuid.UUID]) -> "TeamVaccineQuerySet":
        """A team catalogue without a person: scoped by the user's teams, never by row-level security."""
        return self.filter(team_id__in=team_ids)

    def active(self) -> "TeamVaccineQuerySet":
        return self.filter(is_active=True)

    def in_order(self) -> "TeamVaccineQuerySet":
        return self.order_by(Lower("name"), "pk")


class TeamVaccine(models.Model):
    """A vaccine a team offers beyond the built-in ones, named in the team's words."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    name = models.CharField(_("name"), max_length=80)
    doses = models.PositiveSmallIntegerField(_("doses in a full course"), default=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = TeamVaccineQuerySet.as_manager()

    class Meta:
        verbose_name = _("team vaccine")
        verbose_name_plural = _("team vaccines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(doses__gte=1, doses__lte=MAX_DOSE), name="health_team_vaccine_doses_in_range"
            ),
            # One name per team, whatever its case; also the index of a team's list by name.
            models.UniqueConstraint("team", Lower("name"), name="health_team_vaccine_name_uniq"),
        ]

    def __str__(self) -> str:
        return self.name


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
        # One of the team's own vaccines (team_vaccine says which).
        OTHER = "other", _("Another vaccine")

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
    team_vaccine = models.ForeignKey(
        TeamVaccine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="doses_given",
        verbose_name=_("the team's vaccine"),
    )
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
            # A team's vaccine exactly when the vaccine is "other".
            models.CheckConstraint(
                condition=models.Q(vaccine="other", team_vaccine__isnull=False)
                | (~models.Q(vaccine="other") & models.Q(team_vaccine__isnull=True)),
                name="health_vaccination_other_has_team_vaccine",
            ),
        ]
        indexes = [
            # A person's vaccinations, newest first (the person's page).
            models.Index(fields=["client", "-given_on"], name="health_vaccination_client_idx"),
            # A team's doses by day (the team dashboard's vaccinations; the organisation view's year).
            models.Index(fields=["team", "given_on"], name="health_vaccination_team_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.vaccine} {self.dose}"

    @property
    def vaccine_name(self) -> str:
        """The built-in vaccine's name in the reader's language, or the team's vaccine as typed
        (select_related("team_vaccine") where a list shows it)."""
        if self.team_vaccine_id is not None and self.team_vaccine is not None:
            return self.team_vaccine.name
        return str(self.get_vaccine_display())
