"""Row-level security on goals' steps and reviews (through their goal's person) (core/scope.py, docs/security.md).

The second wall behind `visible_to`: the application's role sees, changes and adds these
rows only when their person is visible to it: the policy looks the person up, and that
look-up is itself bound by the people's policy (clients 0007: the person's CURRENT home team
in the transaction's scope). The same rule as `clients.models.in_scope`. A command or task
scoped to every team ('*') skips the look-up. The tables' owner, who runs migrations, is
not bound.
"""

from django.db import migrations

POLICIES = {
    "goals_step": (
        "EXISTS (SELECT 1 FROM goals_goal AS p JOIN clients_client AS c ON c.id = p.client_id WHERE p.id = goals_step.goal_id)"
    ),
    "goals_review": (
        "EXISTS (SELECT 1 FROM goals_goal AS p JOIN clients_client AS c ON c.id = p.client_id WHERE p.id = goals_review.goal_id)"
    ),
}


def enable() -> str:
    return "".join(
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n"
        f"CREATE POLICY team_scope ON {table} USING (alongside_every_team() OR {rule})"
        f" WITH CHECK (alongside_every_team() OR {rule});\n"
        for table, rule in POLICIES.items()
    )


def disable() -> str:
    return "".join(
        f"DROP POLICY IF EXISTS team_scope ON {table};\nALTER TABLE {table} DISABLE ROW LEVEL SECURITY;\n"
        for table in POLICIES
    )


class Migration(migrations.Migration):
    dependencies = [
        ('goals', '0004_drop_review_link_trigger'),
        ('clients', '0008_row_level_security_person_rows'),
    ]

    operations = [migrations.RunSQL(enable(), disable())]
