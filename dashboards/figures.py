"""The dashboards' figures, built from a source (dashboards/sources.py) and a few live counts.

Plain data for the templates and charts: months in order with zeros where nothing
happened, per-team summaries for the organisation view. Nothing here reads a name of a
person served, a note, or anything about drug use: wellbeing, goals, contacts, services,
overdose responses and workload only (DESIGN.md, principle 1).

What is counted, and for whom:
- contacts, services and their people: the team that logged the contact; "people seen" is
  distinct registered people in a team's month (added up over months and teams);
- wellbeing: each person once a month, their latest value that month, with the team and
  worker of that check-in (dashboards/models.py, CheckInMonth); monthly mean, median and
  quartiles are exact, read from the distributions (`Distribution`);
- reliable change: people with a WHO-5 total in the period, each once, by the change from
  their first total ever to their latest in the period (counted with that month's team and
  worker), among those whose two are 28 days apart or more;
- goals: goals/stats.py (the team the goal was set in); overdose responses: the team that
  responded, "reversed by staff" when the person survived; reversals participants reported:
  the team they were reported to, by month (encounters.ReportedReversal keeps no day and no
  worker); supplies for others and their estimated reach: the contact's team and time;
  the "right now" counts: people whose home team it is now.
The worker filter applies to contacts, services, wellbeing, change, overdose responses and
supplies for others (the worker who logged, took or recorded them); goals, reported
reversals and the "right now" counts are the whole team's.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from core.dates import add_months
from encounters.catalogue import NALOXONE, SYRINGES
from encounters.models import ForOthers, OverdoseResponse, ReportedReversal, ServiceType
from goals.models import Goal
from goals.stats import monthly_goal_numbers
from outcomes.instruments import SELF_RATINGS as SELF_RATINGS_SPEC
from outcomes.instruments import WHO5 as WHO5_SPEC

from .attainment import attainment_change
from .now import now_counts
from .now import total as _total
from .shapes import (
    CategoryMonth,
    ChangeShares,
    ContactMonth,
    Distribution,
    Figures,
    GoalMonth,
    NowCounts,
    OverdoseMonth,
    PeerMonth,
    RatingMonth,
    ScoreMonth,
    ServiceLine,
    TeamSummary,
    WorkerLoad,
)
from .sources import ChangeRows, ContactCounts, ContactRows, Scope, ScoreRows, ServiceRows, Source

WHO5 = WHO5_SPEC.slug
# (measure, label msgid): the three self-ratings, 0 to 10.
SELF_RATINGS = [(f"{SELF_RATINGS_SPEC.slug}.{item.key}", item.wording) for item in SELF_RATINGS_SPEC.items]
MEASURES = [WHO5, *(measure for measure, _label in SELF_RATINGS)]
# SYRINGES and NALOXONE (encounters.catalogue): shown by name in the monthly contacts
# table, whatever the catalogue calls them now.


def _contact_months(
    scope: Scope, rows: ContactRows, services: ServiceRows, slugs: dict[UUID, str]
) -> list[ContactMonth]:
    wanted = scope.worker_id
    per_month: dict[date, ContactCounts] = defaultdict(ContactCounts)
    basis: dict[date, int] = defaultdict(int)
    for (_team, month, worker), counts in rows.items():
        if worker == wanted:
            before = per_month[month]
            per_month[month] = ContactCounts(
                before.contacts + counts.contacts,
                before.anonymous_contacts + counts.anonymous_contacts,
                before.anonymous_people + counts.anonymous_people,
                before.people_seen + counts.people_seen,
            )
            basis[month] = max(basis[month], counts.people_seen + counts.anonymous_people)
    given: dict[tuple[date, str], int] = defaultdict(int)
    given_people: dict[tuple[date, str], int] = defaultdict(int)
    for (_team, month, service_type), service in services.items():
        key = (month, slugs.get(service_type, ""))
        given[key] += service.quantity
        given_people[key] = max(given_people[key], service.people)
    return [
        ContactMonth(
            month,
            per_month[month].contacts,
            per_month[month].people_seen,
            per_month[month].anonymous_contacts,
            per_month[month].anonymous_people,
            given[(month, SYRINGES)],
            given[(month, NALOXONE)],
            basis[month],
            given_people[(month, SYRINGES)],
            given_people[(month, NALOXONE)],
        )
        for month in scope.months
    ]


def _services(
    scope: Scope, rows: ServiceRows, types: Sequence[ServiceType]
) -> tuple[list[ServiceLine], list[tuple[str, str]], list[CategoryMonth]]:
    by_type: dict[UUID, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_category: dict[tuple[date, str], int] = defaultdict(int)
    category_people: dict[tuple[date, str], int] = defaultdict(int)
    kinds = {service_type.pk: service_type for service_type in types}
    for (_team, month, service_type), counts in rows.items():
        totals = by_type[service_type]
        totals[0] += counts.given
        totals[1] += counts.quantity
        totals[2] = max(totals[2], counts.people)
        key = (month, kinds[service_type].category)
        by_category[key] += counts.given
        category_people[key] = max(category_people[key], counts.people)
    lines = [
        ServiceLine(
            service_type.slug,
            service_type.label,
            service_type.category,
            service_type.counts_quantity,
            gettext(service_type.unit) if service_type.unit else "",
            *by_type[service_type.pk],
        )
        for service_type in types
        if service_type.pk in by_type
    ]
    given = {line.category for line in lines}
    categories = [(key, str(label)) for key, label in ServiceType.Category.choices if key in given]
    months = [
        CategoryMonth(
            month,
            [by_category[(month, key)] for key, _label in categories],
            [category_people[(month, key)] for key, _label in categories],
        )
        for month in scope.months
    ]
    return lines, categories, months


def _caseload(scope: Scope, rows: ContactRows, names: Mapping[int, str]) -> list[WorkerLoad]:
    contacts: dict[int, int] = defaultdict(int)
    people: dict[tuple[int, date], int] = defaultdict(int)
    for (_team, month, worker), counts in rows.items():
        if worker is not None and (scope.worker_id is None or worker == scope.worker_id):
            contacts[worker] += counts.contacts
            people[(worker, month)] += counts.people_seen
    months = scope.months
    loads = [
        WorkerLoad(
            worker,
            names.get(worker, "?"),
            contacts[worker],
            sum(people[(worker, month)] for month in months) / len(months),
            people[(worker, months[-1])],
        )
        for worker in contacts
    ]
    # Ties (as many contacts, the same name) end on the id: the same data, the same order.
    return sorted(loads, key=lambda load: (-load.contacts, load.name, load.worker_id))


def _distributions(rows: ScoreRows) -> dict[tuple[date, str], dict[Decimal, int]]:
    """People per value, per (month, measure)."""
    found: dict[tuple[date, str], dict[Decimal, int]] = defaultdict(dict)
    for (month, measure, value), people in rows.items():
        found[(month, measure)][value] = people
    return found


def _wellbeing(scope: Scope, rows: ScoreRows) -> tuple[list[ScoreMonth], list[RatingMonth]]:
    found = _distributions(rows)
    wellbeing = [ScoreMonth.of(month, Distribution(found.get((month, WHO5), {}))) for month in scope.months]
    ratings = []
    for month in scope.months:
        distributions = [Distribution(found.get((month, measure), {})) for measure, _label in SELF_RATINGS]
        ratings.append(
            RatingMonth(month, [d.mean for d in distributions], [d.people for d in distributions]),
        )
    return wellbeing, ratings


GoalCounts = tuple[int, int, int, int]  # set, achieved, changed, set aside


def _goals(scope: Scope, *, people: bool) -> tuple[list[GoalMonth], dict[UUID, tuple[GoalCounts, GoalCounts]]]:
    """goals/stats.py's numbers per month and per team (three queries); with `people`, also
    how many people are behind each (two more)."""
    numbers = monthly_goal_numbers(team_ids=scope.team_ids, since=scope.first, until=scope.last)
    per_month: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    per_team: dict[UUID, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in numbers:
        for index, value in enumerate((row.goals_set, row.achieved, row.changed, row.set_aside)):
            per_month[row.month][index] += value
            per_team[row.team_id][index] += value
    month_people: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    team_people: dict[UUID, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for team, month, index, count in _goal_people(scope) if people else []:
        month_people[month][index] = max(month_people[month][index], count)
        team_people[team][index] = max(team_people[team][index], count)
    months = []
    for month in scope.months:
        goals_set, achieved, changed, set_aside = _four(per_month[month])
        months.append(GoalMonth(month, goals_set, achieved, changed, set_aside, people=_four(month_people[month])))
    return months, {team: (_four(per_team[team]), _four(team_people[team])) for team in per_team}


def _four(counts: Sequence[int]) -> GoalCounts:
    return (counts[0], counts[1], counts[2], counts[3])


STATUS_INDEX: dict[str, int] = {
    Goal.Status.ACHIEVED.value: 1,
    Goal.Status.CHANGED.value: 2,
    Goal.Status.SET_ASIDE.value: 3,
}


def _goal_people(scope: Scope) -> list[tuple[UUID, date, int, int]]:
    """(team, month, which count, people) as goals/stats.py counts goals: set by the month they
    were noted, ended by their status date."""
    goals = Goal.objects.filter(team_id__in=scope.team_ids)
    set_rows = (
        goals.filter(created_at__gte=scope.starts, created_at__lt=scope.ends)
        .annotate(month=TruncMonth("created_at"))
        .values("team_id", "month")
        .annotate(people=Count("client_id", distinct=True))
        .order_by()
    )
    found = [(row["team_id"], _local_month(row["month"]), 0, row["people"]) for row in set_rows]
    ended_rows = (
        goals.exclude(status=Goal.Status.ACTIVE)
        .filter(status_on__gte=scope.first, status_on__lt=add_months(scope.last, 1))
        .annotate(month=TruncMonth("status_on"))
        .values("team_id", "month", "status")
        .annotate(people=Count("client_id", distinct=True))
        .order_by()
    )
    found += [(row["team_id"], row["month"], STATUS_INDEX[row["status"]], row["people"]) for row in ended_rows]
    return found


def _local_month(value: datetime) -> date:
    return timezone.localtime(value).date().replace(day=1)


def _overdoses(scope: Scope) -> tuple[list[OverdoseMonth], dict[UUID, int]]:
    """The teams' responses per month (overdose_team_when_idx: a range per team). One query."""
    responses = OverdoseResponse.objects.filter(
        team_id__in=scope.team_ids, happened_at__gte=scope.starts, happened_at__lt=scope.ends
    )
    if scope.worker_id is not None:
        responses = responses.filter(created_by_id=scope.worker_id)
    rows = (
        responses.annotate(month=TruncMonth("happened_at"))
        .values("team_id", "month")
        .annotate(
            n=Count("id"),
            doses=Coalesce(Sum("naloxone_doses"), 0),
            called=Count("id", filter=Q(emergency_services=OverdoseResponse.EmergencyServices.CALLED)),
            survived=Count("id", filter=Q(outcome__in=SURVIVED)),
        )
        .order_by()
    )
    per_month: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    per_team: dict[UUID, int] = defaultdict(int)
    for row in rows:
        counts = per_month[_local_month(row["month"])]
        for index, value in enumerate((row["n"], row["doses"], row["called"], row["survived"])):
            counts[index] += value
        per_team[row["team_id"]] += row["n"]
    return [OverdoseMonth(month, *per_month[month]) for month in scope.months], per_team


