"""Rollups for the dashboards: small tables of monthly figures, kept fresh incrementally.

Dashboards never scan every contact: they read these tables, which `dashboards.rollups.refresh`
rewrites one (team, month) at a time for the months that changed. What changed is written
by database triggers (migration 0002) into `PendingChange` as it is written, so nothing a
service forgets can leave a rollup stale; see dashboards/rollups.py for why a timestamp
watermark alone would miss changes.

Months are calendar months in the programme's time zone (ALONGSIDE_TIME_ZONE), stored as
the first day of the month. A row with `worker` NULL is the whole team's month; the rows
with a worker are that worker's part of it. Counts of contacts and services add up over
workers; counts of distinct people do not (a person seen by two workers is one person of
the team), which is why the team's row is kept too.

Every figure is about what a team did: a contact counts for the team that logged it
(`Encounter.team`), whoever the person's team is now.
"""

from django.conf import settings
from django.db import models
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
    # what the organisation view's small-number rule needs (dashboards/privacy.py), at the cost
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
    from the counts (dashboards/figures.py). Worker NULL: the whole team's month.
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
