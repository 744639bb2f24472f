"""Row-level security on check-ins, their answers and drafts (core/scope.py, docs/security.md).

The second wall behind `visible_to`: the application's role sees, changes and adds these
rows only when their person is visible to it: the policy looks the person up, and that
look-up is itself bound by the people's policy (clients 0007: the person's CURRENT home team
in the transaction's scope). The same rule as `clients.models.in_scope`. A command or task
scoped to every team ('*') skips the look-up. The tables' owner, who runs migrations, is
not bound.
"""

from django.db import migrations

POLICIES = {
    "outcomes_checkin": (
        "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = outcomes_checkin.client_id)"
    ),
    "outcomes_answer": (
        "EXISTS (SELECT 1 FROM outcomes_checkin AS p WHERE p.id = outcomes_answer.check_in_id)"
    ),
    "outcomes_checkindraft": (
        "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = outcomes_checkindraft.client_id)"
    ),
}

# A data admin edits the organisation's questionnaires and must know whether ANY team's
# check-in (or a draft) used a version, which the policies would hide: these counts, with no
# person in them, come from a definer function run as the owner (outcomes.services.instrument_use).
FUNCTIONS = """
CREATE OR REPLACE FUNCTION alongside_instrument_use(uuid) RETURNS TABLE (check_ins bigint, drafts bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
SELECT (SELECT count(*) FROM outcomes_checkin WHERE instrument_id = $1),
       (SELECT count(*) FROM outcomes_checkindraft WHERE instrument_id = $1)
$$;
"""
DROP_FUNCTIONS = "DROP FUNCTION IF EXISTS alongside_instrument_use(uuid);"


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
        ('outcomes', '0005_fill_who5_licence'),
        ('clients', '0008_row_level_security_person_rows'),
    ]

    operations = [migrations.RunSQL(enable(), disable()), migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS)]
