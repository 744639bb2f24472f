"""Row-level security on the rows about a person kept with the people: aliases, consents, safety flags, their words on drug use, dismissed duplicates, merges (core/scope.py, docs/security.md).

The second wall behind `visible_to`: the application's role sees, changes and adds these
rows only when their person is visible to it: the policy looks the person up, and that
look-up is itself bound by the people's policy (clients 0007: the person's CURRENT home team
in the transaction's scope). The same rule as `clients.models.in_scope`. A command or task
scoped to every team ('*') skips the look-up. The tables' owner, who runs migrations, is
not bound.
"""

from django.db import migrations

POLICIES = {
    "clients_alias": (
        "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = clients_alias.client_id)"
    ),
    "clients_consent": (
        "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = clients_consent.client_id)"
    ),
    "clients_safetyflag": (
        "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = clients_safetyflag.client_id)"
    ),
    "clients_duplicatedismissal": (
        "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = clients_duplicatedismissal.first_id) AND EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = clients_duplicatedismissal.second_id)"
    ),
    "clients_usewish": (
        "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = clients_usewish.client_id)"
    ),
    "clients_merge": (
        "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = clients_merge.survivor_id) OR EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = clients_merge.merged_id)"
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
        ('clients', '0007_row_level_security'),
    ]

    operations = [migrations.RunSQL(enable(), disable())]
