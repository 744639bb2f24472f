"""Where the dashboards' monthly numbers come from: the rollups, or the source tables directly.

Both sources answer the same questions with the same plain data, so the dashboards are
built the same way from either, a test checks that they agree on random data
(tests/dashboards/test_rollup_matches_live.py), and the benchmark times one against the
other (bench/: `dashboard_live_over_rollup`).

- `RollupSource` reads dashboards/models.py's tables: a few hundred rows for a team's year.
- `LiveSource` groups the contacts, services and check-ins of the period with the ORM
  (independently of the refresh's SQL, so the test checks that SQL too).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from psycopg2.sql import SQL, Composable

from core.dates import add_months
from encounters.models import Encounter, ServiceProvided

from .models import MonthlyTeamContacts, MonthlyTeamScores, MonthlyTeamServices
from .rollups import person_months, person_months_params


@dataclass(frozen=True)
class Scope:
    """Which teams, which calendar months (first to last, inclusive) and, optionally, one worker."""

    team_ids: tuple[UUID, ...]
    first: date
    last: date
    worker_id: int | None = None

    @property
    def months(self) -> list[date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def starts(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def ends(self) -> datetime:
        return timezone.make_aware(datetime.combine(add_months(self.last, 1), time.min))


@dataclass(frozen=True)
class ContactCounts:
    contacts: int = 0
    anonymous_contacts: int = 0
    anonymous_people: int = 0
    people_seen: int = 0


@dataclass(frozen=True)
class ServiceCounts:
    given: int = 0
    quantity: int = 0
    people: int = 0  # on the busiest day of the month (a lower bound of the month's people)


# (team, month, worker): worker None is the whole team's month.
ContactRows = dict[tuple[UUID, date, int | None], ContactCounts]
# (team, month, service type): the whole team's, or the scope's worker's when it has one.
ServiceRows = dict[tuple[UUID, date, UUID], ServiceCounts]
# (month, measure, value) -> people of the scope's teams who gave that value (their latest
# that month; each person counts with one team a month, so the teams add up).
ScoreRows = dict[tuple[date, str, Decimal], int]
# (team, category) -> people, by the change at their latest month in the period, counted
# with that month's team (and worker); team None: all the scope's teams together. Category
# "" is a person without a reliable change yet (one check-in, or under 28 days).
ChangeRows = dict[tuple[UUID | None, str], int]


class Source(Protocol):
    def contacts(self, scope: Scope) -> ContactRows:
        """Every team's months, and every worker's part of them (one query)."""
        ...

    def services(self, scope: Scope) -> ServiceRows:
        """Services per team, month and type: the team's, or the scope's worker's (one query)."""
        ...

    def scores(self, scope: Scope, measures: Sequence[str]) -> ScoreRows:
        """Distributions per month and measure: the teams', or their worker's (one query)."""
        ...

    def changes(self, scope: Scope, measure: str) -> ChangeRows:
        """Reliable change counts per team and for the scope's teams together (one query)."""
        ...


def _in_scope_months(scope: Scope) -> Q:
    return Q(team_id__in=scope.team_ids, month__gte=scope.first, month__lte=scope.last)


# Each person once: their latest month in the period (`next_month` after it, or none),
# counted with that month's team and worker. `months` is the rollup table, or the same rows
# made on the fly.
CHANGE_COUNTS = """
SELECT team_id, category, count(*)
  FROM months
 WHERE measure = %(measure)s AND team_id = ANY(%(teams)s::uuid[])
   AND month >= %(first)s AND month <= %(last)s
   AND (next_month IS NULL OR next_month > %(last)s)
   AND (%(any_worker)s OR worker_id = %(worker)s)
 GROUP BY team_id, category
"""

# Constant SQL composed with psycopg2.sql (no value is ever formatted into SQL here).
WITH_MONTHS = SQL("WITH months AS ({months}) {counts}")
ROLLUP_CHANGES = WITH_MONTHS.format(months=SQL("SELECT * FROM reports_checkin_month"), counts=SQL(CHANGE_COUNTS))
LIVE_CHANGES = WITH_MONTHS.format(months=person_months("in_period"), counts=SQL(CHANGE_COUNTS))

LIVE_SCORES = WITH_MONTHS.format(
    months=person_months("in_period"),
    counts=SQL("""
SELECT month, measure, value, count(*)
  FROM months
 WHERE measure = ANY(%(measures)s) AND team_id = ANY(%(teams)s::uuid[])
   AND month >= %(first)s AND month <= %(last)s
   AND (%(any_worker)s OR worker_id = %(worker)s)
 GROUP BY month, measure, value
"""),
)


def _change_params(scope: Scope, measure: str) -> dict[str, Any]:
    return {
        "measure": measure,
        "teams": [str(team) for team in scope.team_ids],
        "first": scope.first,
        "last": scope.last,
        "any_worker": scope.worker_id is None,
        "worker": scope.worker_id,
    }


