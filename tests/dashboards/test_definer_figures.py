# ruff: noqa: E501 (the reference SQL is kept verbatim, as the organisation view ran it)
"""The organisation view's counts come from definer functions (dashboards migration 0008,
core/definer.py) and are the very numbers it read from the tables directly before.

The reference here is that direct reading, kept as it was (the organisation view's SQL until
the functions): run with every team in scope, it must give exactly what the functions give to
a data admin's transaction, whose scope holds no team, on a programme with contacts, services,
supplies for others, reversals reported and by staff, referrals, goals achieved, check-ins and
a person transferred between teams. And the page itself shows the same protected figures
whatever the scope.
"""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from clients.services.transfer import transfer_client
from core.scope import EVERY_TEAM, current_teams, team_scope
from dashboards import hierarchy, rollups
from dashboards.hierarchy import _params, build
from encounters.models import ReportedReversal
from encounters.services.supplies import SuppliesForOthers
from tests.contacts import log_contact
from tests.goals.factories import GoalFactory, ReviewFactory

from .conftest import Programme, at

pytestmark = pytest.mark.django_db

EVENTS_SQL = """
SELECT measure, team_id, month, count(*), sum(k) FROM (
  SELECT 'contacts' AS measure, team_id, date_trunc('month', "happened_at" AT TIME ZONE %(zone)s)::date AS month, (('x' || substr(md5(("id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8 AS k
    FROM encounters_encounter WHERE "happened_at" >= %(starts)s AND "happened_at" < %(ends)s
  UNION ALL
  SELECT 'anonymous_contacts', team_id, date_trunc('month', "happened_at" AT TIME ZONE %(zone)s)::date, (('x' || substr(md5(("id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
    FROM encounters_encounter WHERE client_id IS NULL AND "happened_at" >= %(starts)s AND "happened_at" < %(ends)s
  UNION ALL
  SELECT 'overdose_responses', team_id, date_trunc('month', "happened_at" AT TIME ZONE %(zone)s)::date, (('x' || substr(md5(("id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
    FROM encounters_overdoseresponse WHERE "happened_at" >= %(starts)s AND "happened_at" < %(ends)s
  UNION ALL
  SELECT 'reversed_by_staff', team_id, date_trunc('month', "happened_at" AT TIME ZONE %(zone)s)::date, (('x' || substr(md5(("id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
    FROM encounters_overdoseresponse
   WHERE outcome IN ('responsive', 'transported', 'declined_transport') AND "happened_at" >= %(starts)s AND "happened_at" < %(ends)s
  UNION ALL
  SELECT 'reversed_reported', team_id, month, (('x' || substr(md5(("id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
    FROM encounters_reportedreversal WHERE outcome = 'survived' AND month >= %(first_day)s AND month < %(next_year)s
  UNION ALL
  SELECT 'referrals_made', team_id, date_trunc('month', "created_at" AT TIME ZONE %(zone)s)::date, (('x' || substr(md5(("id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
    FROM encounters_referral WHERE "created_at" >= %(starts)s AND "created_at" < %(ends)s
  UNION ALL
  SELECT 'goals_set', team_id, date_trunc('month', "created_at" AT TIME ZONE %(zone)s)::date, (('x' || substr(md5(("id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
    FROM goals_goal WHERE "created_at" >= %(starts)s AND "created_at" < %(ends)s
  UNION ALL
  SELECT 'goals_achieved', team_id, date_trunc('month', status_on)::date, (('x' || substr(md5(("id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
    FROM goals_goal WHERE status = 'achieved' AND status_on >= %(first_day)s AND status_on < %(next_year)s
  UNION ALL
  SELECT 'service:' || sp.service_type_id::text, e.team_id, date_trunc('month', "e"."happened_at" AT TIME ZONE %(zone)s)::date, (('x' || substr(md5(("sp"."id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8
    FROM encounters_serviceprovided AS sp JOIN encounters_encounter AS e ON e.id = sp.encounter_id
   WHERE "e"."happened_at" >= %(starts)s AND "e"."happened_at" < %(ends)s
) AS r GROUP BY 1, 2, 3
"""
QUANTITIES_SQL = """
WITH given AS (
  SELECT s.slug, e.team_id, date_trunc('month', "e"."happened_at" AT TIME ZONE %(zone)s)::date AS month,
         coalesce(e.client_id, e.id) AS who, sum(sp.quantity) AS q
    FROM encounters_serviceprovided AS sp
    JOIN encounters_encounter AS e ON e.id = sp.encounter_id
    JOIN encounters_servicetype AS s ON s.id = sp.service_type_id
   WHERE s.slug = ANY(%(slugs)s) AND "e"."happened_at" >= %(starts)s AND "e"."happened_at" < %(ends)s
   GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT '(reach)', f.team_id, date_trunc('month', "f"."happened_at" AT TIME ZONE %(zone)s)::date, coalesce(e.client_id, e.id), sum(f.people)
    FROM encounters_forothers AS f
    JOIN encounters_encounter AS e ON e.id = f.encounter_id
   WHERE "f"."happened_at" >= %(starts)s AND "f"."happened_at" < %(ends)s
   GROUP BY 1, 2, 3, 4
), levels AS (
  SELECT slug, team_id, 'month' AS level, month AS start, who, q FROM given
  UNION ALL SELECT slug, team_id, 'quarter', date_trunc('quarter', month)::date, who, sum(q)
              FROM given GROUP BY 1, 2, 4, 5
  UNION ALL SELECT slug, team_id, 'year', date_trunc('year', month)::date, who, sum(q) FROM given GROUP BY 1, 2, 4, 5
  UNION ALL SELECT slug, NULL, 'month', month, who, sum(q) FROM given GROUP BY 1, 4, 5
  UNION ALL SELECT slug, NULL, 'quarter', date_trunc('quarter', month)::date, who, sum(q) FROM given GROUP BY 1, 4, 5
  UNION ALL SELECT slug, NULL, 'year', date_trunc('year', month)::date, who, sum(q) FROM given GROUP BY 1, 4, 5
)
SELECT slug, team_id, level, start, sum(q)::bigint, count(*), (array_agg(q::bigint ORDER BY q DESC))[1:2],
       sum((('x' || substr(md5(("who")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8)
  FROM levels GROUP BY 1, 2, 3, 4
"""
PEOPLE_SQL = """
WITH seen AS (
  SELECT DISTINCT team_id, client_id, date_trunc('month', "happened_at" AT TIME ZONE %(zone)s)::date AS month
    FROM encounters_encounter WHERE client_id IS NOT NULL AND "happened_at" >= %(starts)s AND "happened_at" < %(ends)s
), levels AS (
  SELECT team_id, month, date_trunc('quarter', month)::date AS quarter, date_trunc('year', month)::date AS year,
         client_id, (('x' || substr(md5(("client_id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8 AS k FROM seen
)
SELECT team_id, CASE WHEN GROUPING(month) = 0 THEN 'month' WHEN GROUPING(quarter) = 0 THEN 'quarter' ELSE 'year' END,
       coalesce(month, quarter, year), count(DISTINCT client_id), sum(DISTINCT k)
  FROM levels
 GROUP BY GROUPING SETS ((team_id, month), (team_id, quarter), (team_id, year), (month), (quarter), (year))
"""
WHO5_SQL = """
WITH m AS (
  SELECT client_id, team_id, month, value, category FROM reports_checkin_month
   WHERE measure = 'who5' AND month >= %(first_day)s AND month < %(next_year)s
), per AS (
  SELECT 'month' AS level, month AS start, client_id, team_id, value, category FROM m
  UNION ALL
  (SELECT DISTINCT ON (client_id, date_trunc('quarter', month)) 'quarter', date_trunc('quarter', month)::date,
          client_id, team_id, value, category FROM m ORDER BY client_id, date_trunc('quarter', month), month DESC)
  UNION ALL
  (SELECT DISTINCT ON (client_id) 'year', %(first_day)s::date, client_id, team_id, value, category
     FROM m ORDER BY client_id, month DESC)
)
SELECT level, start, team_id, count(*), sum(k), avg(value)::float8,
       count(*) FILTER (WHERE category = 'improved'), sum(k) FILTER (WHERE category = 'improved'),
       count(*) FILTER (WHERE category = 'no_change'), sum(k) FILTER (WHERE category = 'no_change'),
       count(*) FILTER (WHERE category = 'worse'), sum(k) FILTER (WHERE category = 'worse')
  FROM (SELECT per.*, (('x' || substr(md5(("client_id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8 AS k FROM per) AS keyed
 GROUP BY GROUPING SETS ((level, start, team_id), (level, start))
"""


