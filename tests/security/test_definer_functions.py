"""Every function that runs as the tables' owner (SECURITY DEFINER) is listed here with why.

Row-level security binds the application's role, not the owner, so a definer function is a
door through the second wall (core/scope.py). Each door is one of four kinds:

- AGGREGATES (core/definer.py): counts over every team for the figures that pass the
  protection layer (the organisation view, the aggregate export, the API's figures). They
  return team and period aggregates only: no column that could name a person or a row.
- EXPORT_ROWS: the export job's rows, with a pseudonym that links nothing outside one call
  and coded columns only (exports/datasets.py).
- SCOPED: they apply the caller's own scope themselves and return what the caller could
  read anyway (so an index the policy would rule out can serve them).
- AUDIT: the audit chain's functions (audit/chain.py, docs/security.md "The audit trail").

A new definer function fails `test_every_definer_function_is_listed_with_why` until it is
listed here, and an aggregate one fails the next test if it returns a person's or a row's id.
"""

from datetime import UTC, date, datetime

import pytest
from django.db import connection, transaction

from clients.models import Client
from core.definer import aggregate_rows
from core.scope import EVERY_TEAM, current_teams, team_scope
from tests.factories import EncounterFactory

pytestmark = pytest.mark.django_db

AGGREGATES = {
    "alongside_org_events": "the organisation view's counts of records per team and month (dashboards/hierarchy.py)",
    "alongside_org_quantities": "the organisation view's quantities given, with how many received them",
    "alongside_org_people": "the organisation view's distinct people seen per team and period",
    "alongside_org_who5": "the organisation view's WHO-5 people, mean and reliable change per team and period",
    "alongside_org_attainment": "the organisation view's people whose goal attainment T-score rose, or not",
    "alongside_health_events": "the organisation view's testing cascade and incidents that may count (health/)",
    "alongside_education_events": "the organisation view's contacts per built-in safer-use topic (health/)",
    "alongside_vaccination_events": "the organisation view's doses per built-in vaccine, teams' own as other (health/)",
    "alongside_instrument_use": "whether any team's check-in used a questionnaire's version (outcomes/services.py)",
}
# The export job's rows (exports/datasets.py, exports migration 0003): one row per record of
# the export's teams and period, coded columns only, a month for a time, an age band for a
# year of birth, and for a person only a pseudonym made inside the call from a salt that never
# leaves it (the same person within one call, linked to nothing outside it).
EXPORT_ROWS = {
    "alongside_export_contacts": "the contacts dataset",
    "alongside_export_check_ins": "the check-ins dataset",
    "alongside_export_goals": "the goals dataset",
    "alongside_export_referrals": "the referrals dataset",
    "alongside_export_overdose_responses": "the overdose responses dataset",
    # Also a team pseudonym (text, from the same salt), never written to a file: the ladder
    # groups each team's tests on their own (exports 0004, docs/privacy.md "Test results").
    "alongside_export_tests": "the tests dataset (results and linkage to care)",
}
SCOPED = {
    "alongside_people_matching": "the search's candidates by trigram index, in the caller's scope (clients 0007)",
}
AUDIT = {
    "audit_append": "the application's only way to write an audit event",
    "audit_chain_link": "links each event into its lane's keyed chain at commit",
    "audit_chain_mac": "the chain's keyed hash (the owner alone may call it)",
    "audit_link_valid": "the verifier's yes or no per link",
}
# Output columns an aggregate may not have: a person's or a row's id, a name, a free text.
NAMING = {"id", "client_id", "person_id", "who", "code", "name", "preferred_name", "note", "words", "text"}


def definer_functions() -> dict[str, tuple[list[str], list[str], list[str]]]:
    """name: (its settings, output column names, output column types)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.proname, coalesce(p.proconfig, '{}'), coalesce(p.proargnames, '{}'),
                   coalesce(p.proargmodes::text[], '{}'),
                   array(SELECT format_type(t, NULL) FROM unnest(p.proallargtypes) WITH ORDINALITY AS a(t, i)
                          ORDER BY i)
              FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
             WHERE p.prosecdef AND n.nspname = current_schema()
            """
        )
        found = {}
        for name, config, names, modes, types in cursor.fetchall():
            out = [i for i, mode in enumerate(modes) if mode in {"o", "t"}]
            found[name] = (list(config), [names[i] for i in out], [types[i] for i in out])
        return found


