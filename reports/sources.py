"""Where the dashboards' monthly numbers come from: the rollups, or the source tables directly.

Both sources answer the same questions with the same plain data, so the dashboards are
built the same way from either, a test checks that they agree on random data
(tests/reports/test_rollup_matches_live.py), and the benchmark times one against the
other (bench/: `dashboard_live_over_rollup`).

- `RollupSource` reads reports/models.py's tables: a few hundred rows for a team's year.
- `LiveSource` groups the contacts, services and check-ins of the period with the ORM
  (independently of the refresh's SQL, so the test checks that SQL too).
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol
from uuid import UUID

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.dates import add_months
from encounters.models import Encounter, ServiceProvided

from .models import MonthlyTeamContacts, MonthlyTeamServices


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
    people: int = 0


# (team, month, worker): worker None is the whole team's month.
ContactRows = dict[tuple[UUID, date, int | None], ContactCounts]
# (team, month, service type): the whole team's, or the scope's worker's when it has one.
ServiceRows = dict[tuple[UUID, date, UUID], ServiceCounts]


class Source(Protocol):
    def contacts(self, scope: Scope) -> ContactRows:
        """Every team's months, and every worker's part of them (one query)."""
        ...

    def services(self, scope: Scope) -> ServiceRows:
        """Services per team, month and type: the team's, or the scope's worker's (one query)."""
        ...


def _in_scope_months(scope: Scope) -> Q:
    return Q(team_id__in=scope.team_ids, month__gte=scope.first, month__lte=scope.last)


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
        given = ServiceProvided.objects.filter(
            encounter__team_id__in=scope.team_ids,
            encounter__happened_at__gte=scope.starts,
            encounter__happened_at__lt=scope.ends,
        )
        if scope.worker_id is not None:
            given = given.filter(encounter__worker_id=scope.worker_id)
        rows = (
            given.annotate(month=TruncMonth("encounter__happened_at"))
            .values("encounter__team_id", "month", "service_type_id")
            .annotate(
                n=Count("id"),
                total=Sum("quantity"),
                people=Count("encounter__client_id", distinct=True)
                + Coalesce(Sum("encounter__head_count", filter=Q(encounter__client__isnull=True)), 0),
            )
            .order_by()
        )
        return {
            (row["encounter__team_id"], _local_month(row["month"]), row["service_type_id"]): ServiceCounts(
                row["n"], row["total"], row["people"]
            )
            for row in rows
        }
