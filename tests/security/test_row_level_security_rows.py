"""Row-level security on the rows about a person (core/scope.py; clients 0008, goals 0005
and 0006, outcomes 0006, encounters 0010, dashboards 0010, health 0004): aliases, consents,
flags, dismissed duplicates, merges, goals with their steps and reviews, check-ins, their
answers and drafts, contacts with the services given and supplies for others, referrals and
their updates, overdose responses, the wellbeing rollup's rows per person and month, health
tests and their linkage steps, drug-checking results and incidents
(tests/health/test_row_level_security.py).
Each follows its person's CURRENT home team, as `in_scope` does in Python; a contact, an
overdose response, a drug-checking result or an incident with no person follows its team.

The organisation view and the exports read them across teams through definer functions
(core/definer.py, tests/security/test_definer_functions.py), never with a widened scope.
"""

from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Membership, Team, User
from clients.models import Alias, Client, SafetyFlag
from clients.services.transfer import transfer_client
from core.scope import team_scope
from dashboards import rollups
from encounters.models import (
    Encounter,
    ForOthers,
    OverdoseResponse,
    Referral,
    ReferralUpdate,
    ServiceProvided,
    ServiceType,
)
from goals.models import Goal, Step
from outcomes.models import Answer, CheckIn, Instrument
from tests.encounters.referral_factories import OverdoseResponseFactory, ReferralFactory
from tests.factories import ClientFactory, EncounterFactory, MembershipFactory, TeamFactory
from tests.goals.factories import GoalFactory

pytestmark = pytest.mark.django_db

# Every table with the policy.
PROTECTED = {
    "clients_client",
    "clients_alias",
    "clients_consent",
    "clients_safetyflag",
    "clients_usewish",
    "clients_contextitem",
    "clients_duplicatedismissal",
    "clients_merge",
    "goals_step",
    "goals_review",
    "outcomes_checkin",
    "outcomes_answer",
    "outcomes_checkindraft",
    "encounters_encounter",
    "encounters_serviceprovided",
    "encounters_forothers",
    "encounters_forothersitem",
    "encounters_referral",
    "encounters_referralupdate",
    "encounters_overdoseresponse",
    "goals_goal",
    "reports_checkin_month",
    "health_healthtest",
    "health_linkagestep",
    "health_drugcheck",
    "health_incident",
    "health_prevention",
    "health_vaccination",
    "health_topiccovered",
}
# Tables that hold a person's id (or a row of a protected table's) and truly cannot have the
# policy, each with why (docs/security.md). Neither has a name, a note or any other text.
NAMED = {
    "audit_auditevent": (
        "the audit trail: append-only, ids only; `verify_audit_chain` (run as the application's role) must "
        "read every event of every lane, and sign-in events belong to no team"
    ),
    "reports_pending_change": (
        "the rollups' queue of changed ids, written by the capture triggers in whatever scope the change was "
        "made and emptied by the refresh; ids and months only"
    ),
}


def ids(table: str, where: str = "", params: list[Any] | None = None) -> set[Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} {where}", params or [])  # noqa: S608 (names from the test)
        return {row[0] for row in cursor.fetchall()}


