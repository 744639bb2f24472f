"""Two database roles: the owner changes the schema, the application only reads and writes.

The application connects as the role in DATABASE_URL. It does not own any table, so it can
neither drop the audit table's triggers nor TRUNCATE it, and on the audit table it holds
SELECT only: it writes events by calling `audit_append` (EXECUTE granted here), and INSERT,
UPDATE and DELETE are refused by PostgreSQL's privilege check before any trigger is even
reached. The audit chain's key table it may not even read. Everything else it may read and
change (SELECT, INSERT, UPDATE, DELETE; sequences: USAGE, SELECT), and the migrations table
it may only read.

`manage.py migrate` (Django's own, with the receivers of audit/migrating.py) connects as
the owner role (DATABASE_MIGRATE_URL) when that is set, runs Django's migrations, then calls
`grant_app_privileges` for DATABASE_URL's role. The grants are recomputed after every
migrate, so a table added by a later migration gets them too, without default privileges
that would also hand UPDATE on a re-created audit table to the application.

Without DATABASE_MIGRATE_URL everything runs as one role, as before (the trigger still
refuses UPDATE and DELETE; TRUNCATE and dropping the trigger stay possible): fine on a
laptop, not in production (docs/security.md).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections
from psycopg2 import sql

# What a role changes in a connection's settings; the database name is kept, so the same
# credentials work on the test database pytest-django makes.
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
# The application may only read these: audit events are written through audit_append().
READ_ONLY = ("audit_auditevent", "django_migrations")
# Nor even read these: the audit chain's key (audit/chain.py).
SECRET = ("audit_chain_key",)
# The functions the application may call that are not open to every role.
FUNCTIONS = ("audit_append(timestamptz, bigint, text, text, text, uuid, text, inet, jsonb)",)


def owner_credentials() -> dict[str, Any] | None:
    """USER, PASSWORD, HOST and PORT of DATABASE_MIGRATE_URL, or None when it is unset."""
    owner = settings.ALONGSIDE_OWNER_DATABASE
    return None if owner is None else {key: owner.get(key, "") for key in CREDENTIALS}


def app_role() -> str | None:
    """The role to grant to: DATABASE_URL's, when an owner is configured and it is another role."""
    owner = owner_credentials()
    role = settings.ALONGSIDE_APP_ROLE
    if owner is None or not role or role == owner["USER"]:
        return None
    return role


@contextmanager
def connected_as(alias: str, credentials: dict[str, Any]) -> Iterator[None]:
    """Use `credentials` for connection `alias` inside the block (a fresh connection)."""
    connection = connections[alias]
    saved = {key: connection.settings_dict.get(key, "") for key in CREDENTIALS}
    connection.close()
    connection.settings_dict.update(credentials)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def grant_app_privileges(cursor: Any, role: str) -> None:
    """Grant `role` what the application needs in the current schema, and no more.

    Run by the owner of the tables. Idempotent: safe before and after every migrate. The
    audit tables and functions not made yet (before the first migrate) are left for later.
    """
    cursor.execute("SELECT current_schema()")
    (schema,) = cursor.fetchone()
    names = {"schema": sql.Identifier(schema), "role": sql.Identifier(role)}
    statements = [
        ("GRANT USAGE ON SCHEMA {schema} TO {role}", ""),
        ("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}", ""),
        ("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {role}", ""),
        ("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}", ""),
    ]
    for table in [table for table in READ_ONLY if _exists(cursor, "regclass", schema, table)]:
        statements += [
            ("REVOKE ALL ON {schema}.{table} FROM PUBLIC, {role}", table),
            ("GRANT SELECT ON {schema}.{table} TO {role}", table),
        ]
    for table in [table for table in SECRET if _exists(cursor, "regclass", schema, table)]:
        statements += [("REVOKE ALL ON {schema}.{table} FROM PUBLIC, {role}", table)]
    for statement, table in statements:
        cursor.execute(sql.SQL(statement).format(table=sql.Identifier(table or "-"), **names))
    for function in [function for function in FUNCTIONS if _exists(cursor, "regprocedure", schema, function)]:
        # A signature, not an identifier: the constants above, schema-qualified.
        grant = sql.SQL("GRANT EXECUTE ON FUNCTION {schema}." + function + " TO {role}")
        cursor.execute(grant.format(**names))


def _exists(cursor: Any, kind: str, schema: str, name: str) -> bool:
    """Whether the table (kind "regclass") or function ("regprocedure") `name` is there yet."""
    lookup = {
        "regclass": "SELECT to_regclass(%s) IS NOT NULL",
        "regprocedure": "SELECT to_regprocedure(%s) IS NOT NULL",
    }
    quoted = f'"{schema}".{name}' if kind == "regprocedure" else f'"{schema}"."{name}"'
    cursor.execute(lookup[kind], [quoted])
    return bool(cursor.fetchone()[0])


def is_superuser(cursor: Any, role: str) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    return bool(row and row[0])
