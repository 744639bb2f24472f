"""`manage.py migrate` is Django's own; audit/migrating.py's pre_migrate and post_migrate
receivers do what the overridden command did: migrate as the tables' owner
(DATABASE_MIGRATE_URL), grant the application's role its privileges, then reconnect as it."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

import audit
from tests.db_roles import running_as_app_role


def current_user() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return str(cursor.fetchone()[0])


def privileges(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p"
            " WHERE has_table_privilege(current_user, %s, p)",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


def table_exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return bool(cursor.fetchone()[0])


def test_migrate_is_djangos_own_command() -> None:
    assert get_commands()["migrate"] == "django.core"
    assert not (Path(audit.__file__).parent / "management" / "commands" / "migrate.py").exists()


@pytest.mark.django_db(transaction=True)
def test_a_migrate_runs_as_the_owner_then_grants_the_app_role_and_returns_to_it() -> None:
    if not running_as_app_role():
        pytest.skip("needs DATABASE_MIGRATE_URL (make test and CI set it)")
    app_role = current_user()
    # Only the tables' owner may drop and create them: as the application's role this fails.
    call_command("migrate", "privacy", "zero", verbosity=0)
    assert not table_exists("privacy_release")
    assert current_user() == app_role

    out = StringIO()
    call_command("migrate", verbosity=1, stdout=out)

    assert table_exists("privacy_release")
    assert f"Granted the application's role {app_role} its privileges" in out.getvalue()
    assert current_user() == app_role
    # The re-created table got the grants, computed after this migrate; the audit trail
    # stays read-only and the chain's key unreadable.
    assert privileges("privacy_release") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert privileges("audit_auditevent") == {"SELECT"}
    assert privileges("audit_chain_key") == set()


@pytest.mark.django_db
def test_a_flush_sends_post_migrate_and_nothing_changes_role() -> None:
    """post_migrate without a migrate's pre_migrate (a flush sends it) leaves the connection
    alone: closing it here would end the test's transaction."""
    before = current_user()
    out = StringIO()
    emit_post_migrate_signal(1, False, "default", stdout=out)
    assert current_user() == before
    assert "Granted" not in out.getvalue()
