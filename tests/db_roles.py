"""The suite runs as the application's database role, as production does (audit/roles.py).

When DATABASE_MIGRATE_URL is set (`make test` and CI set it), pytest-django creates and
migrates the test database as that owner role, which also grants DATABASE_URL's role its
privileges; then every test runs as DATABASE_URL's role, so a table the grants forgot fails
the tests that use it. Django's flush, which empties the database after transactional and
browser tests with a TRUNCATE that only the owner may run, runs as the owner. When only
DATABASE_URL is set, everything runs as that one role, as before.

The fixtures here are imported into tests/conftest.py.
"""

from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from pytest_django import DjangoDbBlocker

from audit.roles import CREDENTIALS, connected_as, owner_credentials

# The application role's credentials while the owner's are in the settings (set up below).
APP_CREDENTIALS: dict[str, Any] = {}


def running_as_app_role() -> bool:
    return bool(APP_CREDENTIALS)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Create and migrate the test database as the owner (DATABASE_MIGRATE_URL), when set."""
    owner = owner_credentials()
    if owner is None:
        return
    settings_dict = connections["default"].settings_dict
    APP_CREDENTIALS.update({key: settings_dict.get(key, "") for key in CREDENTIALS})
    connections["default"].close()
    settings_dict.update(owner)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """Then run the tests as the application's role, and flush as the owner."""
    owner = owner_credentials()
    if not APP_CREDENTIALS or owner is None:
        yield
        return
    connection = connections["default"]
    original_flush = FlushCommand.handle

    def flush_as_owner(self: FlushCommand, *args: Any, **options: Any) -> None:
        with connected_as(options["database"], owner):
            original_flush(self, *args, **options)

    with django_db_blocker.unblock():
        connection.close()
    connection.settings_dict.update(APP_CREDENTIALS)
    FlushCommand.handle = flush_as_owner  # type: ignore[method-assign]
    try:
        yield
    finally:
        FlushCommand.handle = original_flush  # type: ignore[method-assign]
        with django_db_blocker.unblock():
            connection.close()
        connection.settings_dict.update(owner)


def owner_connection() -> Any:
    """A new psycopg2 connection to the test database as the owner of its tables."""
    settings_dict = connections["default"].settings_dict
    credentials = owner_credentials() or {key: settings_dict.get(key, "") for key in CREDENTIALS}
    return psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=credentials["USER"],
        password=credentials["PASSWORD"],
        host=credentials["HOST"] or None,
        port=credentials["PORT"] or None,
    )


# Row-level security (core/scope.py): the application's role sees a person only inside a
# transaction scoped to the person's team. Requests set their own scope (TeamScopeMiddleware),
# as do commands and tasks; the tests' own code (factories, assertions on rows) works for
# every team, so each test connection starts with the scope '*' as its session default, which
# a request's SET LOCAL replaces for the request's transaction only. `no_default_scope`
# removes that default, for the tests that show what the application's role sees without one.
EVERY_TEAM_BY_DEFAULT = "SET alongside.teams = '*'"


@receiver(connection_created)
def _every_team_by_default(sender: Any, connection: Any, **kwargs: Any) -> None:
    with connection.connection.cursor() as cursor:
        cursor.execute(EVERY_TEAM_BY_DEFAULT)


@pytest.fixture
def no_default_scope(db: None) -> Iterator[None]:
    """The test's connection with no scope outside a transaction that sets one."""
    connection = connections["default"]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("SET alongside.teams = ''")
    try:
        yield
    finally:
        if connection.connection is not None and not connection.needs_rollback:
            with connection.connection.cursor() as cursor:
                cursor.execute(EVERY_TEAM_BY_DEFAULT)
