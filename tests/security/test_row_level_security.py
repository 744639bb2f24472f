"""Row-level security: the database's second wall behind `visible_to` (core/scope.py).

The application's role sees a person only inside a transaction scoped to the person's team:
a raw SELECT that names another team's person finds nothing, a page whose `visible_to` is
taken away (here, by the test) still shows nothing of another team, and the policy is the
same rule as `visible_to` on random data, people transferred included.
"""

from datetime import timedelta
from io import StringIO
from typing import Any
from uuid import UUID

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Membership, Team, User
from clients.models import Client, ClientQuerySet
from clients.services.transfer import transfer_client
from core.scope import EVERY_TEAM, TeamScopeMiddleware, current_teams, team_scope
from dashboards.models import MonthlyTeamContacts
from tests.db_roles import running_as_app_role
from tests.factories import ClientFactory, EncounterFactory, MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


def raw_ids(table: str) -> set[UUID]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table}")  # noqa: S608 (a table name from the test)
        return {row[0] for row in cursor.fetchall()}


def test_the_suite_runs_as_the_application_role() -> None:
    """The policies bind the application's role, not the tables' owner: `make test` and CI
    run the tests as that role (tests/db_roles.py), or nothing here would show anything."""
    assert running_as_app_role()
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)


def test_a_raw_select_of_another_teams_person_returns_nothing(person: Client, other_team: Team) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    with team_scope([person.home_team_id]), connection.cursor() as cursor:
        cursor.execute("SELECT id, code FROM clients_client WHERE id = %s", [stranger.pk])
        assert cursor.fetchall() == []
        cursor.execute("SELECT count(*) FROM clients_client WHERE home_team_id = %s", [other_team.pk])
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT id FROM clients_client WHERE id = %s", [person.pk])
        assert cursor.fetchall() == [(person.pk,)]


def test_without_a_scope_the_application_role_sees_no_one(person: Client, no_default_scope: None) -> None:
    with transaction.atomic():
        assert current_teams() == ""
        assert raw_ids("clients_client") == set()
        assert not Client.objects.filter(pk=person.pk).exists()


def test_another_teams_person_cannot_be_written_or_added(person: Client, other_team: Team) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    with team_scope([person.home_team_id]):
        assert Client.objects.filter(pk=stranger.pk).update(preferred_name="x") == 0
        with pytest.raises(Exception, match="row-level security"), transaction.atomic():
            ClientFactory.create(home_team=other_team)
    stranger.refresh_from_db()
    assert stranger.preferred_name != "x"


def test_a_page_without_its_visible_to_still_shows_nothing_of_another_team(
    monkeypatch: pytest.MonkeyPatch, worker_client: HttpClient, worker: User, person: Client, other_team: Team
) -> None:
    stranger = ClientFactory.create(home_team=other_team, preferred_name="Stranger")

    def forgotten(self: ClientQuerySet, user: User) -> ClientQuerySet:
        return self.all()  # the Python wall forgotten: every person of every team

    monkeypatch.setattr(ClientQuerySet, "visible_to", forgotten)
    # The first wall is really gone: outside a request (every team in scope) it lets the stranger through.
    assert Client.objects.visible_to(worker).filter(pk=stranger.pk).exists()

    assert worker_client.get(reverse("clients:detail", args=[stranger.code])).status_code == 404
    listed = worker_client.get(reverse("clients:list"))
    assert listed.status_code == 200
    assert stranger.code not in listed.content.decode()
    assert "Stranger" not in listed.content.decode()
    # ... while the team's own person is still there.
    assert worker_client.get(reverse("clients:detail", args=[person.code])).status_code == 200


def test_each_request_is_scoped_to_the_users_teams(worker: User, other_team: Team) -> None:
    seen: list[str] = []

    def view(request: Any) -> HttpResponse:
        seen.append(current_teams())
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = worker
    TeamScopeMiddleware(view)(request)
    assert seen == [",".join(sorted(str(team) for team in worker.team_ids))]
    assert str(other_team.pk) not in seen[0]
    assert current_teams() == EVERY_TEAM  # the test's own default again once the request is done


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("status", "kept"), [(200, True), (302, True), (500, False)])
def test_a_request_is_one_transaction_rolled_back_on_a_server_error(status: int, kept: bool, worker: User) -> None:
    def view(request: Any) -> HttpResponse:
        TeamFactory.create(name="Made by the view")
        return HttpResponse(status=status)

    request = RequestFactory().get("/")
    request.user = worker
    TeamScopeMiddleware(view)(request)
    assert Team.objects.filter(name="Made by the view").exists() is kept


