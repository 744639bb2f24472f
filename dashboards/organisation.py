"""What the organisation view prints: the protected hierarchy's figures for one period
(dashboards/hierarchy.py), in tables whose every cell says what was done to it, and a chart
drawn from the same published figures (a gap where a figure is not published)."""

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from django.utils.translation import gettext as _

from core import charts
from core.charts import BLUE, BarSpec
from health.education import DEFAULT_TOPICS
from health.education_figures import topic_measure
from health.figures import STAGES, incident_measure, measure, stages_of
from health.models import HealthTest, Incident
from health.vaccination_figures import BUILT_IN, OTHER, vaccine_measure
from privacy.figures import Protected, Status
from privacy.rules import PROTECTION_INTERVAL, THRESHOLD

from .forms import period_code, period_label
from .hierarchy import MONTH, Period, Year, complete_periods, months_of
from .privacy import formatted


@dataclass(frozen=True)
class Shown:
    """A protected figure as a table cell: the number (or the words), and the words beside it."""

    figure: Protected
    decimals: int = 0

    @property
    def status(self) -> str:
        return self.figure.status

    @property
    def text(self) -> str:
        if self.figure.value is None:
            return "–" if self.status == "zero" else self.figure.words
        return formatted(self.figure.value, self.decimals)

    @property
    def note(self) -> str:
        """Words beside a number: "rounded" (a zero, or a figure worked out, needs none)."""
        return self.figure.words if self.figure.value is not None and self.status == "rounded" else ""


# A stage that is not one of the test's (cured, but for hepatitis C): nothing to show.
NOT_A_STAGE = Protected(None, Status.ZERO)


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Shown]


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[Row]
    folded: bool = True
    protected: ClassVar[bool] = True  # cells are protected figures (privacy.Shown), said in words


def periods_offered(this_month: date, first_year: int) -> list[Period]:
    """Complete periods, newest first: years, then quarters, then months."""
    found: list[Period] = []
    for year in range(this_month.year, first_year - 1, -1):
        found += complete_periods(year, before=this_month)
    order = {"year": 0, "quarter": 1, "month": 2}
    return sorted(found, key=lambda p: (order[p[0]], -p[1].toordinal()))


def _cells(year: Year, team: UUID | None, period: Period, columns: list[tuple[str, int]]) -> list[Shown]:
    return [Shown(year.get(measure, team, period), decimals) for measure, decimals in columns]


def _monthly(year: Year, period: Period, key: str, caption: str, columns: list[tuple[str, str, int]]) -> Table:
    months = months_of(period)
    spec = [(measure, decimals) for measure, _header, decimals in columns]
    return Table(
        key,
        caption,
        [_("Month"), *[header for _measure, header, _decimals in columns]],
        [
            Row(_month_label(month), _cells(year, None, (MONTH, month), spec))
            for month in months
            if (MONTH, month) in year.periods
        ],
    )


def _month_label(month: date) -> str:
    from .pages import month_label

    return month_label(month)


TEAM_COLUMNS = [
    ("contacts", 0),
    ("people_seen", 0),
    ("syringes", 0),
    ("naloxone_kits", 0),
    ("overdose_responses", 0),
    ("reversed_by_staff", 0),
    ("reversed_reported", 0),
    ("estimated_reach", 0),
    ("goals_set", 0),
    ("goals_achieved", 0),
    ("who5_people", 0),
    ("improved", 0),
    ("no_change", 0),
    ("worse", 0),
    ("share_improved", 2),
    ("gas_people", 0),
    ("share_gas_rose", 2),
]


def cascade_table(year: Year, period: Period) -> Table:
    """Testing and linkage to care for the whole organisation: a row per test, a column per
    stage (health/figures.py), each a protected count ("–" where a stage is not the test's)."""
    rows = []
    for kind, label in HealthTest.Kind.choices:
        possible = stages_of(kind)
        cells = [
            Shown(year.get(measure(kind, stage), None, period)) if stage in possible else Shown(NOT_A_STAGE)
            for stage, _label in STAGES
        ]
        rows.append(Row(str(label), cells))
    caption = _("Tests done in the period, and how many of the reactive ones have reached each step since.")
    return Table("cascade", caption, [_("Test"), *(str(label) for _stage, label in STAGES)], rows, folded=False)


def incidents_table(year: Year, period: Period) -> Table:
    """Rights and safety incidents the people concerned agreed may count, by what happened."""
    rows = [
        Row(str(label), [Shown(year.get(incident_measure(kind), None, period))])
        for kind, label in Incident.Kind.choices
    ]
    caption = _("Rights and safety incidents in the period that the people concerned agreed may be counted.")
    return Table("incidents", caption, [_("What happened"), _("Incidents")], rows, folded=False)


