"""The row-level datasets an export can hold: their columns (for the page and the codebook)
and the SELECT behind each, which exports/privacy.py wraps with the privacy rules.

Every SELECT reads coded columns only: never a name, alias, code, description, note, goal's
words, step, partner organisation, debrief or any other free text, and never a worker. Each
yields the columns `k_anonymous_select` needs (person_id, heads, at, age_band, gender, area)
and its own, filtered by the export's teams and period (parameters teams, starts, ends, zone).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.utils.translation import gettext_lazy as _
from psycopg2.sql import SQL, Composable, Identifier
from psycopg2.sql import Literal as Value

from encounters.models import ServiceType

from .privacy import age_band_sql, column, rough_age_sql, text_sql


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

TEAMS_AND_PERIOD = SQL("{team} = ANY(%(teams)s::uuid[]) AND {at} >= %(starts)s AND {at} < %(ends)s")


def _where(alias: str, at: str) -> Composable:
    return TEAMS_AND_PERIOD.format(team=Identifier(alias, "team_id"), at=Identifier(alias, at))


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

    def output(self) -> list[str]:
        return [column.name for column in self.columns()[len(COMMON) :]]


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
    services = _service_types()
    # Column names are made from ids (hex digits only, and quoted as identifiers): never a
    # value a person typed; the ids are bound as literals.
    sums = SQL("").join(
        SQL(", sum(sp.quantity) FILTER (WHERE sp.service_type_id = {pk}::uuid) AS {name}").format(
            pk=Value(str(pk)), name=Identifier(name)
        )
        for pk, name, _label in services
    )
    given = SQL("").join(
        SQL(", coalesce({value}, 0) AS {name}").format(value=Identifier("v", name), name=Identifier(name))
        for _pk, name, _label in services
    )
    return SQL("""
SELECT e.client_id AS person_id, e.head_count AS heads, e.happened_at AS at,
       CASE WHEN e.client_id IS NULL THEN {rough_age}
            ELSE {age_band} END AS age_band,
       {gender} AS gender,
       {area} AS area,
       e.head_count AS people, e.kind AS kind{given}
  FROM encounters_encounter AS e
  LEFT JOIN clients_client AS c ON c.id = e.client_id
  LEFT JOIN encounters_site AS s ON s.id = e.site_id
  LEFT JOIN (SELECT sp.encounter_id{sums}
               FROM encounters_serviceprovided AS sp
               JOIN encounters_encounter AS e ON e.id = sp.encounter_id
              WHERE {where}
              GROUP BY sp.encounter_id) AS v ON v.encounter_id = e.id
 WHERE {where}
