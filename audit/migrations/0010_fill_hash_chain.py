"""The hash chain's functions and triggers (audit/chain.py explains them); links the events
already stored, in id order.

The chain functions run with the schema the tables are in pinned as their search path (and
pg_temp last), because the linking function runs with the table owner's rights.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from audit.chain import FILL_SQL, UNINSTALL_SQL, install_sql


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        cursor.execute(install_sql(schema))
        cursor.execute(FILL_SQL)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(UNINSTALL_SQL)


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_add_hash_chain")]

    operations = [migrations.RunPython(install, uninstall)]
