"""Many rows of one model in one INSERT: a column per field, each sent as one array.

For a batch of thousands of rows (an import's contacts and what was given at them),
`bulk_create` spends most of its time building one model instance and one set of
placeholders per row. Here each column is one array parameter and the statement is
`INSERT INTO t (a, b, ...) SELECT * FROM unnest(%s::type[], %s::type[], ...)`: its text is
the same for 2 rows as for 2,000. It is an ordinary INSERT, so row-level security's
policies, constraints and the rollups' statement triggers apply as to any insert (COPY
FROM is refused on tables with row-level security).

Values are what Django would store: each field's `get_db_prep_save`; a field not given
takes its default (`auto_now` and `auto_now_add` fields: now). An automatic primary key is
left to the database. core imports no app: the model comes in as a value.
"""

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from psycopg2.sql import SQL, Identifier

# Fields whose plain values (text, whole numbers, booleans, UUIDs) the driver sends as they
# are: what get_db_prep_save would return for them. Anything else goes through it.
SIMPLE = {
    "CharField", "TextField", "UUIDField", "ForeignKey", "OneToOneField", "BooleanField", "IntegerField",
    "SmallIntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}  # fmt: skip
PLAIN = (str, int, bool, uuid.UUID)


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Insert `rows` (each {field attname: value}) into `model`'s table; returns how many."""
    if not rows:
        return 0
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if not isinstance(field, AutoFieldMixin)]
    now = timezone.now()
    columns: list[list[Any]] = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default: Any = now
        else:
            default = field.get_default()
        column = [row.get(field.attname, default) for row in rows]
        prepare = field.get_db_prep_save
        simple = field.get_internal_type() in SIMPLE
        columns.append(
            [
                value if value is None or (simple and type(value) in PLAIN) else prepare(value, connection)
                for value in column
            ]
        )
    statement = SQL("INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})").format(
        table=Identifier(model._meta.db_table),
        columns=SQL(", ").join(Identifier(field.column) for field in fields),
        arrays=SQL(", ").join(SQL("%s::{}[]").format(SQL(field.db_type(connection) or "text")) for field in fields),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(cursor.cursor), columns)
        return int(cursor.rowcount)
