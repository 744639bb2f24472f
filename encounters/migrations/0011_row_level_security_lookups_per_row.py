"""Row-level security: each row's person (or contact, check-in, test, goal) is looked up by its
primary key, one row at a time, never by first listing every person in the scope.

The policies (encounters 0010 and the migrations named below) check a row with
`EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = <row>.client_id)`, and that look-up is
itself bound by the people's policy. PostgreSQL turns such an EXISTS into a choice between a
look-up per row and a hash of every person the scope allows, and for a query expecting more
than a few dozen rows it chose the hash: a sequential scan of every person of every team
with the scope's test on each, in every query of a person's contacts, check-ins, goals or
tests (2.6 ms at a tenth of the benchmark's scale for a person page's count of contacts, ten
times that at full scale; the person page, Log a contact and the dashboard run several).
`OFFSET 0` keeps the sub-select as it is written (PostgreSQL does not flatten or hash a
sub-select with an OFFSET), so each row costs one primary-key look-up, at any scale: the
same count took 0.7 ms. The rule itself is unchanged (tests/security/test_row_level_security*).

The wellbeing rollup's rows (dashboards 0010) keep the hash: the dashboard reads a team's
year of them at once, where hashing the team's people is the cheaper plan.
"""

import importlib
import re

from django.db import migrations

# The rules as they were made (migrations never change; their rules are read, not copied).
EARLIER = {
    **importlib.import_module("encounters.migrations.0010_row_level_security").POLICIES,
}


def per_row(rule: str) -> str:
    """Every `EXISTS (SELECT 1 FROM ... WHERE ...)` of the rule, with OFFSET 0 before its end."""
    return re.sub(r"EXISTS \(([^()]*)\)", r"EXISTS (\1 OFFSET 0)", rule)


def alter(rules: dict[str, str]) -> str:
    return "".join(
        f"ALTER POLICY team_scope ON {table} USING (alongside_every_team() OR {rule})"
        f" WITH CHECK (alongside_every_team() OR {rule});\n"
        for table, rule in rules.items()
    )


class Migration(migrations.Migration):
    dependencies = [("encounters", "0010_row_level_security")]

    operations = [
        migrations.RunSQL(
            alter({table: per_row(rule) for table, rule in EARLIER.items()}),
            alter(EARLIER),
        )
    ]