# Goal attainment (issue 21), as the organisation view read it before its function.
GAS_SQL = """
WITH periods AS (
  SELECT 'month' AS level, d::date AS start, (d + interval '1 month')::date AS after
    FROM generate_series(%(first_day)s::date, %(first_day)s::date + interval '11 months', interval '1 month') AS d
  UNION ALL
  SELECT 'quarter', d::date, (d + interval '3 months')::date
    FROM generate_series(%(first_day)s::date, %(first_day)s::date + interval '9 months', interval '3 months') AS d
  UNION ALL
  SELECT 'year', %(first_day)s::date, %(next_year)s::date
), bounds AS (
  SELECT level, start, (start::timestamp AT TIME ZONE %(zone)s) AS starts,
         (after::timestamp AT TIME ZONE %(zone)s) AS ends FROM periods
), rated AS (
  SELECT goal.client_id, person.home_team_id AS team_id, goal.id AS goal_id, goal.gas_weight AS w,
         review.gas, review.reviewed_at
    FROM goals_review AS review
    JOIN goals_goal AS goal ON goal.id = review.goal_id
    JOIN clients_client AS person ON person.id = goal.client_id
   WHERE person.home_team_id IS NOT NULL AND goal.status <> 'changed' AND review.gas IS NOT NULL
     AND review.reviewed_at < %(ends)s
), at_end AS (
  SELECT DISTINCT ON (b.level, b.start, r.goal_id) b.level, b.start, r.client_id, r.team_id, r.w, r.gas
    FROM bounds AS b JOIN rated AS r ON r.reviewed_at < b.ends
   ORDER BY b.level, b.start, r.goal_id, r.reviewed_at DESC
), at_start AS (
  SELECT DISTINCT ON (b.level, b.start, r.goal_id) b.level, b.start, r.client_id, r.w, r.gas
    FROM bounds AS b JOIN rated AS r ON r.reviewed_at < b.starts
   ORDER BY b.level, b.start, r.goal_id, r.reviewed_at DESC
), t_end AS (
  SELECT level, start, client_id, team_id,
         50 + 10 * sum(w * gas) / sqrt((1 - %(rho)s) * sum(w * w) + %(rho)s * sum(w) ^ 2) AS t
    FROM at_end GROUP BY 1, 2, 3, 4
), t_start AS (
  SELECT level, start, client_id,
         50 + 10 * sum(w * gas) / sqrt((1 - %(rho)s) * sum(w * w) + %(rho)s * sum(w) ^ 2) AS t
    FROM at_start GROUP BY 1, 2, 3
), per AS (
  SELECT e.level, e.start, e.team_id, e.client_id, s.t AS t0, e.t AS t1
    FROM t_end AS e
    LEFT JOIN t_start AS s ON s.level = e.level AND s.start = e.start AND s.client_id = e.client_id
   WHERE EXISTS (SELECT 1 FROM bounds AS b JOIN rated AS r ON r.reviewed_at >= b.starts AND r.reviewed_at < b.ends
                  WHERE b.level = e.level AND b.start = e.start AND r.client_id = e.client_id)
)
SELECT level, start, team_id, count(*), sum(k),
       count(*) FILTER (WHERE t1 > t0 + %(epsilon)s), sum(k) FILTER (WHERE t1 > t0 + %(epsilon)s),
       count(*) FILTER (WHERE t1 <= t0 + %(epsilon)s), sum(k) FILTER (WHERE t1 <= t0 + %(epsilon)s)
  FROM (SELECT per.*, (('x' || substr(md5(("client_id")::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8 AS k FROM per) AS keyed
 GROUP BY GROUPING SETS ((level, start, team_id), (level, start))
"""