def test_a_transfer_writes_the_person_for_the_receiving_team(
    supervisor: User, person: Client, other_team: Team
) -> None:
    """The supervisor is not in the receiving team: the transfer widens its own scope."""
    with team_scope(supervisor.team_ids):
        transfer_client(actor=supervisor, client=person, to_team=other_team)
        assert current_teams() == ",".join(sorted(str(team) for team in supervisor.team_ids))
        assert not Client.objects.filter(pk=person.pk).exists()  # gone from the old team at once
    person.refresh_from_db()
    assert person.home_team_id == other_team.pk


# The policy is the same rule as visible_to, on random data: teams, users in some of them,
# people with a home team, then some people transferred.
TEAMS = 3


@st.composite
def programmes(draw: st.DrawFn) -> dict[str, Any]:
    users = draw(st.lists(st.sets(st.integers(0, TEAMS - 1), max_size=TEAMS), min_size=1, max_size=4))
    people = draw(st.lists(st.integers(0, TEAMS - 1), min_size=0, max_size=8))
    moves = draw(st.lists(st.tuples(st.integers(0, 7), st.integers(0, TEAMS - 1)), max_size=4))
    return {"users": users, "people": people, "moves": moves}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programme=programmes())
def test_the_policy_is_the_same_rule_as_visible_to(programme: dict[str, Any], supervisor: User) -> None:
    with transaction.atomic():
        teams = [TeamFactory.create() for _ in range(TEAMS)]
        users = []
        for number, memberships in enumerate(programme["users"]):
            user = MembershipFactory.create(team=teams[0], user__username=f"u{number}").user
            Membership.objects.filter(user=user).delete()
            for index in memberships:
                MembershipFactory.create(team=teams[index], user=user)
            users.append(User.objects.get(pk=user.pk))
        people = [ClientFactory.create(home_team=teams[index]) for index in programme["people"]]
        for which, to in programme["moves"]:
            moved = Client.objects.get(pk=people[which % len(people)].pk) if people else None
            if moved is not None and moved.home_team_id != teams[to].pk:
                transfer_client(actor=supervisor, client=moved, to_team=teams[to])
        ours = {person.pk for person in people}
        for user in users:
            expected = set(Client.objects.visible_to(user).filter(pk__in=ours).values_list("pk", flat=True))
            with team_scope(user.team_ids):
                assert raw_ids("clients_client") & ours == expected
        transaction.set_rollback(True)


def test_commands_set_their_own_scope(team: Team, other_team: Team, no_default_scope: None) -> None:
    """Without the tests' default scope, as in production: each command scopes itself to every
    team, and finds the people of both teams."""
    long_ago = timezone.now() - timedelta(days=9 * 365)
    with team_scope(EVERY_TEAM):
        first = ClientFactory.create(home_team=team, last_seen_at=long_ago)
        second = ClientFactory.create(home_team=other_team, last_seen_at=long_ago)
    with transaction.atomic():
        assert raw_ids("clients_client") == set()  # the test itself now sees no one
    out = StringIO()
    call_command("erase_inactive", "--erase", stdout=out)
    assert "Identifying data erased for 2 people." in out.getvalue()
    with team_scope(EVERY_TEAM):
        assert Client.objects.filter(pk__in=[first.pk, second.pk], erased_at__isnull=False).count() == 2
    with team_scope(EVERY_TEAM):
        EncounterFactory.create(client=ClientFactory.create(home_team=other_team))
    call_command("refresh_rollups", stdout=StringIO())
    with team_scope(EVERY_TEAM):
        counted = MonthlyTeamContacts.objects.filter(team=other_team, worker__isnull=True)
        assert counted.values_list("contacts", "people_seen").get() == (1, 1)
