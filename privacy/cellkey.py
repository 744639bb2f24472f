"""The cell-key method (Australian Bureau of Statistics' TableBuilder, the UK 2021 census).

Every record (a contact, a response, a person) has a fixed record key in [0, 1), made from
its id (`RECORD_KEY_SQL`: the first 32 bits of the md5 of the id; ids never leave a team, so
no one outside can compute a key). A cell's key is the sum of its records' keys, modulo 1:
the same records always give the same cell key, so the same cell always gets the same
perturbation however often, and in whatever table, it is asked for. Keys add up: a quarter's
key is its months' keys added (mod 1), so keys are kept per (team, month) and combined.

The perturbation of a cell is read from its key: uniform over -PROTECTION_INTERVAL ..
+PROTECTION_INTERVAL (5 values). Two cells that differ by a few records have unrelated keys,
so subtracting them gives a number that can be off by twice the interval.
"""

from collections.abc import Iterable

from psycopg2.sql import SQL, Composable

from .rules import PROTECTION_INTERVAL

# `{id}` is an SQL expression: a uuid or a bigint (composed by psycopg2.sql, never formatted).
RECORD_KEY_SQL = SQL("(('x' || substr(md5(({id})::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8")


def record_key_sql(id_sql: Composable) -> Composable:
    return RECORD_KEY_SQL.format(id=id_sql)


def combine(keys: Iterable[float]) -> float:
    """The key of a cell made of cells with these keys (disjoint records)."""
    return sum(keys) % 1.0


def perturbation(cell_key: float) -> int:
    steps = 2 * PROTECTION_INTERVAL + 1
    return min(int((cell_key % 1.0) * steps), steps - 1) - PROTECTION_INTERVAL
