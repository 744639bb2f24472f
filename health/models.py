"""Health services at outreach: tests and the linkage to care that follows a reactive result.

Words matter here (DESIGN.md, docs/language.md): a result is "reactive", "non-reactive",
"invalid" or "not shared" (the person's choice, never "refused"); a person is never a
"positive patient". A reactive test opens a cascade of linkage steps (a confirmatory test,
linked to care, treatment started and, for hepatitis C, cured), each with the day it
happened and when to follow up next.
"""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from clients.models import Client, in_scope
from encounters.models import Encounter

from .education import Topic, TopicCovered
from .prevention import Prevention, TeamVaccine, Vaccination

__all__ = [
    "Alert",
    "DrugCheck",
    "HealthTest",
    "Incident",
    "LinkageStep",
    "Prevention",
    "TeamVaccine",
    "Topic",
    "TopicCovered",
    "Vaccination",
]


class HealthTestQuerySet(models.QuerySet["HealthTest"]):
    def visible_to(self, user: User) -> "HealthTestQuerySet":
        """Tests of the people the user's teams serve now (clients.models.in_scope)."""
        return self.filter(in_scope(user))

    def for_section(self) -> "HealthTestQuerySet":
        """A person's page: newest first, with their linkage steps (two queries in all)."""
        steps = models.Prefetch("steps", queryset=LinkageStep.objects.order_by("done_on", "created_at"))
        return self.prefetch_related(steps).order_by("-tested_on", "-created_at")


