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
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import TrigramSimilarity, TrigramStrictWordSimilarity
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User

from .context_items import ContextItem as ContextItem  # a model of this app, in its own module

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V: nothing that is misheard or misread.
CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
CODE_LENGTH = 6
CODE_PATTERN = rf"[{CODE_ALPHABET}]{{3}}-[{CODE_ALPHABET}]{{3}}"
EARLIEST_BIRTH_YEAR = 1900
# Search: a substring counts from 3 characters (a trigram; shorter ones match too much).
# A partial code ranks like a weak name match: "mar" may start a code ("MAR-..."), but
# Maria and Mario (0.43) come first; a typed "km4" matches no name anyway.
MIN_SUBSTRING = 3
CODE_PREFIX_SCORE = 0.3
# A matched alias is named when it matches at least this well (share of the query's trigrams).
ALIAS_SHOWN_FROM = 0.25


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


def code_prefix(text: str) -> str:
    """The start of a code (3 to 5 characters of the code alphabet), hyphenated: "km4t" -> "KM4-T"."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if not 3 <= len(compact) < CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in compact):
        return ""
    return compact[:3] + (f"-{compact[3:]}" if len(compact) > 3 else "")


def typed_code(text: str) -> str:
    """The code typed in any spelling ("km4 t7x" -> "KM4-T7X"), or "" ("Jhonny" has six letters, but not a code's)."""
    code = normalise_code(text)
    return code if all(ch in CODE_ALPHABET for ch in code.replace("-", "")) else ""


def search_condition(text: str) -> Q:
    """Who may match what was typed; every branch is served by an index (`matching()`).

    The branches (word similarity to the name, a substring of it, the whole code, the start
    of a code) are run by `alongside_people_matching` (clients 0007), a database function
    that applies the row-level security scope itself and runs as the tables' owner: under
    the people's policy the trigram and LIKE conditions could not use their indexes (they
    are not leakproof). It returns ids of people in the transaction's scope only.
    """
    return Q(pk__in=RawSQL("SELECT * FROM alongside_people_matching(%s, %s, %s, %s)", search_arguments(text)))


def search_arguments(text: str) -> list[str | None]:
    """`alongside_people_matching`'s four arguments for what was typed: the normalised name,
    a LIKE pattern for a substring of it, the whole code, a LIKE pattern for a code's start
    (None where the branch does not apply)."""
    name = normalise_name(text)
    code, prefix = typed_code(text), code_prefix(text)
    substring = f"%{escape_like(name)}%" if len(name) >= MIN_SUBSTRING else None
    start = f"{escape_like(prefix)}%" if prefix else None
    return [name, substring, code or None, start]


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of normalised text: each word padded with two spaces before, one after."""
    words = "".join(ch if ch.isalnum() else " " for ch in text).split()
    return {f"  {word} "[i : i + 3] for word in words for i in range(len(word) + 1)}


def validate_year_of_birth(value: int) -> None:
    """Not in the future (the year changes, so this cannot be a fixed MaxValueValidator)."""
    MaxValueValidator(timezone.now().year)(value)


class PersonCodeField(models.CharField):
    """A person's code, made by `new_code` when the row is made.

    The default is Python's, not the database's, so migrations write this field as a plain
    CharField without it: a migration imports no app code (docs/architecture.md, "Migrations
    carry their own code"). A data migration that makes people sets their codes itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", new_code)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        return name, "django.db.models.CharField", args, kwargs


class YearOfBirthField(models.PositiveSmallIntegerField):
    """A year of birth, never in the future: a limit that moves with the calendar, checked in
    Python only, so migrations write this field as a plain PositiveSmallIntegerField."""

    default_validators = [validate_year_of_birth]

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs


def in_scope(user: User, *, person: str = "client", team: str | None = None) -> Q:
    """The one scope rule for rows about a person (contacts, referrals, goals, check-ins...).

    A row is visible to the teams the user belongs to when its person's CURRENT home team is
    one of them (after a transfer the new team sees the history and the old team does not);
    a row with no person (an anonymous contact) is visible to the team in the `team` field.
    Team ids go in as values, not a subquery (see ClientQuerySet.visible_to). An anonymous
    user, or one in no team, matches nothing.
    """
    teams = list(user.team_ids) if user.is_authenticated else []
    rule = Q(**{f"{person}__home_team_id__in": teams})
    if team is not None:
        rule |= Q(**{f"{person}__isnull": True, f"{team}_id__in": teams})
    return rule


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

    def mark_each_seen(self, seen: "dict[uuid.UUID, datetime]") -> int:
        """`mark_seen` for several people at once, each at their own time (a batch of
        contacts): one UPDATE from two arrays, whatever the number of people. The people
        named in `seen` only (call it on `Client.objects`; row-level security applies)."""
        if not seen:
            return 0
        table = connection.ops.quote_name(Client._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS person SET last_seen_at = seen.at"  # noqa: S608 (our table; values bound)
                " FROM unnest(%s::uuid[], %s::timestamptz[]) AS seen(id, at)"
                " WHERE person.id = seen.id"
                " AND (person.last_seen_at IS NULL OR person.last_seen_at < seen.at)",
                [[str(pk) for pk in seen], list(seen.values())],
            )
            return int(cursor.rowcount)

    def matching(self, text: str) -> "ClientQuerySet":
        """People whose code, name or alias matches what was typed, best match first.

        One box for everything: the exact code (in any spelling) comes first, then names by
        trigram similarity (of whole words, or of all the names), so "Jhonny" finds "Johnny"
        and "maria" finds "María" (the query is normalised as `search_names` is), then people
        seen most recently. Candidates come from the GIN index
        client_search_names_trgm through `%>` (word similarity at least the connection's
        pg_trgm.word_similarity_threshold, 0.25: config/settings/base.py) or a substring
        (`LIKE`, also served by the index); a partial code (3 to 5 characters of the code
        alphabet) matches codes that start with it. Merged records never match. Scope is
        the caller's: chain this after `visible_to(user)`.

        Each person carries the query (`search_text`) and their aliases, so a page can say
        which alias matched (`Client.matched_alias`) without another query per person.
        """
        name = normalise_name(text)
        if not name:
            return self.none()
        code, prefix = typed_code(text), code_prefix(text)
        whole = TrigramSimilarity("search_names", name)
        # Ranked by whole words: plain word similarity lets an extent run across words, so
        # "mar" would be a perfect match for "oscar martinez" ("...ar m...").
        ranks: list[models.Expression] = [TrigramStrictWordSimilarity(name, "search_names"), whole]
        if prefix:
            ranks.append(Case(When(code__startswith=prefix, then=Value(CODE_PREFIX_SCORE)), default=Value(0.0)))
        exact_code = Case(When(code=code, then=Value(1)), default=Value(0)) if code else Value(0)
        return (
            self.current()
            .filter(search_condition(text))
            .annotate(
                exact_code=exact_code,
                search_rank=Greatest(*ranks, output_field=models.FloatField()),
                search_whole=whole,
                search_text=Value(name, output_field=models.CharField()),
            )
            .order_by(
                "-exact_code",
                "-search_rank",
                "-search_whole",
                models.F("last_seen_at").desc(nulls_last=True),
                "-created_at",
            )
            .prefetch_related("aliases")
        )


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
    code = PersonCodeField(_("code"), max_length=7, unique=True, editable=False)
    preferred_name = models.CharField(
        _("name they use"), max_length=100, blank=True, help_text=_("Optional. Whatever name the person wants to use.")
    )
    home_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="clients", verbose_name=_("home team"))
    year_of_birth = YearOfBirthField(
        _("year of birth"), null=True, blank=True, validators=[MinValueValidator(EARLIEST_BIRTH_YEAR)]
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
    # Goes up with every saved change of the details above (identity, merge, erasure), so a
    # second person saving an older version gets the conflict page (core/versioning.py).
    version = models.PositiveIntegerField(_("version"), db_default=1, default=1)
    # Some of the person's contacts count for a team that is not their home team now: they
    # were transferred, or a record of another team was merged into theirs. Set by the
    # transfer and the merge (never unset: a person marked without need costs one lookup).
    # Lists of a team's contacts walk the team's own contacts by index and add only these
    # people's (EncounterQuerySet.newest_visible_to), instead of joining every contact of
    # the period to its person.
    contacts_elsewhere = models.BooleanField(
        _("has contacts counted for another team"), db_default=False, default=False, editable=False
    )

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
            # "People not seen for N days" (encounters:not_seen): a team's active people by their
            # last contact, or registration if never seen, oldest first; keyset on (that, id).
            models.Index(
                "home_team",
                Coalesce("last_seen_at", "created_at"),
                "id",
                name="client_team_not_seen_idx",
                condition=Q(status="active", merged_into__isnull=True),
            ),
            # The few people of a team with contacts counted for other teams (see contacts_elsewhere).
            models.Index(
                fields=["home_team"], name="client_contacts_elsewhere_idx", condition=Q(contacts_elsewhere=True)
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

    @property
    def matched_alias(self) -> str:
        """The alias that matched a search better than the preferred name did, if any.

        Only for people from `matching()` (which prefetches aliases and sets `search_text`);
        "" otherwise, and "" when the preferred name matched as well as any alias.
        """
        text = getattr(self, "search_text", "")
        if not text:
            return ""
        wanted = trigrams(text)

        def score(name: str) -> float:
            plain = normalise_name(name)
            return 1.0 if text in plain else len(wanted & trigrams(plain)) / len(wanted)

        best = max(self.aliases.all(), key=lambda alias: score(alias.name), default=None)
        if best is None or score(best.name) < ALIAS_SHOWN_FROM:
            return ""
        return best.name if score(best.name) > score(self.preferred_name) else ""

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


USE_WISH_MAX = 300


class UseWish(models.Model):
    """What the person wants from their relationship with drugs, in their own words ("use more
    safely", "cut down at weekends", "no change wanted"): issue 21.

    Off unless the organisation turns it on (ALONGSIDE_USE_WISHES). Optional, written only with
    the person, changed or deleted whenever they ask (clients/services/use_wish.py). It is
    their words, never a measure: never scored, never charted as success, never in any export
    or figure (DESIGN.md, principle 1), and it is deleted with the identifying data on erasure.
    """

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="use_wish", verbose_name=_("person"))
    words = models.CharField(
        _("what they want from their relationship with drugs, in their words"), max_length=USE_WISH_MAX
    )
    updated_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("noted by")
    )

    class Meta:
        verbose_name = _("their words on drug use")
        verbose_name_plural = _("their words on drug use")
        constraints = [models.CheckConstraint(condition=~Q(words=""), name="use_wish_words_required")]

    def __str__(self) -> str:
        # Never the words: __str__ ends up in error messages and logs.
        return f"use wish {self.pk}"