# A staff response reversed an overdose when the person survived it.
SURVIVED = [
    OverdoseResponse.Outcome.RESPONSIVE,
    OverdoseResponse.Outcome.TRANSPORTED,
    OverdoseResponse.Outcome.DECLINED_TRANSPORT,
]


def _peers(scope: Scope) -> list[PeerMonth]:
    """Reversals reported (reversal_team_month_idx) and supplies for others with their reach
    (for_others_team_when_idx), per month: two queries."""
    reports = (
        ReportedReversal.objects.filter(
            team_id__in=scope.team_ids, month__gte=scope.months[0], month__lte=scope.months[-1]
        )
        .values("month")
        .annotate(n=Count("pk"), survived=Count("pk", filter=Q(outcome=ReportedReversal.Outcome.SURVIVED)))
        .order_by()
    )
    reported = {row["month"]: (row["n"], row["survived"]) for row in reports}
    given = ForOthers.objects.filter(
        team_id__in=scope.team_ids, happened_at__gte=scope.starts, happened_at__lt=scope.ends
    )
    if scope.worker_id is not None:
        given = given.filter(encounter__worker_id=scope.worker_id)
    reach: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    rows = given.annotate(month=TruncMonth("happened_at")).values("month").annotate(n=Count("pk"), people=Sum("people"))
    for row in rows.order_by():
        totals = reach[_local_month(row["month"])]
        totals[0] += row["n"]
        totals[1] += row["people"]
    return [PeerMonth(month, *reported.get(month, (0, 0)), *reach[month]) for month in scope.months]


