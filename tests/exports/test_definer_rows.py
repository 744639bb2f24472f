"""The export job reads every chosen team's rows with no team in its row-level scope: each
dataset's rows come from a definer function (exports migration 0003, core/definer.py), so the
job never widens its transaction to every team (docs/security.md, "Reading across teams")."""

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from core.scope import current_teams
from exports import jobs
from exports.datasets import ROW_LEVEL

from .conftest import Programme, new_export, run_worker

pytestmark = pytest.mark.django_db


def test_each_dataset_is_written_with_no_team_in_scope_and_holds_every_chosen_teams_rows(
    monkeypatch: pytest.MonkeyPatch, programme: Programme, data_admin: User, export_root: Path
) -> None:
    scopes: dict[str, str] = {}
    write_csv = jobs.write_csv

    def noting_the_scope(archive: Any, name: str, *args: Any) -> int:
        scopes[name] = current_teams()
        return write_csv(archive, name, *args)

    monkeypatch.setattr(jobs, "write_csv", noting_the_scope)
    one_team = new_export(data_admin, programme.teams[:1], list(ROW_LEVEL), k=5)
    both = new_export(data_admin, programme.teams, list(ROW_LEVEL), k=5)
    run_worker()
    assert scopes == {f"{dataset.file_stem}.csv": "" for dataset in ROW_LEVEL.values()}
    one_team.refresh_from_db()
    both.refresh_from_db()
    for key in ROW_LEVEL:
        # Every row the function gave, kept, generalised or left out by the privacy ladder.
        first, every = (
            sum(value for name, value in export.summary[key]["privacy"].items() if name.startswith("rows_"))
            for export in (one_team, both)
        )
        # The other team's rows are there too, read without that team in scope.
        assert every > first > 0, key
