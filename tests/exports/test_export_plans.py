"""A record-level export reads each contact's services, each check-in's answers, each
goal's reviews and each test's linkage steps a bounded number of times, whatever join PostgreSQL picks.

On tables it has no statistics for (freshly loaded, or grown since the last ANALYZE: a big
import followed by an export) PostgreSQL expects one row everywhere and picks nested loops.
When a dataset's function joined an aggregate of the child rows (services per contact, say)
as a subquery, that subquery ran again for every contact: every service row of the period
read once per contact, tens of seconds for a few thousand contacts in the test suite, and
hours after an import of 100,000. Read from PostgreSQL's own counts of rows it read in this
transaction (pg_stat_xact_user_tables), with nested loops forced and nothing kept
between their turns, as in the plan PostgreSQL chose on unanalysed tables; no timing.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection

from core.scope import EVERY_TEAM, team_scope
from tests.db_roles import running_as_app_role
from tests.exports.conftest import MONTHS, Programme

pytestmark = pytest.mark.django_db

# (the dataset's function, the child table it reads per row)
DATASETS = [
    ("alongside_export_contacts", "encounters_serviceprovided"),
    ("alongside_export_check_ins", "outcomes_answer"),
    ("alongside_export_goals", "goals_review"),
    ("alongside_export_tests", "health_linkagestep"),
]

# Off for the test: each is a way PostgreSQL keeps rows between turns of a nested loop.
FORCED = ["enable_hashjoin", "enable_mergejoin", "enable_material", "enable_memoize", "enable_sort", "enable_hashagg"]
# And the child table read on its index: the test's tables are a few pages, where a scan of
# the whole table for each row costs PostgreSQL nothing; it never does that on a table of any
# size, analysed or not (it counts the table's pages).
FORCED += ["enable_bitmapscan", "enable_seqscan"]


def rows_read(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables"
            " WHERE relname = %s",
            [table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@pytest.mark.parametrize(("function", "child"), DATASETS)
def test_each_child_row_is_read_a_bounded_number_of_times(programme: Programme, function: str, child: str) -> None:
    assert running_as_app_role()
    with team_scope(EVERY_TEAM), connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {child}")  # noqa: S608 (a name from the list above)
        children = cursor.fetchone()[0]
        assert children >= 5
        before = rows_read(child)
        # What PostgreSQL chose when it expected one row everywhere: nested loops, the inner side
        # run again for each outer row (nothing kept between them: no sort, hash or
        # materialised rows to rewind to), child rows walked in order on their index.
        for setting in FORCED:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(
            f"SELECT count(*) FROM {function}(%s::uuid[], %s, %s, %s)",  # noqa: S608 (a name from the list above)
            [
                [team.pk for team in programme.teams],
                datetime(MONTHS[0].year, 1, 1, tzinfo=UTC),
                datetime(MONTHS[-1].year + 1, 1, 1, tzinfo=UTC),
                "UTC",
            ],
        )
        assert cursor.fetchone()[0] > 0
        read = rows_read(child) - before
    # Each child row once where it is aggregated, once more at most where it is looked up.
    assert read <= 2 * children, f"{function} read {read} rows of {child}, which holds {children}"