def topics_table(year: Year, period: Period) -> Table:
    """Contacts that covered each built-in safer-use topic, every team together, each a
    protected count (health 0009; a team's own topics are its words and are not added up)."""
    rows = [Row(_(name), [Shown(year.get(topic_measure(key), None, period))]) for key, name in DEFAULT_TOPICS]
    caption = _("Contacts in the period where each built-in safer-use topic was talked about or practised.")
    return Table("topics", caption, [_("Topic"), _("Contacts")], rows, folded=False)


def vaccinations_table(year: Year, period: Period) -> Table:
    """Doses the teams gave of each built-in vaccine, every team together, each a protected
    count (health 0010); a team's own vaccines together as "Other vaccines", never by name."""
    rows = [Row(str(label), [Shown(year.get(vaccine_measure(key), None, period))]) for key, label in BUILT_IN]
    rows.append(Row(_("Other vaccines"), [Shown(year.get(vaccine_measure(OTHER), None, period))]))
    caption = _(
        "Vaccine doses the teams gave in the period. Other vaccines: those a team added, all together. "
        "Doses given elsewhere are not counted."
    )
    return Table("vaccinations", caption, [_("Vaccine"), _("Doses given")], rows, folded=False)


def context(year: Year, period: Period, team_names: dict[UUID, str]) -> dict[str, Any]:
    contacts_caption = _("Contacts each month, and the syringes and naloxone kits given.")
    tables = {
        "contacts": _monthly(year, period, "contacts", contacts_caption,
                             [("contacts", _("Contacts"), 0), ("anonymous_contacts", _("Anonymous contacts"), 0),
                              ("syringes", _("Syringes"), 0), ("naloxone_kits", _("Naloxone kits"), 0)]),
        "wellbeing": _monthly(year, period, "wellbeing", _("WHO-5 wellbeing each month: each person's latest total."),
                              [("who5_people", _("People"), 0), ("who5_mean", _("Mean"), 1)]),
        "goals": _monthly(year, period, "goals", _("Goals each month."),
                          [("goals_set", _("Set"), 0), ("goals_achieved", _("Achieved"), 0)]),
        "attainment": _monthly(year, period, "attainment",
                               _("Goal attainment each month: people with a goal level rated, and of those who "
                                 "also had one before the month, whose T-score rose."),
                               [("gas_people", _("People"), 0), ("gas_rose", _("T-score rose"), 0),
                                ("gas_not_rose", _("Did not rise"), 0),
                                ("share_gas_rose", _("Share whose T-score rose"), 2)]),
        "overdoses": _monthly(year, period, "overdoses",
                              _("Overdose responses each month, and overdoses reversed: by staff (the person "
                                "survived) and as participants reported them."),
                              [("overdose_responses", _("Responses"), 0),
                               ("reversed_by_staff", _("Reversed by staff"), 0),
                               ("reversed_reported", _("Reversed, reported by participants"), 0)]),
        "reach": _monthly(year, period, "reach",
                          _("Supplies for others each month: about how many people they were for, as estimated "
                            "at each contact."),
                          [("estimated_reach", _("Estimated reach"), 0)]),
    }  # fmt: skip
    rows = [Row(name, _cells(year, team, period, TEAM_COLUMNS)) for team, name in sorted(team_names.items(),
            key=lambda item: item[1]) if team in year.teams]  # fmt: skip
    rows.append(Row(_("The organisation"), _cells(year, None, period, TEAM_COLUMNS)))
    tables["teams"] = Table(
        "teams",
        _("Each team in the period, and the whole organisation."),
        [
            _("Team"),
            _("Contacts"),
            _("People seen"),
            _("Syringes"),
            _("Naloxone kits"),
            _("Overdose responses"),
            _("Reversed by staff"),
            _("Reversed, reported by participants"),
            _("Estimated reach"),
            _("Goals set"),
            _("Goals achieved"),
            _("People with a WHO-5 total"),
            _("Reliably improved"),
            _("No reliable change"),
            _("Reliably worse"),
            _("Share reliably improved"),
            _("People with a goal level rated"),
            _("Share whose goal attainment T-score rose"),
        ],
        rows,
        folded=False,
    )
    tables["cascade"] = cascade_table(year, period)
    tables["incidents"] = incidents_table(year, period)
    tables["topics"] = topics_table(year, period)
    tables["vaccinations"] = vaccinations_table(year, period)
    months = [m for m in months_of(period) if (MONTH, m) in year.periods]
    values = [year.get("contacts", None, (MONTH, m)).value for m in months]
    chart = charts.bar_chart(
        "contacts",
        title=_("Contacts each month"),
        description=_("Contacts each month %(span)s, rounded; a month whose figure is not published is left out.")
        % {"span": charts.describe_range(months or [period[1]])},
        months=months or [period[1]],
        stacks=[BarSpec(_("Contacts"), BLUE, [int(v or 0) for v in values] or [0])],
    )
    return {
        "tables": tables,
        "chart": chart,
        "period_code": period_code(period),
        "period_label": period_label(period),
        "protection_interval": PROTECTION_INTERVAL,
        "threshold": THRESHOLD,
        "withheld": year.withheld,
    }
