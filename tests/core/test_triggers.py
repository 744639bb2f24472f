"""The database does no app's work: its only triggers capture changes for the rollups and
protect the audit table, exactly the ones docs/architecture.md lists."""

import re
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
ROW = re.compile(r"^\| `(\w+)` \| `(\w+)` \|", re.MULTILINE)


def documented() -> set[tuple[str, str]]:
    section = DOC.read_text().split("## Triggers", 1)[1].split("\n## ", 1)[0]
    return {(table, name) for name, table in ROW.findall(section)}


def in_the_database() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
        return set(cursor.fetchall())


def test_the_triggers_are_exactly_the_documented_ones() -> None:
    assert len(documented()) >= 10  # the table was read
    assert in_the_database() == documented()


def test_no_trigger_works_on_a_new_contact_but_the_rollups_note() -> None:
    """The goals and outcomes triggers that linked reviews and made check-ins are gone."""
    on_contacts = {name for table, name in in_the_database() if table == "encounters_encounter"}
    assert on_contacts == {"reports_contacts_inserted", "reports_contacts_updated", "reports_contacts_deleted"}