def worker_names(ids: Iterable[int]) -> dict[int, str]:
    """Staff names for the caseload table (one query)."""
    users = User.objects.filter(pk__in=list(ids)).only("first_name", "last_name", "username")
    return {user.pk: user.get_full_name() or user.username for user in users}


def dashboard(scope: Scope, *, source: Source, team_names: Mapping[UUID, str], organisation: bool = False) -> Figures:
    """Everything a dashboard shows for the scope, from `source`, in a fixed number of queries.

    The supervisors' dashboard has a caseload per worker (one more query, for names); the
    organisation view has none, and the people behind the goals counts instead (two more).
    """
    contact_rows = source.contacts(scope)
    service_rows = source.services(scope)
    # Catalogue order, then the unique short name: two services may share a place and a name.
    types = list(ServiceType.objects.order_by("order", "name", "slug"))
    lines, categories, category_months = _services(scope, service_rows, types)
    score_rows = source.scores(scope, MEASURES)
    wellbeing, ratings = _wellbeing(scope, score_rows)
    change_rows = source.changes(scope, WHO5)
    goals, goals_per_team = _goals(scope, people=organisation)
    overdoses, overdoses_per_team = _overdoses(scope)
    peers = _peers(scope)
    now = now_counts(scope.team_ids)
    caseload = []
    if not organisation:
        ids = {worker for (_team, _month, worker) in contact_rows if worker is not None}
        caseload = _caseload(scope, contact_rows, worker_names(ids))
    slugs = {service_type.pk: service_type.slug for service_type in types}
    figures = Figures(
        scope=scope,
        contacts=_contact_months(scope, contact_rows, service_rows, slugs),
        services=lines,
        categories=categories,
        category_months=category_months,
        caseload=caseload,
        goals=goals,
        overdoses=overdoses,
        peers=peers,
        wellbeing=wellbeing,
        ratings=ratings,
        rating_labels=[gettext(label) for _measure, label in SELF_RATINGS],
        change=ChangeShares.of({category: n for (team, category), n in change_rows.items() if team is None}),
        now=_total(now.values()),
        teams=[],
        attainment=attainment_change(team_ids=scope.team_ids, starts=scope.starts, ends=scope.ends),
    )
    figures.teams = _team_summaries(scope, team_names, contact_rows, service_rows, slugs, change_rows)
    for summary in figures.teams:
        counts, people = goals_per_team.get(summary.team_id, ((0, 0, 0, 0), (0, 0, 0, 0)))
        summary.goals_set, summary.achieved = counts[0], counts[1]
        summary.goals_set_people, summary.achieved_people = people[0], people[1]
        summary.overdoses = overdoses_per_team.get(summary.team_id, 0)
        summary.now = now.get(summary.team_id, NowCounts())
    return figures


