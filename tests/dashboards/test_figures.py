"""The dashboard's figures on the small programme of tests/dashboards/conftest.py, worked out by hand.

Each expected number is written out from the data in that module's docstring.
"""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Team, User
from clients.services.consent import expiring_consents
from dashboards.figures import dashboard
from dashboards.now import now_counts
from dashboards.shapes import (
    CategoryMonth,
    ChangeShares,
    ContactMonth,
    Distribution,
    Figures,
    GoalMonth,
    NowCounts,
    OverdoseMonth,
)
from dashboards.sources import LiveSource, RollupSource, Scope

from .conftest import Programme

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def figures(team: Team, *, worker: User | None = None, first: date = JAN, last: date = MAR) -> Figures:
    scope = Scope((team.pk,), first, last, worker_id=worker.pk if worker else None)
    return dashboard(scope, source=RollupSource(), team_names={team.pk: team.name})


def test_wellbeing_each_month_is_the_mean_median_and_quartiles_of_latest_totals(
    programme: Programme, team: Team
) -> None:
    found = [(m.month, m.people, m.mean, m.median, m.lower, m.upper) for m in figures(team).wellbeing]
    assert found == [
        # January: Ana's latest is 28 (not 52), Robin 40, Dee 48.
        (JAN, 3, pytest.approx(116 / 3), 40, 28 + 0.5 * 12, 40 + 0.5 * 8),
        (FEB, 2, 74, 74, 68 + 0.25 * 12, 68 + 0.75 * 12),
        (MAR, 3, pytest.approx(148 / 3), 60, 24 + 0.5 * 36, 60 + 0.5 * 4),
    ]


def test_reliable_change_counts_each_person_once_by_their_latest_total(programme: Programme, team: Team) -> None:
    assert figures(team).change == ChangeShares(improved=1, no_change=1, worse=1, not_yet=1)
    assert figures(team).change.share(1) == pytest.approx(100 / 3)
    # February alone: Robin's 68 (46 days after 40) is reliably better; Ben has one total.
    assert figures(team, first=FEB, last=FEB).change == ChangeShares(improved=1, not_yet=1)


def test_the_worker_filter_takes_the_check_ins_that_worker_took(
    programme: Programme, team: Team, worker: User, supervisor: User
) -> None:
    assert figures(team, worker=worker).change == ChangeShares(improved=1, worse=1, not_yet=1)
    assert figures(team, worker=supervisor).change == ChangeShares(no_change=1)
    assert [m.people for m in figures(team, worker=supervisor).wellbeing] == [1, 0, 1]


def test_self_ratings_are_means_of_what_people_answered_never_counting_prefer_not_to_say(
    programme: Programme, team: Team
) -> None:
    found = [(m.month, m.means, m.people) for m in figures(team).ratings]
    assert found == [
        (JAN, [6.0, 4.0, 5.0], [2, 2, 1]),
        (FEB, [6.0, None, 7.0], [1, 0, 1]),
        (MAR, [None, None, None], [0, 0, 0]),
    ]


def test_contacts_and_the_syringes_and_naloxone_kits_given(programme: Programme, team: Team, worker: User) -> None:
    months = figures(team).contacts
    found = [(m.contacts, m.people_seen, m.anonymous_contacts, m.anonymous_people, m.syringes, m.naloxone_kits)
             for m in months]  # fmt: skip
    assert found == [(4, 2, 1, 3, 35, 1), (1, 1, 0, 0, 0, 2), (0, 0, 0, 0, 0, 0)]
    mine = figures(team, worker=worker).contacts[0]
    assert isinstance(mine, ContactMonth)
    assert (mine.contacts, mine.people_seen, mine.syringes) == (3, 2, 30)


def test_services_per_type_and_per_category_each_month(programme: Programme, team: Team) -> None:
    found = figures(team)
    assert [(line.slug, line.given, line.quantity) for line in found.services] == [
        ("sterile-syringes", 3, 35),
        ("naloxone-kit", 2, 3),
        ("condoms", 1, 3),
        ("wound-care", 1, 1),
    ]
    assert [key for key, _label in found.categories] == ["supplies", "health"]
    assert [(m.month, m.given) for m in found.category_months] == [(JAN, [5, 1]), (FEB, [1, 0]), (MAR, [0, 0])]
    assert isinstance(found.category_months[0], CategoryMonth)


def test_caseload_per_worker(programme: Programme, team: Team, worker: User, supervisor: User) -> None:
    loads = [(m.worker_id, m.contacts, m.people_per_month, m.people_last_month) for m in figures(team).caseload]
    assert loads == [(worker.pk, 4, pytest.approx(1.0), 0), (supervisor.pk, 1, pytest.approx(1 / 3), 0)]


def test_goals_overdose_responses_and_what_is_due_now(programme: Programme, team: Team) -> None:
    found = figures(team)
    assert found.goals == [GoalMonth(JAN, 2, 0, 0, 0), GoalMonth(FEB, 0, 1, 0, 0), GoalMonth(MAR, 0, 0, 0, 0)]
    assert found.overdoses == [
        OverdoseMonth(JAN, 0, 0, 0),
        OverdoseMonth(FEB, 1, 2, 1, reversed_by_staff=1),
        OverdoseMonth(MAR, 1, 1, 0, reversed_by_staff=1),
    ]
    assert found.now == NowCounts(not_seen=2, consents_due=1, followups_due=1, consents_people=1, followups_people=1)


def test_another_teams_work_is_never_in_a_teams_figures(programme: Programme, team: Team, other_team: Team) -> None:
    north, river = figures(team), figures(other_team)
    assert sum(m.syringes for m in north.contacts) == 35
    assert [m.syringes for m in river.contacts] == [50, 0, 0]
    assert [m.people for m in river.wellbeing] == [1, 0, 0]
    assert river.now.not_seen == 1  # Cai


def test_the_live_figures_are_the_rollup_figures(programme: Programme, team: Team, other_team: Team) -> None:
    scope = Scope((team.pk, other_team.pk), JAN, MAR)
    names = {team.pk: team.name, other_team.pk: other_team.name}
    assert dashboard(scope, source=LiveSource(), team_names=names) == dashboard(
        scope, source=RollupSource(), team_names=names
    )


def test_the_consents_count_is_the_consents_expiring_list(programme: Programme, team: Team) -> None:
    listed = expiring_consents(team_ids=[team.pk], limit=500)
    assert now_counts([team.pk])[team.pk].consents_due == len(listed) == 1


def test_percentiles_from_counts_are_postgresqls_percentile_cont() -> None:
    rng = random.Random(3)
    for _ in range(20):
        values = [Decimal(4 * rng.randint(0, 25)) for _ in range(rng.randint(1, 30))]
        counts: dict[Decimal, int] = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v), avg(v)"
                " FROM unnest(%s::numeric[]) AS v",
                [values],
            )
            (quartiles, mean) = cursor.fetchone()
        distribution = Distribution(counts)
        assert [distribution.percentile(p) for p in (0.25, 0.5, 0.75)] == pytest.approx(quartiles)
        assert distribution.mean == pytest.approx(float(mean))
