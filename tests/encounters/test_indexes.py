"""Saving a contact writes one page per index of the contacts and services tables, and at
2,000,000 contacts a page of a big index is rarely in memory: every index there earns its
keep. These are the indexes; one added or removed must be a decision (bench/README.md)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def indexes_of(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        definitions = [row[0] for row in cursor.fetchall()]
    return {definition.split(" USING btree ")[1] for definition in definitions}


def test_a_contact_is_indexed_by_id_and_by_person_team_worker_and_site() -> None:
    assert indexes_of("encounters_encounter") == {
        "(id)",
        "(client_id, happened_at DESC)",
        "(team_id, happened_at DESC)",
        "(worker_id, happened_at DESC)",
        "(site_id)",
        "(updated_by_id)",
    }


def test_the_services_given_are_indexed_by_contact_and_service() -> None:
    assert indexes_of("encounters_serviceprovided") == {"(id)", "(encounter_id, service_type_id)", "(service_type_id)"}
