"""Many rows of one model in one INSERT: a column per field, each sent as one array.

For a batch of thousands of rows (an import's contacts and what was given at them),
`bulk_create` spends most of its time building one model instance and one set of
placeholders per row. Here each column is one array parameter and the statement is
`INSERT INTO t (a, b, ...) SELECT * FROM unnest(%s::type[], %s::type[], ...)`: its text is
the same for 2 rows as for 2,000. It is an ordinary INSERT, so row-level security's
policies, constraints and the rollups' statement triggers apply as to any insert (COPY
FROM is refused on tables with row-level security).

Values are what Django would store: each field's `get_db_prep_save`; a field not given
takes its default (`auto_now` and `auto_now_add` fields: now; a field with only a database
default: that value). A default is read once per column, so a field whose default is drawn
per row (a random code, a UUID) must be given in every row. An automatic primary key is
left to the database. core imports no app: the model comes in as a value.

`insert_new_rows` is the same INSERT with `ON CONFLICT (...) DO NOTHING RETURNING ...`: a
row whose unique columns are taken already is left out, and the caller learns which rows
went in (people's codes: clients/services/registration.py draws again for the others).
"""

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.expressions import DatabaseDefault
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from psycopg2.sql import SQL, Composed, Identifier

# Fields whose plain values (text, whole numbers, booleans, UUIDs) the driver sends as they
# are: what get_db_prep_save would return for them. Anything else goes through it.
SIMPLE = {
    "CharField", "TextField", "UUIDField", "ForeignKey", "OneToOneField", "BooleanField", "IntegerField",
    "SmallIntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}  # fmt: skip
PLAIN = (str, int, bool, uuid.UUID)


def row_of(instance: models.Model) -> dict[str, Any]:
    """An unsaved instance's values by field attname, for `insert_rows`. A field left to its
    database default (`db_default`, a plain value) gets that value, on the instance too, as
    `save()` would have read it back."""
    row: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, DatabaseDefault):
            value = field.db_default
            setattr(instance, field.attname, value)
        row[field.attname] = value
    return row


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Insert `rows` (each {field attname: value}) into `model`'s table; returns how many."""
    if not rows:
        return 0
    statement, columns = _insert(model, rows, using)
    with connections[using].cursor() as cursor:
        cursor.execute(statement.as_string(cursor.cursor), columns)
        return int(cursor.rowcount)


def insert_new_rows(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    unique: Sequence[str],
    returning: str,
    using: str = DEFAULT_DB_ALIAS,
) -> list[Any]:
    """Insert the rows of `rows` whose `unique` columns (one unique constraint's) are free;
    returns the `returning` column of those inserted, in no particular order.

    `ON CONFLICT (...) DO NOTHING` decides by the unique index, whoever's row holds the value:
    under row-level security a row the transaction may not see still counts as taken (a
    SELECT first would not find it), and two rows of the batch with the same value go in
    once.
    """
    if not rows:
        return []
    statement, columns = _insert(model, rows, using)
    columns_by_name = {field.name: field.column for field in model._meta.concrete_fields}
    suffix = SQL(" ON CONFLICT ({unique}) DO NOTHING RETURNING {returning}").format(
        unique=SQL(", ").join(Identifier(columns_by_name[name]) for name in unique),
        returning=Identifier(columns_by_name[returning]),
    )
    with connections[using].cursor() as cursor:
        cursor.execute((statement + suffix).as_string(cursor.cursor), columns)
        return [value for (value,) in cursor.fetchall()]


def _insert(model: type[models.Model], rows: Sequence[Mapping[str, Any]], using: str) -> tuple[Composed, list[Any]]:
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if not isinstance(field, AutoFieldMixin)]
    now = timezone.now()
    columns: list[list[Any]] = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default: Any = now
        elif field.has_db_default() and not field.has_default():
            default = field.db_default  # a plain value (an expression would need SQL of its own)
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
    return statement, columns
