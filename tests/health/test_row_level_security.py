"""Row-level security on health's rows (health 0004, core/scope.py, docs/security.md): tests and
their linkage steps follow their person's CURRENT home team; a drug-checking result or an
incident linked to no one is its team's. The organisation view still counts every team's
cascade and incidents for a data admin in no team, through the definer function
`alongside_health_events`, whose record keys are privacy's."""

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from psycopg2.sql import SQL

from accounts.models import Team, User
from clients.models import Client
from clients.services.transfer import transfer_client
from core.scope import EVERY_TEAM, team_scope
from dashboards.hierarchy import MONTH, build
from health.figures import measure
from health.models import DrugCheck, HealthTest, Incident, LinkageStep
from privacy.cellkey import record_key_sql
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ids(table: str, where: str = "", params: list[Any] | None = None) -> set[Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} {where}", params or [])  # noqa: S608 (names from the test)
        return {row[0] for row in cursor.fetchall()}


def reactive_test(person: Client, by: User, *, on: date = TODAY) -> tuple[HealthTest, LinkageStep]:
    test = HealthTest.objects.create(
        client=person, team=person.home_team, kind="hiv", method="rapid", result="reactive", tested_on=on, created_by=by
    )
    step = LinkageStep.objects.create(test=test, team=person.home_team, step="confirmed", done_on=on, created_by=by)
    return test, step


def drug_check(team: Team, by: User, person: Client | None = None) -> DrugCheck:
    return DrugCheck.objects.create(
        team=team, client=person, checked_on=TODAY, method="fentanyl_strip", strip_result="detected", created_by=by
    )


def incident(team: Team, by: User, person: Client | None = None, *, may_count: bool = True) -> Incident:
    return Incident.objects.create(
        team=team,
        client=person,
        happened_on=TODAY,
        kind="supplies_confiscated",
        involved="police",
        help_given="legal_aid",
        may_count=may_count,
        created_by=by,
    )


def test_a_raw_select_of_another_teams_health_rows_returns_nothing(
    person: Client, worker: User, other_team: Team, outsider: User
) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    theirs, their_step = reactive_test(stranger, outsider)
    ours, our_step = reactive_test(person, worker)
    their_checks = {drug_check(other_team, outsider).pk, drug_check(other_team, outsider, stranger).pk}
    our_checks = {drug_check(person.home_team, worker).pk, drug_check(person.home_team, worker, person).pk}
    their_incidents = {incident(other_team, outsider).pk, incident(other_team, outsider, stranger).pk}
    our_incidents = {incident(person.home_team, worker).pk, incident(person.home_team, worker, person).pk}
    with team_scope([person.home_team_id]):
        assert ids("health_healthtest") == {ours.pk}
        assert ids("health_linkagestep") == {our_step.pk}
        assert ids("health_drugcheck") == our_checks
        assert ids("health_incident") == our_incidents
        # Through the ORM with no scope in the query at all: the same.
        assert not HealthTest.objects.filter(pk=theirs.pk).exists()
        assert not LinkageStep.objects.filter(pk=their_step.pk).exists()
        assert not DrugCheck.objects.filter(pk__in=their_checks).exists()
        assert not Incident.objects.filter(pk__in=their_incidents).exists()
    with team_scope([]):
        assert ids("health_healthtest") == ids("health_drugcheck") == ids("health_incident") == set()


def test_another_teams_test_cannot_be_written(person: Client, worker: User, other_team: Team, outsider: User) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    with team_scope([person.home_team_id]), pytest.raises(Exception, match="row-level security"):  # noqa: B017, PT011
        with transaction.atomic():
            HealthTest.objects.create(
                client=stranger, team=other_team, kind="hiv", method="rapid", result="non_reactive",
                tested_on=TODAY, created_by=worker,
            )  # fmt: skip
    with team_scope([person.home_team_id]), pytest.raises(Exception, match="row-level security"):  # noqa: B017, PT011
        with transaction.atomic():
            drug_check(other_team, worker)


def test_person_linked_rows_move_with_the_person_and_unlinked_ones_stay(
    supervisor: User, worker: User, person: Client, other_team: Team
) -> None:
    test, step = reactive_test(person, worker)
    linked = drug_check(person.home_team, worker, person)
    unlinked = drug_check(person.home_team, worker)
    old = [person.home_team_id]
    transfer_client(actor=supervisor, client=person, to_team=other_team)
    with team_scope(old):
        assert ids("health_healthtest") == ids("health_linkagestep") == set()
        assert ids("health_drugcheck") == {unlinked.pk}
    with team_scope([other_team.pk]):
        assert (ids("health_healthtest"), ids("health_linkagestep")) == ({test.pk}, {step.pk})
        assert ids("health_drugcheck") == {linked.pk}