def _team_summaries(
    scope: Scope,
    team_names: Mapping[UUID, str],
    contacts: ContactRows,
    services: ServiceRows,
    slugs: Mapping[UUID, str],
    changes: ChangeRows,
) -> list[TeamSummary]:
    summaries = {team: TeamSummary(team, team_names.get(team, ""), months=len(scope.months)) for team in scope.team_ids}
    for (team, _month, worker), counts in contacts.items():
        if worker == scope.worker_id and team in summaries:
            summary = summaries[team]
            summary.contacts += counts.contacts
            summary.people_reached = max(summary.people_reached, counts.people_seen + counts.anonymous_people)
            summary.people_seen += counts.people_seen
    for (team, _month, service_type), service in services.items():
        if team not in summaries:
            continue
        summary = summaries[team]
        if slugs.get(service_type) == SYRINGES:
            summary.syringes += service.quantity
            summary.syringes_people = max(summary.syringes_people, service.people)
        elif slugs.get(service_type) == NALOXONE:
            summary.naloxone_kits += service.quantity
            summary.naloxone_people = max(summary.naloxone_people, service.people)
    per_team: dict[UUID, dict[str, int]] = defaultdict(dict)
    for (changed_team, category), count in changes.items():
        if changed_team is not None:
            per_team[changed_team][category] = count
    for team_id, categories in per_team.items():
        if team_id in summaries:
            summaries[team_id].change = ChangeShares.of(categories)
    return sorted(summaries.values(), key=lambda summary: summary.name)
