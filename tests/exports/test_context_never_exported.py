"""The context a person chose to share (income, benefits, housing support: clients.ContextItem)
is never in an export: not a row, not a column, not a word of any dataset, codebook or privacy
summary, in either format (issue 16, item 7)."""

from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from clients.context_items import kind_of
from clients.models import ContextItem
from exports.datasets import AGGREGATE, ROW_LEVEL
from exports.models import Export

from .conftest import Programme, every_text, new_export, open_zip, run_worker

pytestmark = pytest.mark.django_db

EVERYTHING = [*ROW_LEVEL, AGGREGATE]
# Labels of the short list that say nothing else anywhere ("Something else" and "Benefits"
# are words other parts of an export may use for their own things).
LABELS = [
    str(label)
    for value, label in ContextItem.Situation.choices
    if not value.endswith("_other") and value != ContextItem.Situation.BENEFITS_OR_PENSION
]


@pytest.mark.parametrize("file_format", [Export.Format.CSV, Export.Format.XLSX])
def test_no_context_item_is_in_any_file_of_any_export(
    programme: Programme, data_admin: User, worker: User, export_root: Path, file_format: str
) -> None:
    situations = ContextItem.Situation.values
    for n, person in enumerate(programme.people):
        for offset in range(3):
            situation = situations[(n + offset * 5) % len(situations)]
            ContextItem.objects.create(
                client=person,
                kind=kind_of(situation),
                situation=situation,
                words=f"Contextwords{n}-{offset}k",
                noted_on=timezone.localdate(),
                created_by=worker,
            )
    export = new_export(data_admin, programme.teams, EVERYTHING, k=5, file_format=file_format)
    run_worker()

    texts = every_text(open_zip(export, export_root))

    assert {"codebook.json"} <= set(texts) and len(texts) > len(EVERYTHING)
    secrets = {f"Contextwords{n}-{offset}k" for n in range(len(programme.people)) for offset in range(3)}
    secrets |= set(situations) | set(LABELS) | {"contextitem", "context_item", "housing support"}
    found = {(secret, name) for name, text in texts.items() for secret in secrets if secret.lower() in text.lower()}
    assert found == set()
    assert ContextItem.objects.count() == 3 * len(programme.people)  # there was something to leak


def test_no_function_the_exports_or_the_organisation_view_read_names_the_table() -> None:
    """Exports and the organisation view read across teams only through definer functions
    (core/definer.py): none of them reads the items' table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname FROM pg_proc JOIN pg_namespace n ON n.oid = pronamespace"
            " WHERE n.nspname = current_schema() AND proname LIKE 'alongside%%'"
            " AND prosrc ILIKE '%%clients_contextitem%%'"
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT count(*) FROM pg_proc JOIN pg_namespace n ON n.oid = pronamespace"
            " WHERE n.nspname = current_schema() AND proname LIKE 'alongside_export%%'"
        )
        assert cursor.fetchone()[0] >= len(ROW_LEVEL)  # the scan saw the export functions