REFERENCE = {
    hierarchy.EVENTS_FUNCTION: EVENTS_SQL,
    hierarchy.QUANTITIES_FUNCTION: QUANTITIES_SQL,
    hierarchy.PEOPLE_FUNCTION: PEOPLE_SQL,
    hierarchy.WHO5_FUNCTION: WHO5_SQL,
    hierarchy.GAS_FUNCTION: GAS_SQL,
}


def rounded(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows in a fixed order, floats to 9 places (keys are added up in whatever order)."""

    def cell(value: Any) -> Any:
        return round(value, 9) if isinstance(value, float) else value

    return sorted((tuple(cell(value) for value in row) for row in rows), key=repr)


@pytest.fixture
def busier(programme: Programme, team: Team, other_team: Team, worker: User, supervisor: User) -> Programme:
    """The dashboards' programme, with supplies for others, reversals reported by people, and
    goal levels rated for Robin and Ana, and Ana moved to River in March (her earlier rows stay
    counted with North)."""
    parts = {"for_others": SuppliesForOthers(items=(("naloxone-kit", 2),), people=3)}
    log_contact(worker, programme.robin, happened_at=at(2, 12), parts=parts)
    for outcome in ("survived", "survived", "died"):
        ReportedReversal.objects.create(
            team=team, month=date(2026, 2, 1), naloxone_doses=1, outcome=outcome, emergency_services="called"
        )
    for person, reviews in ((programme.robin, [(1, 10, 0), (2, 10, 1)]), (programme.ana, [(2, 12, -1)])):
        goal = GoalFactory.create(client=person, created_at=at(1, 2), gas_expected="Inside most nights")
        for month, day, level in reviews:
            ReviewFactory.create(goal=goal, gas=level, reviewed_at=at(month, day))
    transfer_client(actor=supervisor, client=programme.ana, to_team=other_team)
    rollups.refresh()
    return programme


@pytest.fixture
def as_data_admin(no_default_scope: None) -> Iterator[None]:
    """A data admin's transaction: no team in scope (TeamScopeMiddleware for a user in no team)."""
    with team_scope([]):
        assert current_teams() == ""
        yield


def direct(function: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with team_scope(EVERY_TEAM), connection.cursor() as cursor:
        cursor.execute(REFERENCE[function], params)
        return cursor.fetchall()


@pytest.mark.parametrize("function", list(REFERENCE))
def test_each_function_gives_what_the_direct_reading_gave(busier: Programme, function: str) -> None:
    params = _params(2026)
    expected = rounded(direct(function, params))
    assert expected  # the programme has something of every kind
    with transaction.atomic(), team_scope([]):
        assert current_teams() == ""
        found = rounded(hierarchy._fetch(function, params))
    assert found == expected


def test_a_data_admins_transaction_reads_every_teams_counts_with_no_team_in_scope(
    busier: Programme, as_data_admin: None
) -> None:
    teams = list(Team.objects.values_list("pk", flat=True))
    year = build(2026, teams=teams, before=date(2026, 4, 1))
    quarter = ("quarter", date(2026, 1, 1))
    # Every team's contacts in January to March: North's 5 and the one for others, River's 1.
    assert year.truth["contacts"][(None, quarter)] == 7
    assert year.truth["reversed_reported"][(None, ("month", date(2026, 2, 1)))] == 2
    assert year.truth["goals_achieved"][(None, quarter)] == 1
    assert year.truth["who5_people"][(None, quarter)] == 5


def test_the_organisation_view_shows_what_every_team_in_scope_would_show(
    busier: Programme, client: HttpClient, data_admin: User
) -> None:
    from dashboards.organisation import context as organisation_context

    client.force_login(data_admin)
    page = client.get(reverse("dashboards:organisation"), {"period": "2026-Q1"})
    assert page.status_code == 200
    names = dict(Team.objects.values_list("pk", "name"))
    with team_scope(EVERY_TEAM):
        expected = build(2026, teams=list(names), before=timezone.localdate().replace(day=1))
    wanted = organisation_context(expected, ("quarter", date(2026, 1, 1)), names)["tables"]
    for key in ("teams", "contacts", "goals", "wellbeing", "overdoses", "reach"):
        shown = [[cell.text for cell in row.cells] for row in page.context["tables"][key].rows]
        assert shown == [[cell.text for cell in row.cells] for row in wanted[key].rows], key
