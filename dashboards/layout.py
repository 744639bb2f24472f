"""Everything a dashboard page prints, put together (templates/dashboards/_figures.html):
the tables and charts of dashboards/pages.py under the page's rule."""

from typing import Any

from django.utils.translation import gettext as _

from health.education_figures import TopicCount
from health.figures import STAGES, CascadeRow
from health.vaccination_figures import VaccineCount

from .pages import (
    Row,
    Rule,
    Table,
    attainment,
    change,
    contacts,
    goals,
    month_label,
    now_items,
    overdoses,
    peers,
    ratings,
    services,
    show_all,
    wellbeing,
)
from .shapes import Figures


def cascade_table(rows: list[CascadeRow], *, caption: str) -> Table:
    """Testing and linkage to care: a row per test, a column per stage (health/figures.py)."""
    return Table(
        "cascade",
        caption,
        [_("Test"), *(str(label) for _stage, label in STAGES)],
        [Row(row.label, [show_all(row.counts[stage]) for stage, _label in STAGES]) for row in rows],
        folded=False,
    )


def topics_table(rows: list[TopicCount], *, caption: str) -> Table:
    """Safer-use topics covered: a row per topic, its contacts, people and contacts where it was
    practised (health/education_figures.py), each through the page's rule."""
    rule: Rule = show_all
    return Table(
        "topics",
        caption,
        [_("Topic"), _("Contacts"), _("People"), _("Practised")],
        [
            Row(
                f"{row.label} · {row.team}" if row.team else row.label,
                [rule(row.contacts, people=row.people), rule(row.people, people=row.people), rule(row.practised)],
            )
            for row in rows
        ],
        folded=False,
    )


def vaccinations_table(rows: list[VaccineCount], *, caption: str) -> Table:
    """Vaccinations: a row per vaccine (the built-in ones, then the team's own), its doses given
    and people vaccinated (health/vaccination_figures.py), each through the page's rule."""
    rule: Rule = show_all
    return Table(
        "vaccinations",
        caption,
        [_("Vaccine"), _("Doses given"), _("People vaccinated")],
        [
            Row(
                f"{row.label} · {row.team}" if row.team else row.label,
                [rule(row.doses, people=row.people), rule(row.people, people=row.people)],
            )
            for row in rows
        ],
        folded=False,
    )


def context(figures: Figures, *, organisation: bool = False) -> dict[str, Any]:
    """Everything the supervisors' dashboard prints (templates/dashboards/_figures.html): its
    own teams' figures as they are. (The organisation view prints protected figures only:
    dashboards/organisation.py.)"""
    rule: Rule = show_all
    wellbeing_rows, wellbeing_chart = wellbeing(figures, rule)
    rating_rows, ratings_chart = ratings(figures, rule)
    change_table, change_chart = change(figures, rule)
    contact_rows, contacts_chart = contacts(figures, rule)
    category_rows, service_rows, services_chart = services(figures, rule)
    goal_rows, goals_chart = goals(figures, rule)
    month = _("Month")
    tables = {
        "wellbeing": Table(
            "wellbeing",
            _("WHO-5 wellbeing each month: each person's latest total that month, 0 to 100."),
            [month, _("People"), _("Mean"), _("Median"), _("25th percentile"), _("75th percentile")],
            wellbeing_rows,
        ),
        "change": Table(
            "change",
            _("People by their change from their first WHO-5 total to their latest in the period."),
            [_("Change"), _("People"), _("Share (%)")],
            change_table.rows,
            folded=False,
        ),
        "ratings": Table(
            "ratings",
            _("Mean self-ratings each month, 0 (very poor) to 10 (very good)."),
            [month, *figures.rating_labels, _("People")],
            rating_rows,
        ),
        "goals": Table(
            "goals", _("Goals each month."), [month, _("Set"), _("Achieved"), _("Changed"), _("Set aside")], goal_rows
        ),
        "contacts": Table(
            "contacts",
            _("Contacts each month, and the syringes and naloxone kits given at them."),
            [month, _("Contacts"), _("People seen"), _("Anonymous contacts"), _("Syringes"), _("Naloxone kits")],
            contact_rows,
        ),
        "categories": Table(
            "categories",
            _("Services given each month, by category (how many times)."),
            [month, *(label for _key, label in figures.categories)],
            category_rows,
        ),
        "services": Table(
            "services",
            _("Each service in the period: how many contacts it was given at, and how many were given."),
            [_("Service"), _("Contacts"), _("Quantity")],
            service_rows,
            folded=False,
        ),
        "overdoses": Table(
            "overdoses",
            _(
                "Overdose responses each month. Called: emergency services were called. Reversed by staff: "
                "the person survived."
            ),
            [month, _("Responses"), _("Naloxone doses"), _("Called"), _("Reversed by staff")],
            overdoses(figures, rule),
        ),
        "peers": Table(
            "peers",
            _(
                "Overdoses reversed each month, by staff and as participants reported them, and supplies taken "
                "for others with about how many people they were for."
            ),
            [
                month,
                _("Reversed by staff"),
                _("Reversed, reported by participants"),
                _("Reversals reported (any outcome)"),
                _("Contacts with supplies for others"),
                _("Estimated reach"),
            ],
            peers(figures, rule),
        ),
    }
    return {
        "figures": figures,
        "organisation": organisation,
        "now_items": now_items(figures.now, rule, links=not organisation),
        "tables": tables,
        "change_totals": change_table,
        "charts": {
            "wellbeing": wellbeing_chart,
            "change": change_chart,
            "ratings": ratings_chart,
            "goals": goals_chart,
            "contacts": contacts_chart,
            "services": services_chart,
        },
        "last_month": month_label(figures.months[-1]),
        "attainment": attainment(figures),
    }
