"""Query counts of the dashboards: pinned, and the same with 2 as with 20 teams, months,
people, workers, contacts and check-ins.

Every page: session, user, memberships (3), then its own queries (listed beside each).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from core.dates import add_months
from dashboards import rollups
from dashboards.forms import worker_token
from encounters.models import ServiceProvided, ServiceType
from health.education import Topic, TopicCovered
from health.models import TeamVaccine, Vaccination
from tests.encounters.referral_factories import OverdoseResponseFactory, ReferralFactory
from tests.factories import ClientFactory, EncounterFactory, MembershipFactory, TeamFactory
from tests.goals.factories import GoalFactory

from .helpers import check_in, instrument

pytestmark = pytest.mark.django_db

# teams, staff, rollups (contacts, services and their types, scores, change), goals (3),
# overdose responses, reported reversals, supplies for others, the three "right now" counts,
# caseload names, when refreshed, goal attainment over the period (dashboards/attainment.py),
# the cascade of tests and linkage to care (health/figures.py), safer-use topics covered and
# the teams' topics (health/education_figures.py: 2), vaccinations and the teams' own vaccines
# (health/vaccination_figures.py: 2).
DASHBOARD = 27
# teams, rollups (5), goals (3) and the people behind them (2), overdose responses,
# "right now" (3), when refreshed; health's cascade and incidents (alongside_health_events);
# the year's goal attainment (alongside_org_attainment); safer-use topics covered
# (alongside_education_events); vaccine doses (alongside_vaccination_events); and, at a first
# look at the year, Django's database cache shared by every process (7: whether the year is
# there, reading it, writing it).
ORGANISATION = 22


def grow(supervisor: User, teams: int, people: int) -> None:
    """`teams` teams the supervisor leads, each with a worker and a vaccine of its own, `people`
    people who each have a contact with services, two WHO-5 check-ins, self-ratings, a goal, a
    referral due, an overdose response, a hepatitis B dose and a dose of the team's vaccine,
    spread over the last `people` months."""
    who5, ratings = instrument("who5"), instrument("self_ratings")
    types = list(ServiceType.objects.all()[:3])
    now = timezone.now()
    for _ in range(teams):
        team = TeamFactory.create()
        MembershipFactory.create(team=team, user=supervisor, role=Membership.Role.SUPERVISOR)
        worker = MembershipFactory.create(team=team, role=Membership.Role.WORKER).user
        own = TeamVaccine.objects.create(team=team, name=f"Vaccine of {team.name}", doses=2)
        for index in range(people):
            when = now - timedelta(days=30 * index)
            person = ClientFactory.create(home_team=team, last_seen_at=now - timedelta(days=60))
            contact = EncounterFactory.create(client=person, team=team, worker=worker, happened_at=when)
            for service_type in types:
                ServiceProvided.objects.create(encounter=contact, service_type=service_type, quantity=2)
            check_in(person, who5, [2, 2, 2, 2, 2], at=when - timedelta(days=40), by=worker)
            check_in(person, who5, [5, 4, 4, 4, 4], at=when, by=worker)
            check_in(person, ratings, [5, 6, None], at=when, by=worker)
            GoalFactory.create(client=person, created_at=when)
            ReferralFactory.create(client=person, follow_up_on=timezone.localdate() - timedelta(days=1))
            OverdoseResponseFactory.create(client=person, happened_at=when)
            for topic in Topic.objects.filter(team=team)[:2]:
                TopicCovered.objects.create(encounter=contact, topic=topic, practised=True, created_by=worker)
            for vaccine, team_vaccine in (("hep_b", None), ("other", own)):
                Vaccination.objects.create(
                    client=person,
                    team=team,
                    encounter=contact,
                    vaccine=vaccine,
                    team_vaccine=team_vaccine,
                    dose=1,
                    given_on=timezone.localdate(when),
                    created_by=worker,
                )
    rollups.refresh()


def period(months: int) -> dict[str, str]:
    this_month = timezone.localdate().replace(day=1)
    return {"period": "custom", "start": f"{add_months(this_month, 1 - months):%Y-%m}", "end": f"{this_month:%Y-%m}"}


def count(client: HttpClient, url: str, data: dict[str, str]) -> int:
    """The page's queries, with a session signed in just now: growing the data can take over a
    minute on a loaded machine, and a session last seen a minute ago is written once more."""
    client.force_login(User.objects.get(pk=client.session["_auth_user_id"]))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_query_count(supervisor_client: HttpClient, supervisor: User) -> None:
    grow(supervisor, teams=1, people=2)  # with the supervisor's own team: 2 teams
    two = count(supervisor_client, reverse("dashboards:dashboard"), period(2))
    grow(supervisor, teams=17, people=1)
    grow(supervisor, teams=1, people=20)  # 20 teams, one with 20 people over 20 months
    twenty = count(supervisor_client, reverse("dashboards:dashboard"), period(20))
    assert (two, twenty) == (DASHBOARD, DASHBOARD)


def test_the_dashboard_query_count_for_one_worker(supervisor_client: HttpClient, supervisor: User) -> None:
    grow(supervisor, teams=2, people=2)
    worker = Membership.objects.filter(role=Membership.Role.WORKER).first()
    assert worker is not None
    data = {**period(3), "worker": worker_token(worker.user_id)}
    assert count(supervisor_client, reverse("dashboards:dashboard"), data) == DASHBOARD


def test_the_organisation_view_query_count(client: HttpClient, data_admin: User, supervisor: User) -> None:
    client.force_login(data_admin)
    grow(supervisor, teams=2, people=2)
    two = count(client, reverse("dashboards:organisation"), period(2))
    grow(supervisor, teams=17, people=1)
    grow(supervisor, teams=1, people=20)
    twenty = count(client, reverse("dashboards:organisation"), period(20))
    assert (two, twenty) == (ORGANISATION, ORGANISATION)
    assert "Vaccine of " not in client.get(reverse("dashboards:organisation")).content.decode()


def test_grow_makes_what_the_pages_count(supervisor_client: HttpClient, supervisor: User) -> None:
    grow(supervisor, teams=1, people=3)
    response = supervisor_client.get(reverse("dashboards:dashboard"), period(3))
    figures = response.context["figures"]
    assert [m.contacts for m in figures.contacts] == [1, 1, 1]
    assert [m.means[0] for m in figures.ratings] == [5.0, 5.0, 5.0]
    assert figures.change.improved == 3  # 40 -> 84, 40 days apart
    assert [m.goals_set for m in figures.goals] == [1, 1, 1]
    assert [m.responses for m in figures.overdoses] == [1, 1, 1]
    assert (figures.now.followups_due, figures.now.not_seen) == (3, 3)
    assert len(figures.caseload) == 1
    # Two teams (the supervisor's own has no doses): rows per team, the team's vaccine by its name.
    shown = [(row.label, [str(cell) for cell in row.cells]) for row in response.context["vaccinations"].rows]
    assert sorted(cells for label, cells in shown if label.startswith("Hepatitis B ·")) == [["0", "0"], ["3", "3"]]
    assert [cells for label, cells in shown if label.startswith("Vaccine of ")] == [["3", "3"]]
