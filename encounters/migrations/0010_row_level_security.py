"""Row-level security on contacts and the rows kept with them: the services given, supplies
for others and their items, referrals and their updates, overdose responses (core/scope.py,
docs/security.md).

The second wall behind `visible_to`, the same rule as `clients.models.in_scope`:

- a contact or an overdose response with a person is visible when the person is (the
  people's own policy, clients 0007: their CURRENT home team in the transaction's scope);
  one with no person (an anonymous contact, a response to someone not named) when the team
  in its own `team` column is in the scope (`EncounterQuerySet.visible_to`,
  `OverdoseResponseQuerySet.visible_to`);
- a referral when its person is (`ReferralQuerySet.visible_to`), an update when its referral is;
- the services given at a contact, and supplies for others, when their contact is.

The policies check new and changed rows too (WITH CHECK). A command or task scoped to every
team ('*') skips the look-ups. The organisation view and the exports read these tables
through definer functions (dashboards 0008, exports 0003), never with a widened scope. The
tables' owner, who runs migrations, is not bound.
"""

from django.db import migrations

PERSON_OR_TEAM = (
    "({table}.client_id IS NULL AND alongside_team_in_scope({table}.team_id))"
    " OR EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = {table}.client_id)"
)

POLICIES = {
    "encounters_encounter": PERSON_OR_TEAM.format(table="encounters_encounter"),
    "encounters_overdoseresponse": PERSON_OR_TEAM.format(table="encounters_overdoseresponse"),
    "encounters_referral": "EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = encounters_referral.client_id)",
    "encounters_referralupdate": (
        "EXISTS (SELECT 1 FROM encounters_referral AS r WHERE r.id = encounters_referralupdate.referral_id)"
    ),
    "encounters_serviceprovided": (
        "EXISTS (SELECT 1 FROM encounters_encounter AS e WHERE e.id = encounters_serviceprovided.encounter_id)"
    ),
    "encounters_forothers": (
        "EXISTS (SELECT 1 FROM encounters_encounter AS e WHERE e.id = encounters_forothers.encounter_id)"
    ),
    "encounters_forothersitem": (
        "EXISTS (SELECT 1 FROM encounters_forothers AS f WHERE f.encounter_id = encounters_forothersitem.for_others_id)"
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
        ("encounters", "0009_referral_care_steps"),
        ("clients", "0008_row_level_security_person_rows"),
        ("exports", "0003_export_rows_by_definer"),
        ("reports", "0008_organisation_figures_by_definer"),
    ]

    operations = [migrations.RunSQL(enable(), disable())]
