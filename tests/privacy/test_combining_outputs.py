"""The attacker combines everything a data admin can obtain about one programme: the
organisation view for every period its form accepts, and aggregate exports for every
range of months and every choice of teams. No count of 1 to 10 may come out of it:
not by subtracting two outputs (differencing), and not by a linear program over all of
them at once (each protected count keeps at least 5 possible values)."""

from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from django.test import Client as HttpClient

from accounts.models import User

from .attacker import Fact, differencing, facts_from_aggregate, facts_from_view, linear_bounds
from .conftest import MONTHS, Programme
from .outputs import every_period_the_view_allows, finished, organisation_view, start_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    settings.ALONGSIDE_EXPORT_ROOT = root  # type: ignore[attr-defined]
    return root


def everything_released(programme: Programme, client: HttpClient, data_admin: User, root: Path) -> list[Fact]:
    client.force_login(data_admin)
    facts: list[Fact] = []
    for params in every_period_the_view_allows(client):
        page = organisation_view(client, params)
        if page is not None:
            facts += facts_from_view(page, programme.team_names, f"view {params}")
    exports = []
    for i, first in enumerate(MONTHS):
        for last in MONTHS[i:]:
            exports.append(start_export(data_admin, programme.teams, ["aggregate"], first_month=first, last_month=last))
    for size in (1, 2):
        for teams in combinations(programme.teams, size):
            exports.append(start_export(data_admin, list(teams), ["aggregate"]))
    for files in finished(exports, root):
        source = f"export {files.export.first_month:%Y-%m}..{files.export.last_month:%Y-%m}"
        facts += facts_from_aggregate(files, source, programme.team_names)
    assert len({fact.source.split()[0] for fact in facts}) == 2, "both the view and the exports were read"
    return facts


def test_no_two_outputs_subtracted_give_a_small_count(
    programme: Programme, client: HttpClient, data_admin: User, export_root: Path
) -> None:
    facts = everything_released(programme, client, data_admin, export_root)
    recovered = differencing(facts, programme)
    kinds = Counter((r.measure, r.how.split()[0], r.how.split(" minus ")[1].split()[0]) for r in recovered)
    assert recovered == [], f"{len(recovered)} small counts recovered ({dict(kinds)}), e.g. {recovered[:2]}"


def test_no_protected_count_narrows_below_5_values_over_all_outputs_together(
    programme: Programme, client: HttpClient, data_admin: User, export_root: Path
) -> None:
    facts = everything_released(programme, client, data_admin, export_root)
    recovered = linear_bounds(facts, programme)
    kinds = Counter(r.measure for r in recovered)
    assert recovered == [], f"{len(recovered)} small counts narrowed ({dict(kinds)}), e.g. {recovered[:2]}"
