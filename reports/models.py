"""Rollups for the dashboards: small tables of monthly figures, kept fresh incrementally.

Dashboards never scan every contact: they read these tables, which `reports.rollups.refresh`
rewrites one (team, month) at a time for the months that changed. What changed is written
by database triggers (migration 0002) into `PendingChange` as it is written, so nothing a
service forgets can leave a rollup stale; see reports/rollups.py for why a timestamp
watermark alone would miss changes.

Months are calendar months in the programme's time zone (ALONGSIDE_TIME_ZONE), stored as
the first day of the month. A row with `worker` NULL is the whole team's month; the rows
with a worker are that worker's part of it. Counts of contacts and services add up over
workers; counts of distinct people do not (a person seen by two workers is one person of
the team), which is why the team's row is kept too.

Every figure is about what a team did: a contact counts for the team that logged it
(`Encounter.team`), whoever the person's team is now.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from clients.models import Client
from encounters.models import ServiceType


class MonthlyTeamContacts(models.Model):
    """Contacts a team logged in a month: all of them (worker NULL) and per worker."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    contacts = models.PositiveIntegerField(default=0)
    anonymous_contacts = models.PositiveIntegerField(default=0)
    # Anonymous contacts' head counts added up (a group of 3 is 3 people reached).
    anonymous_people = models.PositiveIntegerField(default=0)
    # Distinct registered people with a contact that month.
    people_seen = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "reports_monthly_team_contacts"
        verbose_name = _("monthly contacts of a team")
        constraints = [
            # Also the index every dashboard query walks: (team, month) for the period.
            models.UniqueConstraint(
                fields=["team", "month", "worker"], name="monthly_contacts_unique", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.month:%Y-%m} {self.worker_id or 'all'}"


class TeamServicesRollup(models.Model):
    """Services given at a team's contacts in a period, per type: all (worker NULL) and per
    worker. `given` counts the contacts it was given at, `quantity` adds up the quantities,
    `people` counts distinct registered people plus anonymous head counts."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    service_type = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="+")
    given = models.PositiveIntegerField(default=0)
    quantity = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyTeamServices(TeamServicesRollup):
    """Services given at a team's contacts on a day (the programme's calendar), per type: all
    (worker NULL) and per worker. A day's new contacts rewrite their day only: a month's
    services, found through each contact, cost a refresh too much at 2,000,000 contacts
    (bench/README.md), and the months are summed from these days (MonthlyTeamServices)."""

    day = models.DateField()

    class Meta:
        db_table = "reports_daily_team_services"
        verbose_name = _("daily services of a team")
        constraints = [
            # Also the index of the refresh: a team's day, and a team's days in a month.
            models.UniqueConstraint(
                fields=["team", "day", "worker", "service_type"],
                name="daily_services_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day} {self.service_type_id}"


class MonthlyTeamServices(TeamServicesRollup):
    """Services given at a team's contacts in a month, per type: all (worker NULL) and per
    worker; the sums of its days (DailyTeamServices)."""

    month = models.DateField()
    # `people` here is the month's busiest day: a lower bound of the month's people, which is
    # what the organisation view's small-number rule needs (reports/privacy.py), at the cost
    # of a day's work per refresh.

    class Meta:
        db_table = "reports_monthly_team_services"
        verbose_name = _("monthly services of a team")
        constraints = [
            # Also the index of the dashboards' reads: a team's months in a period.
            models.UniqueConstraint(
                fields=["team", "month", "worker", "service_type"],
                name="monthly_services_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.month:%Y-%m} {self.service_type_id}"


class CheckInMonth(models.Model):
    """One person's month of check-ins, per measure: the latest value they gave that month.

    A measure is an instrument's total ("who5") or, for an instrument without a total, one
    item's answer ("self_ratings.physical_health"). Each person counts once a month, with the
    team and worker of that latest check-in. Answers the person declined are never values.

    `category` is the reliable change (outcomes/change.py: Jacobson and Truax) from the
    person's first total ever on the same range (their baseline) to this month's latest, when
    the two are at least 28 days apart and the instrument version has published norms; ""
    otherwise. It is kept here because a baseline can change afterwards (a check-in entered
    late, a merge), and then every month of that person is rewritten.

    `next_month` is the person's next month with this measure (NULL for their latest), so
    "each person's latest month in a period" is a plain filter, `month <= last AND (next_month
    IS NULL OR next_month > last)`, where sorting everyone's months took 35 ms a team-year.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=101)
    month = models.DateField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    value = models.DecimalField(max_digits=7, decimal_places=2)
    category = models.CharField(max_length=10, blank=True)
    next_month = models.DateField(null=True)

    class Meta:
        db_table = "reports_checkin_month"
        verbose_name = _("monthly check-in of a person")
        constraints = [
            # Also the refresh's index: one person's rows, rewritten together.
            models.UniqueConstraint(fields=["client", "measure", "month"], name="checkin_month_unique"),
        ]
        indexes = [
            # The refresh's rewrite of a team's month (its distributions).
            models.Index(fields=["team", "month", "measure"], name="checkin_month_team_idx"),
            # Reliable change on the dashboards: a team's people with a total in the period,
            # read from the index alone.
            models.Index(
                fields=["measure", "team", "month"],
                include=["next_month", "category", "worker"],
                name="checkin_month_change_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.measure} {self.month:%Y-%m}"


class MonthlyTeamScores(models.Model):
    """How many people gave each value of a measure in a team's month: a distribution.

    Medians and quartiles cannot be added up from medians, but distributions can: a WHO-5
    total takes one of 26 values (0, 4, ..., 100) and a rating one of 11, so a team's month is
    at most 26 rows, and a period or several teams add theirs up and read exact percentiles
    from the counts (reports/figures.py). Worker NULL: the whole team's month.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    measure = models.CharField(max_length=101)
    value = models.DecimalField(max_digits=7, decimal_places=2)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "reports_monthly_team_scores"
        verbose_name = _("monthly distribution of a measure in a team")
        constraints = [
            # Also the index of the dashboards' reads: a team's months in a period.
            models.UniqueConstraint(
                fields=["team", "month", "worker", "measure", "value"],
                name="monthly_scores_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.month:%Y-%m} {self.measure}={self.value}"


class PendingChange(models.Model):
    """A change the rollups have not taken in yet, written by the triggers of migration 0002.

    `source` says which rollup: "contacts" (a contact or its services changed: the team and
    the day, in UTC, of the contact's time, before and after the change) or "checkins" (a
    check-in of this person changed). `refresh` takes all of them and deletes them in the
    transaction that rewrites the rollups, so a change is either in a rollup or still here.
    No foreign keys: the triggers write plain ids, and nothing reads them but the refresh.
    """

    id = models.BigAutoField(primary_key=True)
    source = models.CharField(max_length=20)
    team_id = models.UUIDField(null=True)
    day = models.DateField(null=True)
    client_id = models.UUIDField(null=True)

    class Meta:
        db_table = "reports_pending_change"

    def __str__(self) -> str:
        return f"{self.source} {self.team_id or self.client_id} {self.day or ''}"


class RollupState(models.Model):
    """One row: when the rollups were last brought up to date (the dashboards say so)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "reports_rollup_state"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="rollup_state_single_row")]

    def __str__(self) -> str:
        return f"refreshed {self.refreshed_at}"