def _change_rows(sql: Composable, params: dict[str, Any]) -> ChangeRows:
    """Per team, and for all the scope's teams together (team None: each person once)."""
    found: ChangeRows = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for team, category, count in cursor.fetchall():
            found[(UUID(str(team)), category)] = count
            found[(None, category)] = found.get((None, category), 0) + count
    return found


class RollupSource:
    def contacts(self, scope: Scope) -> ContactRows:
        rows = MonthlyTeamContacts.objects.filter(_in_scope_months(scope)).values_list(
            "team_id", "month", "worker_id", "contacts", "anonymous_contacts", "anonymous_people", "people_seen"
        )
        return {(team, month, worker): ContactCounts(*counts) for team, month, worker, *counts in rows}

    def services(self, scope: Scope) -> ServiceRows:
        worker = Q(worker_id=scope.worker_id) if scope.worker_id is not None else Q(worker__isnull=True)
        rows = (
            MonthlyTeamServices.objects.filter(_in_scope_months(scope), worker)
            .exclude(given=0)
            .values_list("team_id", "month", "service_type_id", "given", "quantity", "people")
        )
        return {(team, month, service): ServiceCounts(*counts) for team, month, service, *counts in rows}

    def scores(self, scope: Scope, measures: Sequence[str]) -> ScoreRows:
        worker = Q(worker_id=scope.worker_id) if scope.worker_id is not None else Q(worker__isnull=True)
        rows = (
            MonthlyTeamScores.objects.filter(_in_scope_months(scope), worker, measure__in=measures)
            .values_list("month", "measure", "value")
            .annotate(total=Sum("people"))
            .order_by()
        )
        return {(month, measure, value): people for month, measure, value, people in rows}

    def changes(self, scope: Scope, measure: str) -> ChangeRows:
        return _change_rows(ROLLUP_CHANGES, _change_params(scope, measure))


def _local_month(value: datetime) -> date:
    return timezone.localtime(value).date().replace(day=1)


class LiveSource:
    def contacts(self, scope: Scope) -> ContactRows:
        anonymous = Q(client__isnull=True)
        contacts = (
            Encounter.objects.filter(
                team_id__in=scope.team_ids, happened_at__gte=scope.starts, happened_at__lt=scope.ends
            )
            .annotate(month=TruncMonth("happened_at"))
            .order_by()
        )
        found: ContactRows = {}
        for grouping in (("team_id", "month"), ("team_id", "month", "worker_id")):
            rows = contacts.values(*grouping).annotate(
                n=Count("id"),
                anonymous=Count("id", filter=anonymous),
                head_count=Coalesce(Sum("head_count", filter=anonymous), 0),
                people=Count("client_id", distinct=True),
            )
            for row in rows:
                key = (row["team_id"], _local_month(row["month"]), row.get("worker_id"))
                found[key] = ContactCounts(row["n"], row["anonymous"], row["head_count"], row["people"])
        return found

    def services(self, scope: Scope) -> ServiceRows:
        """Per day, then folded into months as the rollup does: counts added up, people the
        busiest day's (dashboards/models.py, MonthlyTeamServices)."""
        given = ServiceProvided.objects.filter(
            encounter__team_id__in=scope.team_ids,
            encounter__happened_at__gte=scope.starts,
            encounter__happened_at__lt=scope.ends,
        )
        if scope.worker_id is not None:
            given = given.filter(encounter__worker_id=scope.worker_id)
        rows = (
            given.annotate(day=TruncDate("encounter__happened_at"))
            .values("encounter__team_id", "day", "service_type_id")
            .annotate(
                n=Count("id"),
                total=Sum("quantity"),
                people=Count("encounter__client_id", distinct=True)
                + Coalesce(Sum("encounter__head_count", filter=Q(encounter__client__isnull=True)), 0),
            )
            .order_by()
        )
        found: ServiceRows = {}
        for row in rows:
            key = (row["encounter__team_id"], row["day"].replace(day=1), row["service_type_id"])
            before = found.get(key, ServiceCounts())
            found[key] = ServiceCounts(
                before.given + row["n"], before.quantity + row["total"], max(before.people, row["people"])
            )
        return found

    def _person_months(self, scope: Scope) -> dict[str, Any]:
        return person_months_params(teams=scope.team_ids, starts=scope.starts, ends=scope.ends)

    def scores(self, scope: Scope, measures: Sequence[str]) -> ScoreRows:
        params = self._person_months(scope) | _change_params(scope, "") | {"measures": list(measures)}
        with connection.cursor() as cursor:
            cursor.execute(LIVE_SCORES, params)
            return {(month, measure, value): people for month, measure, value, people in cursor.fetchall()}

    def changes(self, scope: Scope, measure: str) -> ChangeRows:
        return _change_rows(LIVE_CHANGES, self._person_months(scope) | _change_params(scope, measure))
