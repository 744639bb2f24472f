"""The row-level datasets an export can hold: their columns (for the page and the codebook)
and the SELECT behind each, which exports/privacy.py wraps with the privacy rules.

Every SELECT reads a definer function's rows (exports migration 0003, core/definer.py), so
the export job reads every chosen team's rows with no team in its row-level scope: coded
columns only, never a name, alias, code, description, note, goal's words, step, partner
organisation, debrief or any other free text, never a worker, and no person's id (a
pseudonym made inside each call, linking nothing outside it). Each yields the columns
`k_anonymous_select` needs (person_id, heads, at, age_band, gender, area) and its own, for
the export's teams and period (parameters teams, starts, ends, zone).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.utils.translation import gettext_lazy as _
from psycopg2.sql import SQL, Composable, Identifier
from psycopg2.sql import Literal as Value

from encounters.models import ServiceType

from .privacy import ALL_AREAS, Level, column, ladder, text_sql


@dataclass(frozen=True)
class Column:
    name: str
    meaning: Any  # a lazy translation
    numeric: bool = False


COMMON = [
    Column("period", _("Month (YYYY-MM) or quarter (YYYY-Qn) of the row's date")),
    Column("age_band", _("10-year age band at the row's date, 90+ on top; rough band for anonymous contacts")),
    Column("gender", _("Gender as recorded (a code; words a person chose are never exported)")),
    Column("area", _("Area of the site, or (all areas) where grouped for privacy")),
]

# The arguments every dataset's function takes: the export's teams and period.
ARGUMENTS = SQL("teams => %(teams)s::uuid[], starts => %(starts)s, ends => %(ends)s, zone => %(zone)s")


def rows_of(function: str) -> Composable:
    """FROM a dataset's definer function, as `r`."""
    return SQL("{function}({arguments}) AS r").format(function=Identifier(function), arguments=ARGUMENTS)


def _date_period(name: str, period: str) -> Composable:
    """A date column (not a time) as month or quarter."""
    shape = SQL("'YYYY-MM'") if period == "month" else SQL("""'YYYY-"Q"Q'""")
    return SQL("to_char({column}, {shape})").format(column=column(name), shape=shape)


@dataclass(frozen=True)
class Dataset:
    key: str
    label: Any
    description: Any
    file_stem: str
    columns: Callable[[], list[Column]]
    select: Callable[[str], Composable]
    # A column whose value is about what happened to the person (l-diversity applies).
    sensitive: str | None = None
    # Output columns that are part of every group, as age band, gender, area and period are.
    quasi: tuple[str, ...] = ()
    # A column of the SELECT that is part of every group but never output (exports/privacy.py).
    partition: str | None = None
    # A boolean column of the SELECT every row of a kept group must have (exports/privacy.py).
    released: str | None = None
    # Its own ladder, whatever the export's period (exports/privacy.py: `ladder`); None: the usual one.
    levels: tuple[Level, ...] | None = None

    def output(self) -> list[str]:
        return [column.name for column in self.columns()[len(COMMON) :]]

    def ladder(self, period: str) -> list[Level]:
        return list(self.levels) if self.levels else ladder(period)

    def period(self, period: str) -> str:
        """The period its rows are shown in: its own ladder's first, or the export's."""
        return self.levels[0].period if self.levels else period


def service_column(pk: UUID) -> str:
    """A service type's column: from its id, which never changes and never collides (names
    and short names can look alike, and can be renamed); the codebook names the service."""
    return f"service_{pk.hex[:12]}"


def _service_types() -> list[tuple[UUID, str, str]]:
    """(id, column name, name) of every service type, in catalogue order (one query)."""
    return [
        (pk, service_column(pk), f"{name} ({slug})")
        for pk, slug, name in ServiceType.objects.order_by("order", "slug").values_list("pk", "slug", "name")
    ]


def contact_columns() -> list[Column]:
    services = [
        Column(name, _("Quantity of “%(service)s” given at the contact (0: not given)") % {"service": label},
               numeric=True)
        for _pk, name, label in _service_types()
    ]  # fmt: skip
    return [
        *COMMON,
        Column("people", _("People the row stands for: 1, or an anonymous contact's head count"), numeric=True),
        Column("kind", _("Kind of contact (street, drop-in, van, phone, other)")),
        *services,
    ]


