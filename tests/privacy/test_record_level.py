"""Record-level exports as an attacker reads them: joined on whatever links rows, checked
per person (their whole trace, the months they appear in included) with an independent
library (pycanon), not with the code that made the export."""

from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from pycanon import anonymity

from accounts.models import User
from exports.datasets import ROW_LEVEL

from .conftest import Programme
from .outputs import ExportFiles, finished, start_export

pytestmark = pytest.mark.django_db

QUASI = ["age_band", "gender", "area", "period"]
LINKS = ("person", "pseudonym", "person_id")


@pytest.fixture
def export_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    settings.ALONGSIDE_EXPORT_ROOT = root  # type: ignore[attr-defined]
    return root


def link_of(row: dict[str, str]) -> str:
    return next((row[name] for name in LINKS if row.get(name)), "")


def traces(files: ExportFiles, stems: list[str]) -> pd.DataFrame:
    """One row per linked person: their age band and gender, and the pattern of what they
    appear with in every file (file, period and area of each row)."""
    found: dict[str, dict[str, object]] = {}
    pattern: dict[str, set[str]] = defaultdict(set)
    for stem in stems:
        for row in files.csv(stem):
            link = link_of(row)
            if not link:
                continue
            found[link] = {"age_band": row["age_band"], "gender": row["gender"]}
            pattern[link].add(f"{stem}:{row['period']}:{row['area']}")
    return pd.DataFrame(
        [{**found[link], "trace": "|".join(sorted(pattern[link]))} for link in found],
        columns=["age_band", "gender", "trace"],
    )


def test_each_persons_whole_trace_is_shared_by_k_people(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    [files] = finished([start_export(data_admin, programme.teams, ["contacts"], k=11)], export_root)
    rows = files.csv("contacts")
    assert len(rows) > 100, "the file has rows to attack"
    people = traces(files, ["contacts"])
    if len(people):
        assert anonymity.k_anonymity(people, ["age_band", "gender", "trace"]) >= 11
    # Rows without a person link: each row's group holds at least k rows.
    assert anonymity.k_anonymity(pd.DataFrame(rows), QUASI) >= 11


def test_joining_the_files_of_one_export_at_the_smallest_k_makes_no_one_unique(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    from exports.privacy import K_MIN

    [files] = finished([start_export(data_admin, programme.teams, list(ROW_LEVEL), k=K_MIN)], export_root)
    stems = [dataset.file_stem for dataset in ROW_LEVEL.values()]
    assert sum(len(files.csv(stem)) for stem in stems) > 100
    people = traces(files, stems)
    linked = people[people["trace"].str.count(r"\|") >= 1] if len(people) else people
    if len(linked):
        assert anonymity.k_anonymity(people, ["age_band", "gender", "trace"]) >= K_MIN


def test_anonymous_head_counts_never_make_up_a_group(programme: Programme, data_admin: User, export_root: Path) -> None:
    """One registered person at the Lighthouse, an anonymous group of 10 beside them: the
    person's contact must not come out as a group of 11."""
    [files] = finished([start_export(data_admin, programme.teams, ["contacts"], k=11)], export_root)
    at_lighthouse = [row for row in files.csv("contacts") if row["area"] == "Lighthouse"]
    assert at_lighthouse == []


@pytest.mark.parametrize(("stem", "sensitive"), [("overdose_responses", "outcome"), ("check_ins", "total")])
def test_sensitive_columns_are_l_diverse(
    programme: Programme, data_admin: User, export_root: Path, stem: str, sensitive: str
) -> None:
    [files] = finished([start_export(data_admin, programme.teams, [stem], k=5, period="quarter")], export_root)
    rows = files.csv(stem)
    assert rows, "the file has rows to attack"
    assert anonymity.l_diversity(pd.DataFrame(rows), QUASI, [sensitive]) >= 2