class HealthTest(models.Model):
    """One test of one person: what, how, its result and when."""

    class Kind(models.TextChoices):
        HIV = "hiv", _("HIV")
        HCV_ANTIBODY = "hcv_antibody", _("Hepatitis C antibody")
        HCV_RNA = "hcv_rna", _("Hepatitis C RNA (viral load)")
        HBV = "hbv", _("Hepatitis B")
        SYPHILIS = "syphilis", _("Syphilis")

    class Method(models.TextChoices):
        RAPID = "rapid", _("Rapid test by the team")
        REFERRAL = "referral", _("By referral")

    class Result(models.TextChoices):
        REACTIVE = "reactive", _("Reactive")
        NON_REACTIVE = "non_reactive", _("Non-reactive")
        INVALID = "invalid", _("Invalid")
        NOT_SHARED = "not_shared", _("Not shared")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="health_tests", verbose_name=_("person"))
    # The team that offered the test: it counts for that team's figures (a transfer later
    # moves the person, not the history of who did what).
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    encounter = models.ForeignKey(
        Encounter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="health_tests",
        verbose_name=_("at contact"),
    )
    kind = models.CharField(_("test"), max_length=20, choices=Kind.choices)
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    tested_on = models.DateField(_("tested on"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = HealthTestQuerySet.as_manager()

    class Meta:
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        indexes = [
            # A person's tests, newest first (the person's page, Log a contact's health panel).
            models.Index(fields=["client", "-tested_on"], name="health_test_client_idx"),
            # The organisation view's yearly figures: tests of a year, by day.
            models.Index(fields=["tested_on"], name="health_test_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.result}"

    @property
    def is_reactive(self) -> bool:
        return self.result == self.Result.REACTIVE

    def steps_possible(self) -> list[str]:
        """The linkage steps that make sense for this test (cured: hepatitis C only)."""
        if not self.is_reactive:
            return []
        hepatitis_c = self.kind in (self.Kind.HCV_ANTIBODY, self.Kind.HCV_RNA)
        return [step for step in LinkageStep.Step.values if step != LinkageStep.Step.CURED or hepatitis_c]

    def last_step(self) -> str:
        """Where the cascade ends: treatment, or for hepatitis C cured ("" unless reactive)."""
        possible = self.steps_possible()
        return possible[-1] if possible else ""

    def recorded_steps(self) -> list["LinkageStep"]:
        """Its steps in the order they happened (prefetched by `for_section`)."""
        return sorted(self.steps.all(), key=lambda step: (step.done_on, step.created_at))

    def next_steps(self) -> list[str]:
        """The steps not recorded yet, in cascade order (a step may be skipped: a person may be
        linked to care where the confirmatory test is done)."""
        done = {step.step for step in self.steps.all()}
        return [step for step in self.steps_possible() if step not in done]

    def next_step_label(self) -> str:
        following = self.next_steps()
        return str(LinkageStep.Step(following[0]).label) if following else ""

    @property
    def is_open(self) -> bool:
        """Reactive, and its cascade has not reached its last step yet."""
        possible = self.steps_possible()
        return bool(possible) and possible[-1] in self.next_steps()

    def follow_up_due(self) -> date | None:
        """When to follow the cascade up next: the latest step's date, else the test's."""
        if not self.is_open:
            return None
        recorded = self.recorded_steps()
        return recorded[-1].follow_up_on if recorded else self.follow_up_on


class LinkageStep(models.Model):
    """One step of the cascade after a reactive test, on the day it happened."""

    class Step(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmatory test")
        LINKED = "linked", _("Linked to care")
        TREATMENT = "treatment", _("Treatment started")
        CURED = "cured", _("Cured (hepatitis C)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    test = models.ForeignKey(HealthTest, on_delete=models.CASCADE, related_name="steps", verbose_name=_("test"))
    # The team that followed the person up (figures count it for that team).
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    encounter = models.ForeignKey(
        Encounter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linkage_steps",
        verbose_name=_("at contact"),
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    done_on = models.DateField(_("on"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("linkage step")
        verbose_name_plural = _("linkage steps")
        constraints = [
            # Each step once per test: a retried or doubled submission cannot count it twice.
            models.UniqueConstraint(fields=["test", "step"], name="health_step_once_per_test"),
        ]
        indexes = [
            # The organisation view's yearly figures: steps of a year, by day.
            models.Index(fields=["done_on"], name="health_step_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.done_on}"


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: User) -> "AlertQuerySet":
        """Alerts for the user's teams, or for every team; a data admin sees every alert."""
        if not user.is_authenticated:
            return self.none()
        if user.is_data_admin:
            return self.all()
        return self.filter(Q(all_teams=True) | Q(teams__in=user.team_ids)).distinct()

    def current(self, now: datetime) -> "AlertQuerySet":
        """Posted (or confirmed), not ended, not yet expired: what Home shows."""
        return self.filter(status=Alert.Status.POSTED, expires_at__gt=now)

    def for_home(self, user: User, now: datetime) -> "AlertQuerySet":
        """The alerts on the user's Home: their teams' and everyone's, current, newest first (one query)."""
        if not user.is_authenticated or not user.team_ids:
            return self.none()
        mine = Q(all_teams=True) | Q(
            pk__in=Alert.teams.through.objects.filter(team_id__in=user.team_ids).values("alert_id")
        )
        return self.current(now).filter(mine).order_by("-posted_at")


class Alert(models.Model):
    """A bad-batch alert: what was found, where, until when, for which teams. Never about a
    person: it has no link to anyone, and its words must not name anyone."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for a supervisor")
        POSTED = "posted", _("Posted")
        ENDED = "ended", _("Ended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    description_en = models.TextField(_("what was found (English)"), max_length=600, blank=True)
    description_es = models.TextField(_("what was found (Spanish)"), max_length=600, blank=True)
    area = models.CharField(_("area"), max_length=120)
    expires_at = models.DateTimeField(_("shown until"))
    all_teams = models.BooleanField(_("every team"), default=False)
    teams = models.ManyToManyField(Team, blank=True, related_name="+", verbose_name=_("teams"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("bad-batch alert")
        verbose_name_plural = _("bad-batch alerts")
        indexes = [
            # Home: posted alerts not yet expired (a handful at any time).
            models.Index(fields=["expires_at"], condition=Q(status="posted"), name="health_alert_current_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.status}"

    def description(self, language: str) -> str:
        """The words in `language`, or in the other language when that is all there is."""
        own = self.description_es if language.startswith("es") else self.description_en
        return own or self.description_en or self.description_es

    def other_description(self, language: str) -> str:
        """The words in the other language too, when both were written."""
        other = self.description_en if language.startswith("es") else self.description_es
        return other if other and self.description_en and self.description_es else ""


class DrugCheckQuerySet(models.QuerySet["DrugCheck"]):
    def visible_to(self, user: User) -> "DrugCheckQuerySet":
        """The user's teams' checks (a person-linked one goes with the person's current team)."""
        teams = list(user.team_ids) if user.is_authenticated else []
        return self.filter(Q(client__isnull=True, team_id__in=teams) | Q(client__home_team_id__in=teams))


class DrugCheck(models.Model):
    """A sample checked: how, what the person expected, what was found, and whether the person
    changed their plans. Not linked to anyone unless the person wants it (then it is deleted
    after the organisation's retention period: `manage.py delete_old_drug_checks`)."""

    class Method(models.TextChoices):
        FENTANYL_STRIP = "fentanyl_strip", _("Fentanyl test strip")
        BENZO_STRIP = "benzo_strip", _("Benzodiazepine test strip")
        SPECTROMETER = "spectrometer", _("Spectrometer (result typed in)")

    class StripResult(models.TextChoices):
        DETECTED = "detected", _("Detected")
        NOT_DETECTED = "not_detected", _("Not detected")
        UNCLEAR = "unclear", _("Unclear")

    class Plans(models.TextChoices):
        CHANGED = "changed", _("Changed their plans")
        SAME = "same", _("Kept their plans")
        NOT_SAID = "not_said", _("Did not say")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="drug_checks", verbose_name=_("person")
    )
    checked_on = models.DateField(_("checked on"))
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    expected = models.CharField(_("what the person expected"), max_length=120, blank=True)
    strip_result = models.CharField(_("strip result"), max_length=20, choices=StripResult.choices, blank=True)
    found = models.CharField(_("what was found"), max_length=200, blank=True)
    plans = models.CharField(_("plans"), max_length=20, choices=Plans.choices, default=Plans.NOT_SAID)
    plans_words = models.CharField(_("in the person's words"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = DrugCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("drug-checking result")
        verbose_name_plural = _("drug-checking results")
        indexes = [
            # The team's latest results (the drug-checking page).
            models.Index(fields=["team", "-checked_on"], name="health_check_team_idx"),
            # The retention job: person-linked results older than the period.
            models.Index(fields=["checked_on"], condition=Q(client__isnull=False), name="health_check_linked_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.checked_on}"


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: User) -> "IncidentQuerySet":
        teams = list(user.team_ids) if user.is_authenticated else []
        return self.filter(Q(client__isnull=True, team_id__in=teams) | Q(client__home_team_id__in=teams))


class Incident(models.Model):
    """A rights or safety incident the person wanted recorded: what, when, where, who was
    involved (a role, never a name) and what help followed. Linked to the person only if they
    want it. It counts in anonymised advocacy figures only if the person said it may; it is
    never exported row by row."""

    class Kind(models.TextChoices):
        SUPPLIES_CONFISCATED = "supplies_confiscated", _("Supplies confiscated by police")
        STOPPED_WITH_SUPPLIES = "stopped_with_supplies", _("Stopped or arrested while carrying supplies")
        VIOLENCE = "violence", _("Violence")
        DENIED_HEALTH_CARE = "denied_health_care", _("Denied health care")
        EVICTION = "eviction", _("Eviction")
        OTHER = "other", _("Something else")

    class Involved(models.TextChoices):
        POLICE = "police", _("Police")
        SECURITY = "security", _("Security staff")
        HEALTH_WORKER = "health_worker", _("Health or hospital staff")
        LANDLORD = "landlord", _("Landlord or housing staff")
        PUBLIC = "public", _("Member of the public")
        OTHER = "other", _("Someone else")
        NOT_SAID = "not_said", _("Not said")

    class Help(models.TextChoices):
        LEGAL_AID = "legal_aid", _("Legal-aid referral")
        HEALTH_CARE = "health_care", _("Health care")
        SUPPLIES_REPLACED = "supplies_replaced", _("Supplies replaced")
        COMPLAINT = "complaint", _("Help with a complaint")
        SUPPORT = "support", _("Support from the team")
        NONE_WANTED = "none_wanted", _("None wanted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents", verbose_name=_("person")
    )
    happened_on = models.DateField(_("happened on"))
    kind = models.CharField(_("what happened"), max_length=30, choices=Kind.choices)
    area = models.CharField(_("area"), max_length=120, blank=True)
    involved = models.CharField(_("who was involved"), max_length=20, choices=Involved.choices)
    help_given = models.CharField(_("help that followed"), max_length=20, choices=Help.choices)
    may_count = models.BooleanField(_("may count in anonymised figures"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rights or safety incident")
        verbose_name_plural = _("rights or safety incidents")
        indexes = [
            # The team's latest incidents (the incidents page).
            models.Index(fields=["team", "-happened_on"], name="health_incident_team_idx"),
            # The organisation view's year: incidents that may count, by day.
            models.Index(fields=["happened_on"], condition=Q(may_count=True), name="health_incident_count_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.happened_on}"
