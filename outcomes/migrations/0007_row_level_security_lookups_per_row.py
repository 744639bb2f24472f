"""Row-level security: look each row's person up by primary key, one row at a time (`OFFSET 0`
keeps PostgreSQL from hashing every person in scope instead). Why and what it measured:
encounters 0011. The rule itself is unchanged.
"""

import importlib
import re

from django.db import migrations

# The rules as they were made (migrations never change; their rules are read, not copied).
EARLIER = {
    **importlib.import_module("outcomes.migrations.0006_row_level_security").POLICIES,
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
    dependencies = [("outcomes", "0006_row_level_security")]

    operations = [
        migrations.RunSQL(
            alter({table: per_row(rule) for table, rule in EARLIER.items()}),
            alter(EARLIER),
        )
    ]