def contact_select(period: str) -> Composable:
    # Column names are made from ids (hex digits only, and quoted as identifiers): never a
    # value a person typed; the ids are bound as literals.
    given = SQL("").join(
        SQL(", coalesce(({services} ->> {pk})::bigint, 0) AS {name}").format(
            services=Identifier("r", "services"), pk=Value(str(pk)), name=Identifier(name)
        )
        for pk, name, _label in _service_types()
    )
    return SQL("""
SELECT r.person_key AS person_id, r.heads AS heads, r.at AS at, r.age_band AS age_band,
       {gender} AS gender, {area} AS area, r.heads AS people, r.kind AS kind{given}
  FROM {rows}
""").format(
        gender=text_sql("r.gender"), area=text_sql("r.area"), given=given, rows=rows_of("alongside_export_contacts")
    )


def check_in_columns() -> list[Column]:
    return [
        *COMMON,
        Column("instrument", _("Questionnaire (short name)")),
        Column("instrument_version", _("Version of the questionnaire"), numeric=True),
        Column("total", _("Total on the questionnaire's scale (empty when its rule gives none)"), numeric=True),
        Column("items_answered", _("Items answered"), numeric=True),
        Column("items_declined", _("Items the person preferred not to answer"), numeric=True),
    ]


def check_in_select(period: str) -> Composable:
    return SQL("""
SELECT r.person_key AS person_id, 1 AS heads, r.at AS at, r.age_band AS age_band, {gender} AS gender,
       {area} AS area, {instrument} AS instrument, r.instrument_version AS instrument_version, r.total AS total,
       r.items_answered AS items_answered, r.items_declined AS items_declined
  FROM {rows}
""").format(
        gender=text_sql("r.gender"),
        area=text_sql("r.area"),
        instrument=text_sql("r.instrument"),
        rows=rows_of("alongside_export_check_ins"),
    )


def goal_columns() -> list[Column]:
    return [
        *COMMON,
        Column("life_area", _("Life area the goal is about")),
        Column("status", _("Working on it, achieved, changed or set aside")),
        Column("status_period", _("Month or quarter the goal was achieved, changed or set aside")),
        Column("uses_gas", _("Goal Attainment Scaling levels were described (yes/no)")),
        Column("gas_weight", _("Weight of the goal in the GAS T-score"), numeric=True),
        Column("reviews", _("Reviews of the goal up to the end of the period"), numeric=True),
        Column("first_closeness", _("First rating of how close the person felt (0 to 10)"), numeric=True),
        Column("latest_closeness", _("Latest rating of how close the person felt (0 to 10)"), numeric=True),
        Column("latest_gas", _("Latest Goal Attainment Scaling level (-2 to +2)"), numeric=True),
    ]


def goal_select(period: str) -> Composable:
    return SQL("""
SELECT r.person_key AS person_id, 1 AS heads, r.at AS at, r.age_band AS age_band, {gender} AS gender,
       {area} AS area, {life_area} AS life_area, r.status AS status,
       coalesce({status_period}, '') AS status_period, r.uses_gas AS uses_gas, r.gas_weight AS gas_weight,
       r.reviews AS reviews, r.first_closeness AS first_closeness, r.latest_closeness AS latest_closeness,
       r.latest_gas AS latest_gas
  FROM {rows}
""").format(
        gender=text_sql("r.gender"),
        area=text_sql(SQL("NULL")),
        life_area=text_sql("r.life_area"),
        status_period=_date_period("r.status_month", period),
        rows=rows_of("alongside_export_goals"),
    )


def referral_columns() -> list[Column]:
    return [
        *COMMON,
        Column("referred_to", _("Kind of service the person was referred to")),
        Column("status", _("Suggested, made, attended, not attended or declined")),
        Column("updates", _("Status changes noted"), numeric=True),
    ]


def referral_select(period: str) -> Composable:
    return SQL("""
SELECT r.person_key AS person_id, 1 AS heads, r.at AS at, r.age_band AS age_band, {gender} AS gender,
       {area} AS area, r.referred_to AS referred_to, r.status AS status, r.updates AS updates
  FROM {rows}
""").format(gender=text_sql("r.gender"), area=text_sql("r.area"), rows=rows_of("alongside_export_referrals"))


def overdose_columns() -> list[Column]:
    return [
        *COMMON,
        Column("naloxone_doses", _("Naloxone doses given"), numeric=True),
        Column("emergency_services", _("Whether emergency services were called")),
        Column("outcome", _("Outcome")),
    ]


def overdose_select(period: str) -> Composable:
    return SQL("""
SELECT r.person_key AS person_id, 1 AS heads, r.at AS at, r.age_band AS age_band, {gender} AS gender,
       {area} AS area, r.naloxone_doses AS naloxone_doses, r.emergency_services AS emergency_services,
       r.outcome AS outcome
  FROM {rows}
""").format(gender=text_sql("r.gender"), area=text_sql("r.area"), rows=rows_of("alongside_export_overdose_responses"))