def test_every_table_with_a_persons_id_has_the_policy_or_is_named_here() -> None:
    """Read from the catalogue, not listed by hand: every table with a foreign key to a person,
    or to a table with the policy (a contact's services, a referral's updates, ...), followed
    to the end; and every table with a `client_id` column, foreign key or not."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_policies p ON p.tablename = c.relname"
            " WHERE p.policyname = 'team_scope' AND c.relrowsecurity AND c.relkind = 'r'"
        )
        protected = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            """
            WITH RECURSIVE linked(name) AS (
              SELECT 'clients_client'::text
              UNION
              SELECT rel.relname::text COLLATE "default" FROM pg_constraint con
                JOIN pg_class rel ON rel.oid = con.conrelid
                JOIN pg_class ref ON ref.oid = con.confrelid
                JOIN linked ON linked.name = ref.relname
               WHERE con.contype = 'f'
            )
            SELECT name FROM linked WHERE name <> 'clients_client'
            UNION
            SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE a.attname = 'client_id' AND c.relkind = 'r' AND n.nspname = current_schema() AND NOT a.attisdropped
            """
        )
        pointing = {row[0] for row in cursor.fetchall()}
    assert protected == PROTECTED
    assert pointing - protected == set(NAMED)


def check_in(person: Client) -> CheckIn:
    instrument = Instrument.objects.filter(is_current=True).order_by("slug").first()
    assert instrument is not None
    made = CheckIn.objects.create(client=person, team=person.home_team, instrument=instrument)
    item = instrument.items.order_by("order").first()
    assert item is not None
    Answer.objects.create(check_in=made, item=item, value=1)
    return made


def test_a_raw_select_of_another_teams_rows_returns_nothing(person: Client, other_team: Team) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    theirs = check_in(stranger)
    Alias.objects.create(client=stranger, name="Flaca")
    SafetyFlag.objects.create(client=stranger, text="x")
    goal = Goal.objects.create(client=stranger, team=other_team, words="a home")
    step = Step.objects.create(goal=goal, text="call")
    ours = check_in(person)
    with team_scope([person.home_team_id]):
        assert ids("outcomes_checkin") == {ours.pk}
        assert ids("outcomes_checkin", "WHERE id = %s", [theirs.pk]) == set()
        assert ids("outcomes_answer", "WHERE check_in_id = %s", [theirs.pk]) == set()
        assert ids("clients_alias", "WHERE client_id = %s", [stranger.pk]) == set()
        assert ids("clients_safetyflag", "WHERE client_id = %s", [stranger.pk]) == set()
        assert ids("goals_step", "WHERE id = %s", [step.pk]) == set()
        # Through the ORM with no scope in the query at all: the same.
        assert not CheckIn.objects.filter(pk=theirs.pk).exists()
        assert not Answer.objects.filter(check_in_id=theirs.pk).exists()
        assert CheckIn.objects.filter(pk=ours.pk).exists()


def contact_with_everything(person: Client | None, team: Team) -> dict[str, Any]:
    """A contact (anonymous when `person` is None) with a service given and supplies for
    others; for a person also a referral with an update, an overdose response and a goal."""
    encounter = EncounterFactory.create(client=person, team=team, site=None, head_count=1 if person else 2)
    service_type = ServiceType.objects.order_by("order").first()
    assert service_type is not None
    service = ServiceProvided.objects.create(encounter=encounter, service_type=service_type, quantity=1)
    ForOthers.objects.create(encounter=encounter, team=team, happened_at=encounter.happened_at, people=2)
    made = {"encounters_encounter": encounter.pk, "encounters_serviceprovided": service.pk}
    made["encounters_overdoseresponse"] = OverdoseResponseFactory.create(client=person, team=team).pk
    if person is not None:
        referral = ReferralFactory.create(client=person)
        made["encounters_referral"] = referral.pk
        made["encounters_referralupdate"] = ReferralUpdate.objects.filter(referral=referral).values_list(
            "pk", flat=True
        )[0]
        made["goals_goal"] = GoalFactory.create(client=person).pk
    return made


def test_a_raw_select_of_another_teams_contacts_and_their_rows_returns_nothing(
    person: Client, other_team: Team
) -> None:
    """Every table the second step put under a policy, as raw SQL with no scope in it."""
    stranger = ClientFactory.create(home_team=other_team)
    theirs = contact_with_everything(stranger, other_team)
    their_anonymous = contact_with_everything(None, other_team)
    ours = contact_with_everything(person, person.home_team)
    our_anonymous = contact_with_everything(None, person.home_team)
    when = timezone.now()
    for who, total in ((person, 60), (stranger, 40)):
        CheckIn.objects.create(
            client=who, team=who.home_team, instrument=Instrument.objects.get(slug="who5", is_current=True),
            taken_at=when, total=total,
        )  # fmt: skip
    rollups.refresh()
    with team_scope([person.home_team_id]):
        for table, pk in [*theirs.items(), *their_anonymous.items()]:
            assert ids(table, "WHERE id = %s", [pk]) == set(), table
        for table, pk in [*ours.items(), *our_anonymous.items()]:
            assert ids(table, "WHERE id = %s", [pk]) == {pk}, table
        with connection.cursor() as cursor:
            cursor.execute("SELECT encounter_id FROM encounters_forothers")
            assert {row[0] for row in cursor.fetchall()} == {
                ours["encounters_encounter"],
                our_anonymous["encounters_encounter"],
            }
            cursor.execute("SELECT client_id FROM reports_checkin_month")
            assert {row[0] for row in cursor.fetchall()} == {person.pk}
        # Through the ORM with no scope in the query at all: the same.
        assert not Encounter.objects.filter(pk=theirs["encounters_encounter"]).exists()
        assert not Goal.objects.filter(client=stranger).exists()
        assert Encounter.objects.filter(pk=ours["encounters_encounter"]).exists()


def test_a_persons_check_ins_move_with_them(supervisor: User, person: Client, other_team: Team) -> None:
    made = check_in(person)
    old = [person.home_team_id]
    transfer_client(actor=supervisor, client=person, to_team=other_team)
    with team_scope(old):
        assert ids("outcomes_checkin") == set()
    with team_scope([other_team.pk]):
        assert ids("outcomes_checkin") == {made.pk}


# The policies are the same rule as visible_to on random data: people in teams, check-ins,
# aliases, goals with steps, contacts (with a person or anonymous) with services, supplies
# for others, referrals with updates, overdose responses and goals; then people transferred.
TEAMS = 3


@st.composite
def programmes(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "users": draw(st.lists(st.sets(st.integers(0, TEAMS - 1), max_size=TEAMS), min_size=1, max_size=3)),
        "people": draw(st.lists(st.integers(0, TEAMS - 1), max_size=5)),
        "check_ins": draw(st.lists(st.integers(0, 4), max_size=5)),
        "goals": draw(st.lists(st.integers(0, 4), max_size=3)),
        # Contacts with everything: a person (0..4), or None for an anonymous one of a team.
        "contacts": draw(st.lists(st.one_of(st.integers(0, 4), st.tuples(st.integers(0, TEAMS - 1))), max_size=4)),
        "moves": draw(st.lists(st.tuples(st.integers(0, 4), st.integers(0, TEAMS - 1)), max_size=3)),
    }


def visible(user: User) -> dict[str, set[Any]]:
    """What the Python scope lets the user see, read with every team in scope."""
    people = Client.objects.visible_to(user)
    return {
        "outcomes_checkin": set(CheckIn.objects.visible_to(user).values_list("pk", flat=True)),
        "outcomes_answer": set(
            Answer.objects.filter(check_in__in=CheckIn.objects.visible_to(user)).values_list("pk", flat=True)
        ),
        "clients_alias": set(Alias.objects.filter(client__in=people).values_list("pk", flat=True)),
        "goals_step": set(Step.objects.filter(goal__in=Goal.objects.visible_to(user)).values_list("pk", flat=True)),
        "goals_goal": set(Goal.objects.visible_to(user).values_list("pk", flat=True)),
        "encounters_encounter": set(Encounter.objects.visible_to(user).values_list("pk", flat=True)),
        "encounters_serviceprovided": set(
            ServiceProvided.objects.filter(encounter__in=Encounter.objects.visible_to(user)).values_list(
                "pk", flat=True
            )
        ),
        "encounters_overdoseresponse": set(OverdoseResponse.objects.visible_to(user).values_list("pk", flat=True)),
        "encounters_referral": set(Referral.objects.visible_to(user).values_list("pk", flat=True)),
        "encounters_referralupdate": set(ReferralUpdate.objects.visible_to(user).values_list("pk", flat=True)),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programme=programmes())
def test_the_policies_are_the_same_rule_as_visible_to(programme: dict[str, Any], supervisor: User) -> None:
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
        for person in people:
            Alias.objects.create(client=person, name="Sol")
        for who in programme["check_ins"]:
            if people:
                check_in(people[who % len(people)])
        for who in programme["goals"]:
            if people:
                person = people[who % len(people)]
                goal = Goal.objects.create(client=person, team=person.home_team, words="work")
                Step.objects.create(goal=goal, text="ask")
        for who in programme["contacts"]:
            if isinstance(who, tuple):
                contact_with_everything(None, teams[who[0]])
            elif people:
                person = people[who % len(people)]
                contact_with_everything(person, person.home_team)
        for which, to in programme["moves"]:
            moved = Client.objects.get(pk=people[which % len(people)].pk) if people else None
            if moved is not None and moved.home_team_id != teams[to].pk:
                transfer_client(actor=supervisor, client=moved, to_team=teams[to])
        for user in users:
            expected = visible(user)
            with team_scope(user.team_ids):
                for table, rows in expected.items():
                    assert ids(table) == rows, table
        transaction.set_rollback(True)