def test_every_definer_function_is_listed_with_why() -> None:
    found = definer_functions()
    assert set(found) == set(AGGREGATES) | set(EXPORT_ROWS) | set(SCOPED) | set(AUDIT)
    unpinned = [
        name for name, (config, _names, _types) in found.items() if not any("search_path=" in c for c in config)
    ]
    assert unpinned == []


def test_aggregate_functions_return_no_column_that_names_a_person_or_a_row() -> None:
    found = definer_functions()
    for name in AGGREGATES:
        _config, columns, types = found[name]
        assert columns, name  # a table of named columns, never a set of bare values
        assert NAMING.isdisjoint(columns), name
        uuids = [column for column, kind in zip(columns, types, strict=True) if kind == "uuid"]
        assert set(uuids) <= {"team_id"}, name


def test_export_row_functions_return_a_pseudonym_and_coded_columns_only() -> None:
    found = definer_functions()
    for name in EXPORT_ROWS:
        _config, columns, types = found[name]
        assert columns[0] == "person_key", name
        assert NAMING.isdisjoint(columns), name
        assert {"year_of_birth", "happened_at", "site_id", "team_id"}.isdisjoint(columns), name
        assert [column for column, kind in zip(columns, types, strict=True) if kind == "uuid"] == ["person_key"], name


def test_the_new_functions_never_read_a_table_the_caller_made() -> None:
    """Their search path ends with pg_temp: a temporary table named like one of ours, made by
    the caller, is never what the owner's function reads."""
    found = definer_functions()
    for name in [*AGGREGATES, *EXPORT_ROWS]:
        if name.startswith(("alongside_org_", "alongside_export_")):
            assert found[name][0] == ["search_path=public, pg_temp"], name


def test_the_pattern_refuses_a_function_outside_the_naming() -> None:
    with pytest.raises(ValueError, match="alongside_"):
        aggregate_rows("pg_read_file", {"filename": "/etc/passwd"})


def test_an_aggregate_is_read_with_no_team_in_scope(person: Client, no_default_scope: None) -> None:
    """The pattern from core/definer.py, as a data admin's transaction (no team) calls it:
    every team's people counted, none of them in reach."""
    with team_scope(EVERY_TEAM):
        EncounterFactory.create(client=person, happened_at=datetime(2026, 3, 4, 12, tzinfo=UTC))
    with transaction.atomic(), team_scope([]):
        assert current_teams() == ""
        assert not Client.objects.exists()
        rows = aggregate_rows(
            "alongside_org_people",
            {"zone": "UTC", "starts": datetime(2026, 1, 1, tzinfo=UTC), "ends": datetime(2027, 1, 1, tzinfo=UTC)},
        )
    month = (person.home_team_id, "month", date(2026, 3, 1), 1)
    assert month in {tuple(row[:4]) for row in rows}


def test_an_export_pseudonym_is_the_same_person_within_a_call_and_links_nothing_outside_it(
    person: Client, no_default_scope: None
) -> None:
    when = datetime(2026, 3, 4, 12, tzinfo=UTC)
    with team_scope(EVERY_TEAM):
        EncounterFactory.create(client=person, team=person.home_team, happened_at=when)
        EncounterFactory.create(client=person, team=person.home_team, happened_at=when)
    params = {
        "teams": [person.home_team_id],
        "starts": when.replace(day=1),
        "ends": when.replace(month=4),
        "zone": "UTC",
    }
    with transaction.atomic(), team_scope([]):
        first = aggregate_rows("alongside_export_contacts", params)
        second = aggregate_rows("alongside_export_contacts", params)
        with connection.cursor() as cursor:
            cursor.execute("SELECT md5(%s::text)::uuid", [str(person.pk)])
            (plain_md5,) = cursor.fetchone()
    assert len(first) == 2 and first[0][0] == first[1][0]  # one person, twice
    assert first[0][0] != second[0][0]  # another call, another pseudonym
    assert first[0][0] not in {person.pk, plain_md5}
    assert first[0][2] == datetime(2026, 3, 1, tzinfo=UTC)  # the month, never the moment