def test_the_policies_are_the_rule_of_visible_to(
    person: Client, worker: User, supervisor: User, other_team: Team, outsider: User
) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    moved = ClientFactory.create(home_team=person.home_team)
    for who, by in ((person, worker), (stranger, outsider), (moved, worker)):
        reactive_test(who, by)
        drug_check(who.home_team, by, who)
        drug_check(who.home_team, by)
        incident(who.home_team, by, who)
    transfer_client(actor=supervisor, client=moved, to_team=other_team)
    for user in (User.objects.get(pk=worker.pk), User.objects.get(pk=outsider.pk)):
        expected = {
            "health_healthtest": set(HealthTest.objects.visible_to(user).values_list("pk", flat=True)),
            "health_drugcheck": set(DrugCheck.objects.visible_to(user).values_list("pk", flat=True)),
            "health_incident": set(Incident.objects.visible_to(user).values_list("pk", flat=True)),
        }
        assert all(expected.values())
        with team_scope(user.team_ids):
            for table, rows in expected.items():
                assert ids(table) == rows, table


def test_the_definer_functions_keys_are_privacys_record_keys(person: Client, worker: User) -> None:
    test, _step = reactive_test(person, worker)
    counted = incident(person.home_team, worker, person)
    incident(person.home_team, worker, may_count=False)
    first, after = date(TODAY.year, 1, 1), date(TODAY.year + 1, 1, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT measure, records, keys FROM alongside_health_events(%s, %s) ORDER BY 1", [first, after])
        found = {name: (records, keys) for name, records, keys in cursor.fetchall()}
        cursor.execute(
            SQL("SELECT {test}, {incident}").format(
                test=record_key_sql(SQL("%s::uuid")), incident=record_key_sql(SQL("%s::uuid"))
            ),
            [str(test.pk), str(counted.pk)],
        )
        test_key, incident_key = cursor.fetchone()
    assert found == {
        "cascade:hiv:confirmed": (1, test_key),
        "cascade:hiv:reactive": (1, test_key),
        "cascade:hiv:tested": (1, test_key),
        "incidents:supplies_confiscated": (1, incident_key),  # the one not to count is not read
    }


def test_a_data_admin_in_no_team_counts_every_teams_cascade(
    person: Client, worker: User, other_team: Team, outsider: User
) -> None:
    this_month = TODAY.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    reactive_test(person, worker, on=last_month)
    reactive_test(ClientFactory.create(home_team=other_team), outsider, on=last_month)
    month = (MONTH, last_month)
    teams = [person.home_team_id, other_team.pk]
    with team_scope(EVERY_TEAM):
        everything = build(last_month.year, teams=teams, before=this_month)
    with team_scope([]):  # a data admin in no team: the tables' policies show them nothing
        assert ids("health_healthtest") == set()
        as_data_admin = build(last_month.year, teams=teams, before=this_month)
    tested = measure("hiv", "tested")
    assert as_data_admin.truth[tested][(None, month)] == everything.truth[tested][(None, month)] == 2
    assert as_data_admin.truth[tested][(other_team.pk, month)] == 1


@override_settings(ALONGSIDE_DRUG_CHECK_RETENTION_DAYS=30)
def test_the_retention_command_scopes_itself_to_every_team(
    worker: User, outsider: User, person: Client, other_team: Team, no_default_scope: None
) -> None:
    with team_scope(EVERY_TEAM):
        stranger = ClientFactory.create(home_team=other_team)
        for who, by in ((person, worker), (stranger, outsider)):
            old = drug_check(who.home_team, by, who)
            DrugCheck.objects.filter(pk=old.pk).update(checked_on=TODAY - timedelta(days=40))
    with transaction.atomic():
        assert ids("health_drugcheck") == set()  # the test itself now sees none
    out = StringIO()
    call_command("delete_old_drug_checks", stdout=out)
    assert "Deleted 2 person-linked" in out.getvalue()
    with team_scope(EVERY_TEAM):
        assert not DrugCheck.objects.filter(checked_on__lt=TODAY - timedelta(days=30)).exists()
