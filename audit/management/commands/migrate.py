"""Django's migrate, run as the owner role, then the application role's grants.

When DATABASE_MIGRATE_URL is set, the migrations connect with its credentials (the
database name stays the connection's, so this also works on pytest-django's test
database), and afterwards DATABASE_URL's role gets exactly the privileges audit/roles.py
lists. Without it, this is Django's migrate unchanged.
"""

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from audit.roles import app_role, connected_as, grant_app_privileges, is_superuser, owner_credentials


class Command(DjangoMigrate):
    help = (
        "Updates database schema, as the owner role of DATABASE_MIGRATE_URL when it is set, "
        "then grants DATABASE_URL's role what the application needs (audit/roles.py)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        owner = owner_credentials()
        if owner is None:
            super().handle(*args, **options)
            return
        database = options["database"]
        with connected_as(database, owner):
            super().handle(*args, **options)
            role = app_role()
            if role is None:
                return
            with connections[database].cursor() as cursor:
                grant_app_privileges(cursor, role)
                if is_superuser(cursor, role):
                    warning = f"Warning: the application's role {role} is a superuser: it can rewrite the audit trail."
                    self.stderr.write(warning)
            if options["verbosity"] >= 1:
                self.stdout.write(f"Granted the application's role {role} its privileges (audit/roles.py).")