class Export(models.Model):
    """An anonymised export a data admin started: what was asked for, how far the background
    job has got, and where its file is (reports/exports/).

    Only the admin who started it may see or download it (reports/exports/access.py). The
    file lives under ALONGSIDE_EXPORT_ROOT, outside the static and media roots, and is deleted
    when the export expires. `summary` holds row counts and the privacy summary (k achieved,
    rows generalised and suppressed per dataset): numbers only, never data.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV files (zipped)")
        XLSX = "xlsx", _("Excel workbooks (zipped)")

    class Period(models.TextChoices):
        MONTH = "month", _("Months")
        QUARTER = "quarter", _("Quarters")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    datasets = ArrayField(models.CharField(max_length=30), verbose_name=_("datasets"))
    team_ids = ArrayField(models.UUIDField(), verbose_name=_("teams"))
    first_month = models.DateField(_("from"))
    last_month = models.DateField(_("to"))
    period = models.CharField(_("dates as"), max_length=10, choices=Period.choices, default=Period.MONTH)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.CSV)
    k = models.PositiveSmallIntegerField(_("smallest group (k)"), default=11)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Progress for the page: the dataset being written, datasets done, rows written so far.
    step = models.CharField(max_length=30, blank=True)
    steps_done = models.PositiveSmallIntegerField(default=0)
    rows_written = models.PositiveBigIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Relative to ALONGSIDE_EXPORT_ROOT; "" until written and after expiry.
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "reports_export"
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            # "My exports": one admin's, newest first.
            models.Index(fields=["created_by", "-created_at"], name="export_owner_recent_idx"),
            # The expiry job: files still on disk past their time.
            models.Index(fields=["expires_at"], name="export_expiry_idx", condition=~models.Q(file_name="")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(k__gte=5), name="export_k_at_least_5"),
            models.CheckConstraint(condition=models.Q(first_month__lte=models.F("last_month")), name="export_period"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED}