def tests_columns() -> list[Column]:
    return [
        *COMMON,
        Column("test", _("What was tested: hiv, hcv_antibody, hcv_rna (viral load), hbv (hepatitis B), syphilis")),
        Column("method", _("How: rapid (by the team) or referral")),
        Column(
            "result", _("Result: reactive, non_reactive, invalid, or not_shared (the person chose not to share it)")
        ),
        Column("confirmed", _("A confirmatory test, or a later step, recorded by the end of the period (yes/no)")),
        Column("linked_to_care", _("Linked to care, or a later step, recorded by the end of the period (yes/no)")),
        Column("treatment_started", _("Treatment started, or cured, recorded by the end of the period (yes/no)")),
        Column("cured", _("Cured recorded by the end of the period (yes/no; hepatitis C only)")),
    ]


def tests_select(period: str) -> Composable:
    # No area: every row is "(all areas)" (TESTS_LADDER); `team` groups each team's rows on
    # their own and `released` says whether the group may be released at all (exports 0004:
    # decided over every team, the same for every export); neither is written (docs/privacy.md,
    # "Test results").
    return SQL("""
SELECT r.person_key AS person_id, 1 AS heads, r.at AS at, r.age_band AS age_band, {gender} AS gender,
       {area} AS area, r.team_key AS team, r.kind AS test, r.method AS method, r.result AS result,
       r.confirmed AS confirmed, r.linked AS linked_to_care, r.treatment AS treatment_started, r.cured AS cured,
       r.released AS released
  FROM {rows}
""").format(gender=text_sql("r.gender"), area=text_sql(Value(ALL_AREAS)), rows=rows_of("alongside_export_tests"))


# Tests: one step only, whatever the export's period: calendar quarters, every area together.
# A ladder with more steps keeps a group at the first step that holds k people, and which step
# that is depends on k: two exports at different k could then be subtracted to isolate the
# rows one of them kept back (docs/privacy.md, "Test results").
TESTS_LADDER = (Level("as chosen", "quarter", True),)


ROW_LEVEL: dict[str, Dataset] = {
    dataset.key: dataset
    for dataset in [
        Dataset(
            "contacts",
            _("Contacts with services"),
            _("One row per contact: who (a pseudonym, or anonymous with a head count), when, where, what was given."),
            "contacts",
            contact_columns,
            contact_select,
        ),
        Dataset(
            "check_ins",
            _("Wellbeing check-ins"),
            _("One row per check-in: the questionnaire, its total and how many items were answered or declined."),
            "check_ins",
            check_in_columns,
            check_in_select,
            sensitive="total",
        ),
        Dataset(
            "goals",
            _("Goals and reviews"),
            _("One row per goal set in the period: its life area, status and the person's ratings of progress."),
            "goals",
            goal_columns,
            goal_select,
        ),
        Dataset(
            "referrals",
            _("Referrals"),
            _("One row per referral made in the period: where to and how it went."),
            "referrals",
            referral_columns,
            referral_select,
        ),
        Dataset(
            "overdose_responses",
            _("Overdose responses"),
            _("One row per overdose response: naloxone doses, emergency services and outcome."),
            "overdose_responses",
            overdose_columns,
            overdose_select,
            sensitive="outcome",
        ),
        Dataset(
            "tests",
            _("Tests and linkage to care"),
            _(
                "One row per test (HIV, hepatitis C, hepatitis B, syphilis) in the calendar quarters the period "
                "covers whole: how, its result, and for a reactive result the steps of linkage to care reached."
            ),
            "tests",
            tests_columns,
            tests_select,
            sensitive="result",
            quasi=("test",),
            partition="team",
            released="released",
            levels=TESTS_LADDER,
        ),
    ]
}

AGGREGATE = "aggregate"
AGGREGATE_DESCRIPTION = _(
    "The organisation view's protected figures, one row per team chosen and one for the whole organisation "
    "in each month and in each calendar quarter and year the months cover whole. Safer-use topics and vaccine "
    "doses are the built-in ones; a team's own vaccines are counted together as other vaccines, never by name."
)


def choices() -> Sequence[tuple[str, Any]]:
    return [(key, dataset.label) for key, dataset in ROW_LEVEL.items()] + [
        (AGGREGATE, _("Aggregate report per team and month"))
    ]
