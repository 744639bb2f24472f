"""Outreach contacts and what was given or done at them."""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from clients.models import Client, in_scope

from .summaries import summaries, summary_annotations

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


class TeamService(models.Model):
    """A service type a team shows as a large quick button on Log a contact, in its order."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="quick_services", verbose_name=_("team"))
    service_type = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="+", verbose_name=_("service"))
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order"]
        verbose_name = _("quick button")
        verbose_name_plural = _("quick buttons")
        constraints = [models.UniqueConstraint(fields=["team", "service_type"], name="team_service_unique")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.service_type_id}"


class EncounterQuerySet(models.QuerySet["Encounter"]):
    def visible_to(self, user: User) -> "EncounterQuerySet":
        """The scope every view uses: a contact with a person goes with the person's CURRENT
        home team (after a transfer the new team sees the person's history and the old team
        no longer does, as for the person's record); an anonymous contact stays with the team
        that logged it.

        Team ids go in as values, not a subquery (see ClientQuerySet.visible_to). The person's
        team is one join on the client's primary key: a timeline (`client_id = X`) still walks
        encounter_client_when_idx, a single contact its primary key.
        """
        return self.filter(in_scope(user, team="team"))

    def newest_visible_to(self, user: User, size: int) -> "EncounterQuerySet":
        """The newest `size` of these contacts that `visible_to(user)` sees (ties by id), as
        a filter on their ids; the caller orders and draws them.

        visible_to's OR over the person's team and the logging team leaves PostgreSQL one
        plan for a period: join every contact of the period to its person, then sort them all
        (a team's month is 550 contacts at a tenth of the benchmark, 5,500 at full scale). The
        same rows are two kinds: contacts a team of the user logged (anonymous, or of a person
        still with one of the user's teams), walked newest first on encounter_team_when_idx
        and stopped after `size`, one branch per team; and contacts other teams logged for
        people who are with the user's teams now, found only among the few people marked
        `contacts_elsewhere` (transferred or merged in). Each branch is ordered and cut to
        `size`; the ids of the newest `size` of their union are read at once (one query).
        """
        teams = list(user.team_ids) if user.is_authenticated else []
        if not teams:
            return self.none()
        order = ("-happened_at", "-id")
        ours = Q(client__isnull=True) | Q(client__home_team_id__in=teams)
        branches = [self.filter(ours, team_id=team) for team in teams]
        branches.append(
            self.filter(client__home_team_id__in=teams, client__contacts_elsewhere=True).exclude(team_id__in=teams)
        )
        picked = [branch.order_by(*order).values_list("id", "happened_at")[:size] for branch in branches]
        newest = picked[0].union(*picked[1:], all=True).order_by(*order)[:size]
        return self.model.objects.filter(pk__in=[pk for pk, _at in newest])

    def of_person(self, client: Client, user: User) -> "EncounterQuerySet":
        """A person's contacts as `visible_to(user)` sees them, with the scope decided once
        on the person (their current home team), so the query is a plain, ordered walk of
        encounter_client_when_idx that stops after a page. Through visible_to's join and OR
        PostgreSQL under-estimates the rows and reads and sorts the person's whole history
        instead (bench/, a person with 388 contacts: 5 ms against 0.2 ms)."""
        if not user.is_authenticated or client.home_team_id not in user.team_ids:
            return self.none()
        return self.filter(client=client)

    def for_timeline(self) -> "EncounterQuerySet":
        """Newest first (the id breaks ties, for keyset pages), with what a timeline row
        shows, in a fixed number of queries: the parts that show on a contact come as
        annotations in the same query (encounters/parts.py `summary`)."""
        return (
            self.select_related("site", "worker")
            .prefetch_related(models.Prefetch("services", ServiceProvided.objects.select_related("service_type")))
            .annotate(**summary_annotations())
            .order_by("-happened_at", "-id")
        )

    def with_referrals(self) -> "EncounterQuerySet":
        """The referrals made at each contact (one more query)."""
        return self.prefetch_related(models.Prefetch("referrals", Referral.objects.order_by("created_at")))

    def older_than(self, at: datetime, pk: uuid.UUID | int) -> "EncounterQuerySet":
        """The next keyset page after (at, pk) in newest-first order: `happened_at <= at` is
        the index range (encounter_client_when_idx, encounter_worker_when_idx), the id only
        settles ties at the boundary."""
        return self.filter(happened_at__lte=at).exclude(happened_at=at, id__gte=pk)


class Encounter(models.Model):
    """A contact with a registered person, or an anonymous contact with a head count.

    The primary key is made when the form is drawn and travels with the submission, so
    a retried or queued submission is stored once (see `log_encounter`, which also keeps
    `submission_digest` to tell the same submission from a different one with the same id).
    """

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        FROM_18 = "18_24", _("18 to 24")
        FROM_25 = "25_34", _("25 to 34")
        FROM_35 = "35_44", _("35 to 44")
        FROM_45 = "45_54", _("45 to 54")
        FROM_55 = "55_64", _("55 to 64")
        FROM_65 = "65_plus", _("65 or older")

    class Kind(models.TextChoices):
        STREET = "street", pgettext_lazy("contact kind", "Street")
        DROP_IN = "drop_in", pgettext_lazy("contact kind", "Drop-in")
        VAN = "van", pgettext_lazy("contact kind", "Van")
        PHONE = "phone", pgettext_lazy("contact kind", "Phone")
        OTHER = "other", pgettext_lazy("contact kind", "Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # client, worker and team have no index of their own: encounter_client_when_idx,
    # encounter_worker_when_idx and encounter_team_when_idx lead with them and serve every
    # query and foreign-key check by them. Each index is one more page to write for every
    # contact saved, and at 2,000,000 contacts a page of a big index is rarely in memory
    # (bench/README.md: saving a contact stays flat from a tenth to full scale).
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounters",
        verbose_name=_("person"),
        db_index=False,
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
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="encounters",
        verbose_name=_("worker"),
        db_index=False,
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="encounters", verbose_name=_("team"), db_index=False
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    # Anonymous contacts only, for statistics: a rough age band and gender, both optional.
    age_band = models.CharField(_("rough age"), max_length=10, choices=AgeBand.choices, blank=True, db_default="")
    gender = models.CharField(_("gender"), max_length=20, choices=Client.Gender.choices, blank=True, db_default="")
    note = models.TextField(
        _("note"),
        max_length=1000,
        blank=True,
        db_default="",
        help_text=_("The team can read this. Stick to facts that help the person."),
    )
    # What was submitted, as a keyed digest (encounters.services.contacts): a resubmission
    # with the same id and the same digest is a duplicate, with another a conflict. Blank for
    # contacts stored before it existed; erasure blanks it with the note it was made from.
    submission_digest = models.CharField(_("submission digest"), max_length=32, blank=True, db_default="")
    # Corrections: `version` goes up with every saved change, so a second person saving an
    # older version gets the conflict page instead of overwriting.
    version = models.PositiveIntegerField(_("version"), db_default=1, default=1)
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    objects = EncounterQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # A person's timeline, newest first.
            models.Index(fields=["client", "-happened_at"], name="encounter_client_when_idx"),
            # Team dashboards and exports by period.
            models.Index(fields=["team", "-happened_at"], name="encounter_team_when_idx"),
            # A worker's contacts of the day ("today"), newest first.
            models.Index(fields=["worker", "-happened_at"], name="encounter_worker_when_idx"),
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
    def part_summaries(self) -> list[tuple[str, str]]:
        """(label, words) of each part of the contact that shows on its page and timeline."""
        return summaries(self)

    @property
    def is_anonymous(self) -> bool:
        return self.client_id is None


class ServiceProvided(models.Model):
    # No index of its own: service_unique_per_encounter leads with it (a contact's services,
    # the cascade from a contact, the foreign-key check).
    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="services", db_index=False)
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


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> "ReferralQuerySet":
        """Referrals of the people the user's teams serve now (the person's CURRENT home team,
        as for contacts with a person): after a transfer the new team sees and follows up the
        person's referrals, and the old team no longer does. `team` is the team following the
        referral up (the transfer moves open ones along: encounters/services/referrals.py).
        """
        return self.filter(in_scope(user))

    def open(self) -> "ReferralQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def due(self, team_ids: list[uuid.UUID], by: date) -> "ReferralQuerySet":
        """Open referrals these teams follow up, due on or before `by`, soonest first.

        Served by referral_open_followup_idx (team, follow_up_on) WHERE open: the scan starts
        at the team and walks dates in order, so a page (LIMIT) costs the same however many
        referrals are stored. The id settles ties, for keyset pages (`after`).
        """
        return (
            self.open()
            .filter(team_id__in=team_ids, follow_up_on__lte=by)
            .exclude(client__status=Client.Status.DIED)  # a person who died: no follow-ups
            .select_related("client", "created_by")
            .order_by("follow_up_on", "id")
        )

    def after(self, on: date, pk: uuid.UUID) -> "ReferralQuerySet":
        """The next keyset page after (on, pk) in `due` order."""
        return self.filter(Q(follow_up_on__gt=on) | Q(follow_up_on=on, id__gt=pk))

    def for_section(self) -> "ReferralQuerySet":
        """A person's page: open ones first by follow-up date (undated last), then settled ones,
        latest change first. One query."""
        settled = models.Case(models.When(status__in=OPEN_STATUSES, then=models.Value(0)), default=models.Value(1))
        return self.order_by(
            settled,
            models.F("follow_up_on").asc(nulls_last=True),
            Coalesce("updated_at", "created_at").desc(),
        )

    def for_page(self) -> "ReferralQuerySet":
        return self.select_related("client", "created_by")


class Referral(models.Model):
    """A referral of a registered person to another service, followed up until it settles."""

    class To(models.TextChoices):
        TREATMENT = "treatment", _("Treatment or opioid agonist therapy")
        HOUSING = "housing", _("Housing")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        PRIMARY_CARE = "primary_care", _("Primary care")
        HIV_HEPATITIS = "hiv_hepatitis", _("HIV or hepatitis C care")
        LEGAL_AID = "legal_aid", _("Legal aid")
        BENEFITS = "benefits", _("Benefits")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        MADE = "made", _("Made")
        ATTENDED = "attended", _("Attended")
        NOT_ATTENDED = "not_attended", _("Not attended")
        DECLINED = "declined", _("Declined")

    class CareStep(models.TextChoices):
        """How far a referral to care (opioid agonist treatment and other care) has come: linkage
        to care, never a measure of drug use."""

        REFERRED = "referred", _("Referred")
        ASSESSED = "assessed", _("Assessed")
        STARTED = "started", _("Started")
        CONTINUING = "continuing", _("Continuing")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("person"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("team"))
    encounter = models.ForeignKey(
        Encounter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("made at contact"),
    )
    to = models.CharField(_("referred to"), max_length=20, choices=To.choices)
    partner = models.CharField(_("where (partner organisation)"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUGGESTED)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    # Referrals to care only (CARE): where the linkage stands. Blank for the others.
    care_step = models.CharField(_("step in care"), max_length=20, choices=CareStep.choices, blank=True, db_default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # "Follow-ups due" for a team: open referrals by follow-up date.
            models.Index(
                fields=["team", "follow_up_on"],
                condition=Q(status__in=["suggested", "made"]),
                name="referral_open_followup_idx",
            ),
            # A person's open referrals (person page, Log a contact).
            models.Index(fields=["client", "-created_at"], name="referral_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.to} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_to_care(self) -> bool:
        return self.to in CARE


# Referrals to care, followed through their steps (Referral.CareStep): opioid agonist
# treatment and other care.
CARE = ["treatment", "mental_health", "primary_care", "hiv_hepatitis"]


# Still to follow up (referral_open_followup_idx has the same condition).
OPEN_STATUSES = [Referral.Status.SUGGESTED, Referral.Status.MADE]


class ReferralUpdateQuerySet(models.QuerySet["ReferralUpdate"]):
    def visible_to(self, user: User) -> "ReferralUpdateQuerySet":
        return self.filter(in_scope(user, person="referral__client"))

    def at_contact(self, encounter: "Encounter") -> "ReferralUpdateQuerySet":
        """What was noted about referrals at one contact (made there, or updated), with the referral."""
        return self.filter(encounter=encounter).select_related("referral").order_by("at", "id")


class ReferralUpdate(models.Model):
    """Each change of a referral's status, with the contact it was updated from."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=20, choices=Referral.Status.choices)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    care_step = models.CharField(
        _("step in care"), max_length=20, choices=Referral.CareStep.choices, blank=True, db_default=""
    )
    encounter = models.ForeignKey(Encounter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ReferralUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["at"]
        verbose_name = _("referral update")
        verbose_name_plural = _("referral updates")

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status}"


class OverdoseResponseQuerySet(models.QuerySet["OverdoseResponse"]):
    def visible_to(self, user: User) -> "OverdoseResponseQuerySet":
        """As contacts: with a person, the person's CURRENT home team; without one, the team
        that responded. A response at a contact is visible exactly when the contact is."""
        return self.filter(in_scope(user, team="team"))

    def for_page(self) -> "OverdoseResponseQuerySet":
        return self.select_related("client", "site", "created_by", "encounter")


class OverdoseResponse(models.Model):
    """A response to an overdose, at a contact or on its own. Plain, factual wording."""

    class EmergencyServices(models.TextChoices):
        CALLED = "called", _("Called")
        NOT_CALLED_WISHES = "not_called_wishes", _("Not called: the person's wishes")
        NOT_CALLED_OTHER = "not_called_other", _("Not called: other reason")

    class Outcome(models.TextChoices):
        RESPONSIVE = "responsive", _("Responsive on scene")
        TRANSPORTED = "transported", _("Transported to hospital")
        DECLINED_TRANSPORT = "declined_transport", _("Declined transport")
        DIED = "died", _("Died")
        OTHER = "other", _("Other")

    class GivenBy(models.TextChoices):
        """Who gave naloxone (any number of them)."""

        WORKER = "worker", _("A worker")
        PEER = "peer", _("A peer")
        BYSTANDER = "bystander", _("A bystander")
        EMERGENCY_SERVICES = "emergency_services", _("Emergency services")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="overdose_responses", verbose_name=_("team"))
    encounter = models.OneToOneField(
        Encounter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="overdose_response",
        verbose_name=_("contact"),
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overdose_responses",
        verbose_name=_("person"),
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    happened_at = models.DateTimeField(_("when"), default=timezone.now)
    naloxone_doses = models.PositiveSmallIntegerField(
        _("naloxone doses given"), default=0, validators=[MaxValueValidator(20)]
    )
    emergency_services = models.CharField(_("emergency services"), max_length=20, choices=EmergencyServices.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    naloxone_given_by = ArrayField(
        models.CharField(max_length=20, choices=GivenBy.choices),
        verbose_name=_("naloxone given by"),
        default=list,
        blank=True,
    )
    rescue_breathing = models.BooleanField(_("rescue breathing"), default=False, db_default=False)
    cpr = models.BooleanField(_("CPR (chest compressions)"), default=False, db_default=False)
    to_hospital = models.BooleanField(_("taken to hospital"), default=False, db_default=False)
    debrief = models.TextField(
        _("short factual debrief"),
        max_length=1000,
        blank=True,
        help_text=_("What happened and what was done. No blame, no judgement."),
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = OverdoseResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("overdose response")
        verbose_name_plural = _("overdose responses")
        indexes = [models.Index(fields=["team", "-happened_at"], name="overdose_team_when_idx")]

    def __str__(self) -> str:
        return f"{self.happened_at:%Y-%m-%d}"

    @property
    def given_by_labels(self) -> list[str]:
        """Who gave naloxone, in words, in the order of the choices."""
        return [str(label) for value, label in self.GivenBy.choices if value in self.naloxone_given_by]


# What a contact gives beyond the person, what people report, and the team's stock.
#
# - Supplies for others (secondary distribution): supplies a person takes at a contact for
#   people the team does not meet, with an estimate of how many people they are for. Kept
#   apart from what the person takes for themselves (ServiceProvided).
# - Reported reversals: a person tells the team they used naloxone on someone. Such a report
#   can tie someone to an overdose scene, so it is kept without the reporting person and
#   without the contact (no link to either), coarse in time and place (month and area), and it
#   never names or describes the person who overdosed. Never in a record-level export; kept
#   apart from staff overdose responses (OverdoseResponse).
# - Stock: per team and catalogue item, what was received, given (from contacts, counted in
#   the contact's save path) and adjusted (a count with a reason), and what is on hand.

MAX_DOSES = 20


class ForOthers(models.Model):
    """Supplies taken at a contact for people the team does not meet (secondary distribution)."""

    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, primary_key=True, related_name="for_others", verbose_name=_("contact")
    )
    # The contact's team and time, so figures by team and month read this table alone.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"), db_index=False)
    happened_at = models.DateTimeField(_("when"))
    people = models.PositiveSmallIntegerField(
        _("about how many people they are for"), validators=[MinValueValidator(1), MaxValueValidator(MAX_HEAD_COUNT)]
    )

    class Meta:
        verbose_name = _("supplies for others")
        verbose_name_plural = _("supplies for others")
        indexes = [
            # Estimated reach by team and month (dashboards).
            models.Index(fields=["team", "happened_at"], name="for_others_team_when_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(people__gte=1, people__lte=MAX_HEAD_COUNT), name="for_others_people_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.encounter_id} for {self.people}"


class ForOthersItem(models.Model):
    for_others = models.ForeignKey(ForOthers, on_delete=models.CASCADE, related_name="items", db_index=False)
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("supply"))
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )

    class Meta:
        verbose_name = _("supply for others")
        verbose_name_plural = _("supplies for others")
        constraints = [
            models.UniqueConstraint(fields=["for_others", "service_type"], name="for_others_item_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="for_others_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type_id} x{self.quantity}"


class ReportedReversal(models.Model):
    """A person reports having used naloxone on someone. No person, no contact, no day, no site."""

    class Outcome(models.TextChoices):
        SURVIVED = "survived", _("Survived")
        DIED = "died", _("Died")
        UNKNOWN = "unknown", _("Not known")

    class EmergencyServices(models.TextChoices):
        CALLED = "called", _("Called")
        NOT_CALLED = "not_called", _("Not called")
        DECLINED = "declined", _("Declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"), db_index=False)
    month = models.DateField(_("month"), help_text=_("The first day of the month it was reported in."))
    area = models.CharField(_("area"), max_length=100, blank=True, db_default="")
    naloxone_doses = models.PositiveSmallIntegerField(
        _("naloxone doses used"), null=True, blank=True, validators=[MaxValueValidator(MAX_DOSES)]
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    emergency_services = models.CharField(_("emergency services"), max_length=20, choices=EmergencyServices.choices)

    class Meta:
        verbose_name = _("reported reversal")
        verbose_name_plural = _("reported reversals")
        indexes = [
            # Reversals by team and month (dashboards, the organisation view).
            models.Index(fields=["team", "month"], name="reversal_team_month_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="reversal_month_first_day"),
            models.CheckConstraint(
                condition=Q(naloxone_doses__isnull=True) | Q(naloxone_doses__lte=MAX_DOSES), name="reversal_doses_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.outcome}"


class StockLevel(models.Model):
    """What a team has on hand of one catalogue item, and when to reorder.

    `on_hand` changes only in one UPDATE each time (a contact's save path, a delivery, a
    count), under the row's lock, so concurrent contacts never make it wrong.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"), db_index=False)
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    on_hand = models.IntegerField(_("on hand"), default=0)
    reorder_level = models.PositiveIntegerField(
        _("reorder level"), default=0, help_text=_("A warning shows on Home when stock falls below this.")
    )

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [models.UniqueConstraint(fields=["team", "service_type"], name="stock_level_unique")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.service_type_id}: {self.on_hand}"

    @property
    def is_low(self) -> bool:
        return self.on_hand < self.reorder_level


class StockMonth(models.Model):
    """A team's movements of one item in one month: received, given, adjusted (signed).

    Given is added by each contact's save path (INSERT ... ON CONFLICT DO UPDATE), so the
    monthly report reads these rows, never a scan of the contacts.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"), db_index=False)
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    month = models.DateField(_("month"))
    received = models.IntegerField(_("received"), default=0)
    given = models.IntegerField(_("given"), default=0)
    adjusted = models.IntegerField(_("adjusted"), default=0)

    class Meta:
        verbose_name = _("stock month")
        verbose_name_plural = _("stock months")
        constraints = [
            models.UniqueConstraint(fields=["team", "service_type", "month"], name="stock_month_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="stock_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.service_type_id} {self.month:%Y-%m}"


class StockChange(models.Model):
    """A delivery received, or a count that adjusted the stock (with its reason)."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ADJUSTED = "adjusted", _("Adjusted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"), db_index=False)
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"), help_text=_("Received: how many came. Adjusted: the change."))
    counted = models.IntegerField(_("counted"), null=True, blank=True)
    on = models.DateField(_("date"), default=timezone.localdate)
    delivery = models.CharField(_("delivery"), max_length=100, blank=True, db_default="")
    reason = models.CharField(_("reason"), max_length=200, blank=True, db_default="")
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("stock change")
        verbose_name_plural = _("stock changes")
        indexes = [
            # A team's latest deliveries and counts (the stock page).
            models.Index(fields=["team", "-on"], name="stock_change_team_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity}"
