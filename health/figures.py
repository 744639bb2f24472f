"""The testing and linkage cascade as counts: what the dashboards and the organisation view print.

A cascade counts tests by the month they were done (a cohort): how many were done, how
many were reactive, and how many of those reactive ones have reached each step of linkage
to care since (a step counts as reached when it or any later step is recorded: a person on
treatment has been linked to care). Each test counts once per stage, for the team that
offered it, so the counts add up over months and teams, as the organisation view's
protection needs (dashboards/hierarchy.py, privacy/).

The stages are written once, here, with the SQL that decides them; the supervisors'
dashboard (`team_cascade`, through the tables' row-level security: the supervisor's teams) and
the organisation view (`HEALTH_EVENTS_FUNCTION`, a definer function, part of the
hierarchy's events) both use it.
"""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.utils.translation import gettext_lazy as _

from core.replica import read_rows

from .models import HealthTest

STAGES: list[tuple[str, object]] = [
    ("tested", _("Tested")),
    ("reactive", _("Reactive")),
    ("confirmed", _("Confirmed")),
    ("linked", _("Linked to care")),
    ("treatment", _("On treatment")),
    ("cured", _("Cured")),
]
# Hepatitis C only: cured.
CURED_KINDS = (HealthTest.Kind.HCV_ANTIBODY, HealthTest.Kind.HCV_RNA)

# The furthest step each test has reached (1 confirmed ... 4 cured), joined to its tests.
_REACHED = """
LEFT JOIN (
  SELECT test_id, max(CASE step WHEN 'confirmed' THEN 1 WHEN 'linked' THEN 2 WHEN 'treatment' THEN 3
                               WHEN 'cured' THEN 4 END) AS reached
    FROM health_linkagestep GROUP BY test_id
) AS r ON r.test_id = t.id
"""
_STAGE_ROWS = """
CROSS JOIN LATERAL (VALUES ('tested', true), ('reactive', t.result = 'reactive'),
  ('confirmed', coalesce(r.reached, 0) >= 1), ('linked', coalesce(r.reached, 0) >= 2),
  ('treatment', coalesce(r.reached, 0) >= 3), ('cured', coalesce(r.reached, 0) >= 4)) AS stage(name, reached)
"""


# The organisation view's part of the hierarchy's events (dashboards/hierarchy.py): one row per
# (measure, team, month) with how many records and the sum of their record keys, for the tests
# done (per stage reached: 'cascade:<kind>:<stage>') and the incidents that may count
# ('incidents:<kind>'). A data admin in no team reads them across teams through this definer
# function (health 0004: the same stages as _REACHED and _STAGE_ROWS; core/definer.py), as the
# tables' policies hide every row from them. Its arguments: first_day, next_year.
HEALTH_EVENTS_FUNCTION = "alongside_health_events"


def measure(kind: str, stage: str) -> str:
    return f"cascade:{kind}:{stage}"


def stages_of(kind: str) -> list[str]:
    return [stage for stage, _label in STAGES if stage != "cured" or kind in CURED_KINDS]


@dataclass(frozen=True)
class CascadeRow:
    kind: str
    label: str
    counts: dict[str, int | None]  # None: not a stage of this test (cured, but for hepatitis C)


# The same furthest step, looked up for each of the teams' tests of the period (on the steps'
# index by test), instead of grouping every team's steps of every year first.
_REACHED_BY_TEST = """
LEFT JOIN LATERAL (
  SELECT max(CASE step WHEN 'confirmed' THEN 1 WHEN 'linked' THEN 2 WHEN 'treatment' THEN 3
                       WHEN 'cured' THEN 4 END) AS reached
    FROM health_linkagestep WHERE test_id = t.id
) AS r ON true
"""

TEAM_SQL = f"""
SELECT t.kind, stage.name, count(*) FROM health_healthtest AS t {_REACHED_BY_TEST} {_STAGE_ROWS}
 WHERE stage.reached AND t.team_id = ANY(%(teams)s::uuid[]) AND t.tested_on >= %(first)s AND t.tested_on < %(after)s
 GROUP BY 1, 2
"""  # noqa: S608


def team_cascade(team_ids: list[UUID], first: date, after: date) -> list[CascadeRow]:
    """The cascade of tests these teams did from `first` up to (not including) `after`: one query."""
    # On the database the router reads from (the replica inside `replica_reads`).
    rows = read_rows(HealthTest, TEAM_SQL, {"teams": [str(team) for team in team_ids], "first": first, "after": after})
    found = {(kind, stage): count for kind, stage, count in rows}
    return [
        CascadeRow(
            kind,
            str(label),
            {stage: (found.get((kind, stage), 0) if stage in stages_of(kind) else None) for stage, _l in STAGES},
        )
        for kind, label in HealthTest.Kind.choices
    ]


def incident_measure(kind: str) -> str:
    return f"incidents:{kind}"
