"""`manage.py migrate` runs as the tables' owner, then grants the application's role its share.

This is Django's own migrate command with two receivers (connected in `AuditConfig.ready`),
in place of an overridden command:

- `pre_migrate` (sent when the plan is made, before any migration runs) reconnects the
  database as the owner role of DATABASE_MIGRATE_URL (audit/roles.py) and already grants the
  application's role what exists, so that even a first migrate that stops half-way leaves a
  migrations table the application's role can read;
- `post_migrate` (sent after the last migration) grants the application's role its
  privileges on everything there now (a table added by this migrate included), warns when
  that role is a superuser, and reconnects as the application's role.

Without DATABASE_MIGRATE_URL both do nothing: everything runs as one role. A flush also
sends `post_migrate`, but no `pre_migrate`: then nothing happens here either.
"""

import sys
from contextlib import ExitStack
from typing import Any

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from .roles import app_role, connected_as, grant_app_privileges, is_superuser, owner_credentials

# The connections switched to the owner by pre_migrate, by alias, until post_migrate.
_as_owner: dict[str, ExitStack] = {}


def migrate_as_owner(*, using: str, **kwargs: Any) -> None:
    owner = owner_credentials()
    if owner is None or using in _as_owner:
        return
    switched = ExitStack()
    switched.enter_context(connected_as(using, owner))
    _as_owner[using] = switched
    role = app_role()
    if role is not None:
        MigrationRecorder(connections[using]).ensure_schema()
        with connections[using].cursor() as cursor:
            grant_app_privileges(cursor, role)


def grant_then_reconnect_as_app(*, using: str, verbosity: int = 1, stdout: Any = None, **kwargs: Any) -> None:
    switched = _as_owner.pop(using, None)
    if switched is None:
        return
    with switched:
        role = app_role()
        if role is None:
            return
        with connections[using].cursor() as cursor:
            grant_app_privileges(cursor, role)
            superuser = is_superuser(cursor, role)
        if superuser:
            sys.stderr.write(
                f"Warning: the application's role {role} is a superuser: it can rewrite the audit trail.\n"
            )
        if verbosity >= 1:
            (stdout or sys.stdout).write(f"Granted the application's role {role} its privileges (audit/roles.py).\n")