""").format(
        rough_age=rough_age_sql("e.age_band"),
        age_band=age_band_sql("c.year_of_birth", "e.happened_at"),
        gender=text_sql(SQL("CASE WHEN e.client_id IS NULL THEN e.gender ELSE c.gender END")),
        area=text_sql("s.area"),
        given=given,
        sums=sums,
        where=_where("e", "happened_at"),
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
SELECT ci.client_id AS person_id, 1 AS heads, ci.taken_at AS at,
       {age_band} AS age_band, {gender} AS gender,
       {area} AS area,
       {instrument} AS instrument, i.version AS instrument_version, ci.total AS total,
       coalesce(a.answered, 0) AS items_answered, coalesce(a.declined, 0) AS items_declined
  FROM outcomes_checkin AS ci
  JOIN clients_client AS c ON c.id = ci.client_id
  JOIN outcomes_instrument AS i ON i.id = ci.instrument_id
  LEFT JOIN encounters_encounter AS e ON e.id = ci.encounter_id
  LEFT JOIN encounters_site AS s ON s.id = e.site_id
  LEFT JOIN (SELECT a.check_in_id, count(*) FILTER (WHERE NOT a.is_declined) AS answered,
                    count(*) FILTER (WHERE a.is_declined) AS declined
               FROM outcomes_answer AS a
               JOIN outcomes_checkin AS ci ON ci.id = a.check_in_id
              WHERE {where}
              GROUP BY a.check_in_id) AS a ON a.check_in_id = ci.id
 WHERE {where}
""").format(
        age_band=age_band_sql("c.year_of_birth", "ci.taken_at"),
        gender=text_sql("c.gender"),
        area=text_sql("s.area"),
        instrument=text_sql("i.slug"),
        where=_where("ci", "taken_at"),
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
    any_gas = SQL(" OR ").join(
        SQL("{level} <> ''").format(level=Identifier("g", f"gas_{level}"))
        for level in ("much_less", "less", "expected", "more", "much_more")
    )
    return SQL("""
SELECT g.client_id AS person_id, 1 AS heads, g.created_at AS at,
       {age_band} AS age_band, {gender} AS gender,
       {area} AS area,
       {life_area} AS life_area, g.status AS status,
       coalesce({status_period}, '') AS status_period,
       CASE WHEN {any_gas} THEN 'yes' ELSE 'no' END AS uses_gas, g.gas_weight AS gas_weight,
       coalesce(r.reviews, 0) AS reviews, r.first_closeness, r.latest_closeness, r.latest_gas
  FROM goals_goal AS g
  JOIN clients_client AS c ON c.id = g.client_id
  LEFT JOIN (SELECT r.goal_id, count(*) AS reviews,
                    (array_agg(r.closeness ORDER BY r.reviewed_at, r.id))[1] AS first_closeness,
                    (array_agg(r.closeness ORDER BY r.reviewed_at DESC, r.id DESC))[1] AS latest_closeness,
                    (array_agg(r.gas ORDER BY r.reviewed_at DESC, r.id DESC)
                        FILTER (WHERE r.gas IS NOT NULL))[1] AS latest_gas
               FROM goals_review AS r
               JOIN goals_goal AS g ON g.id = r.goal_id
              WHERE {where} AND r.reviewed_at < %(ends)s
              GROUP BY r.goal_id) AS r ON r.goal_id = g.id
 WHERE {where}
""").format(
        age_band=age_band_sql("c.year_of_birth", "g.created_at"),
        gender=text_sql("c.gender"),
        area=text_sql(SQL("NULL")),
        life_area=text_sql("g.life_area"),
        status_period=_date_period("g.status_on", period),
        any_gas=any_gas,
        where=_where("g", "created_at"),
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
SELECT r.client_id AS person_id, 1 AS heads, r.created_at AS at,
       {age_band} AS age_band, {gender} AS gender,
       {area} AS area,
       r."to" AS referred_to, r.status AS status,
       (SELECT count(*) FROM encounters_referralupdate AS u WHERE u.referral_id = r.id) AS updates
  FROM encounters_referral AS r
  JOIN clients_client AS c ON c.id = r.client_id
  LEFT JOIN encounters_encounter AS e ON e.id = r.encounter_id
  LEFT JOIN encounters_site AS s ON s.id = e.site_id
 WHERE {where}
""").format(
        age_band=age_band_sql("c.year_of_birth", "r.created_at"),
        gender=text_sql("c.gender"),
        area=text_sql("s.area"),
        where=_where("r", "created_at"),
    )


def overdose_columns() -> list[Column]:
    return [
        *COMMON,
        Column("naloxone_doses", _("Naloxone doses given"), numeric=True),
        Column("emergency_services", _("Whether emergency services were called")),
        Column("outcome", _("Outcome")),
    ]


def overdose_select(period: str) -> Composable:
    return SQL("""
SELECT o.client_id AS person_id, 1 AS heads, o.happened_at AS at,
       {age_band} AS age_band, {gender} AS gender,
       {area} AS area,
       o.naloxone_doses AS naloxone_doses, o.emergency_services AS emergency_services, o.outcome AS outcome
  FROM encounters_overdoseresponse AS o
  LEFT JOIN clients_client AS c ON c.id = o.client_id
  LEFT JOIN encounters_site AS s ON s.id = o.site_id
 WHERE {where}
""").format(
        age_band=age_band_sql("c.year_of_birth", "o.happened_at"),
        gender=text_sql("c.gender"),
        area=text_sql("s.area"),
        where=_where("o", "happened_at"),
    )


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
    ]
}

AGGREGATE = "aggregate"


def choices() -> Sequence[tuple[str, Any]]:
    return [(key, dataset.label) for key, dataset in ROW_LEVEL.items()] + [
        (AGGREGATE, _("Aggregate report per team and month"))
    ]
