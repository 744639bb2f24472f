"""Row-level security's cost: a policy looks each row's person up by primary key, one row at a
time (encounters 0011), never by hashing every person the scope allows, which was a scan of
every person of every team in every query of a person's contacts, check-ins, goals or tests.

Read from the plans PostgreSQL makes as the application's role, not from timings: a policy's
look-up written without `OFFSET 0` gives PostgreSQL the hashed plan to choose, and this test
fails for the table. The wellbeing rollup keeps the hash (a dashboard reads a year of it).
"""

import pytest
from django.db import connection

from accounts.models import Team
from core.scope import team_scope
from tests.db_roles import running_as_app_role
from tests.security.test_row_level_security_rows import PROTECTED

pytestmark = pytest.mark.django_db

# The dashboard reads a team's year of wellbeing rollup rows at once: hashing the team's
# people once is cheaper there than a look-up per row (dashboards 0010).
HASHED = {"reports_checkin_month"}


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("table", sorted(PROTECTED - HASHED - {"clients_client"}))
def test_a_policy_looks_the_person_up_row_by_row(table: str, team: Team) -> None:
    assert running_as_app_role()
    with team_scope([team.pk]):
        shown = plan(f"SELECT * FROM {table}")  # noqa: S608 (a table name from the catalogue)
    assert "SubPlan" in shown, shown  # the policy's look-up is there...
    assert "hashed SubPlan" not in shown, shown  # ...one row at a time
