"""The application's database role cannot change the audit trail (audit/roles.py).

With DATABASE_MIGRATE_URL set (make test, CI) the whole suite already runs as the
application's role and these tests check that very connection. With only DATABASE_URL
set, they make a throwaway role inside the test's transaction, grant it what `migrate`
grants, and switch to it with SET ROLE (all rolled back at the end).
"""

import secrets
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction
from psycopg2 import sql

from accounts.models import User
from audit.models import AuditEvent
from audit.roles import READ_ONLY, SECRET, grant_app_privileges
from audit.services import record
from clients.models import Client
from tests.db_roles import running_as_app_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_role() -> Iterator[str]:
    with connection.cursor() as cursor:
        if not running_as_app_role():
            cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                pytest.skip("needs DATABASE_MIGRATE_URL, or a role that may create roles")
            role = f"alongside_app_test_{secrets.token_hex(4)}"
            cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            grant_app_privileges(cursor, role)
            cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        cursor.execute("SELECT current_user")
        yield cursor.fetchone()[0]


def refused(statement: str) -> str:
    """Run `statement` in a savepoint and return PostgreSQL's refusal."""
    with pytest.raises(DatabaseError) as refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    return str(refusal.value)


def test_the_app_role_cannot_insert_update_delete_or_truncate_the_audit_trail(app_role: str) -> None:
    event = record(action=AuditEvent.Action.SIGN_IN, actor=User(pk=1))
    for statement in (
        "INSERT INTO audit_auditevent (at, action, object_type, object_id, request_id, details)"
        " VALUES (now(), 'sign_in', '', '', '', '{}')",
        "UPDATE audit_auditevent SET actor_id = 2",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ):
        assert "permission denied for table audit_auditevent" in refused(statement)
    assert AuditEvent.objects.get(pk=event.pk).actor_id == 1


def test_the_app_role_cannot_switch_the_triggers_off_or_drop_the_table(app_role: str) -> None:
    for statement in (
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_chain",
        "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
        "DROP TABLE audit_auditevent",
    ):
        assert "must be owner of" in refused(statement)


def test_the_app_role_reads_and_appends_and_works_elsewhere(app_role: str, person: Client) -> None:
    event = record(action=AuditEvent.Action.CLIENT_VIEWED, actor=None, client_id=person.pk)
    assert AuditEvent.objects.filter(client_id=person.pk).get() == event
    Client.objects.filter(pk=person.pk).update(preferred_name="Sam")
    assert Client.objects.get(pk=person.pk).preferred_name == "Sam"


def test_the_app_role_owns_nothing_and_has_no_special_powers(app_role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND pg_get_userbyid(c.relowner) = current_user"
        )
        assert cursor.fetchone() == (0,)


def test_the_grants_are_exactly_what_the_app_needs(app_role: str) -> None:
    """Every table: all four kinds of rows change, except the audit trail and the migrations table (read
    only) and the chain's key (nothing); no TRUNCATE."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, array_remove(ARRAY["
            "  CASE WHEN has_table_privilege(current_user, c.oid, 'SELECT') THEN 'SELECT' END,"
            "  CASE WHEN has_table_privilege(current_user, c.oid, 'INSERT') THEN 'INSERT' END,"
            "  CASE WHEN has_table_privilege(current_user, c.oid, 'UPDATE') THEN 'UPDATE' END,"
            "  CASE WHEN has_table_privilege(current_user, c.oid, 'DELETE') THEN 'DELETE' END,"
            "  CASE WHEN has_table_privilege(current_user, c.oid, 'TRUNCATE') THEN 'TRUNCATE' END], NULL)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
        )
        privileges = dict(cursor.fetchall())
    assert {name: privileges.pop(name) for name in READ_ONLY} == {
        "audit_auditevent": ["SELECT"],
        "django_migrations": ["SELECT"],
    }
    assert {name: privileges.pop(name) for name in SECRET} == {"audit_chain_key": []}
    assert "clients_client" in privileges
    assert {
        name for name, granted in privileges.items() if granted != ["SELECT", "INSERT", "UPDATE", "DELETE"]
    } == set()
