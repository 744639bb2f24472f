"""The attacker against the tests dataset (issue 16): can a person's or a small group's test
result be learned from what a data admin can obtain?

The tests file holds one row per test with its result (reactive, non-reactive, invalid, not
shared): the most sensitive column any export carries. The attacker knows someone was
tested (a neighbour saw the van's rapid test; a police officer saw them at a site), their
age band and gender and roughly when, and combines:

- one file on its own: a group of age band, gender, area, period and test in which every
  result is the same tells each person in it their result (the homogeneity attack). Judged
  with pycanon (k-anonymity and l-diversity), not with the code that made the file;
- two exports, one holding the other (fewer teams, fewer months, another k, months or
  quarters): a group's rows in the larger one minus its rows in the smaller one are the
  tests of the teams or months left out, a small group whose results may all be the same;
- the organisation view's cascade for the same quarter (tested and reactive per test, for
  the whole organisation) beside the file of every team: what the view counts and the file
  does not show is the tests left out, and the view may say they were all reactive.

Traps laid by `tested` (tests/privacy/conftest.py's programme: 60 people, North, River and
Harbour, five people of each team per age band and gender):

- homogeneity: North's five women of 50-59 all had a reactive HIV test in February (their
  hepatitis C tests were mixed, so a check over results without the test's kind passes);
- teams: in May River's three men of 40-49 tested for HIV were all reactive; North's and
  Harbour's men of 40-49 tested in April had mixed results;
- months: Harbour's men of 50-59 had a hepatitis C test in April with mixed results, and two
  of them a second one in June, both reactive.
"""

from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from django.test import Client as HttpClient
from pycanon import anonymity

from accounts.models import Team, User
from dashboards import rollups
from exports.models import Export
from exports.privacy import K_MIN
from health.models import HealthTest, LinkageStep
from privacy.rules import L_DIVERSITY

from .conftest import MONTHS, Programme
from .outputs import ExportFiles, finished, organisation_view, start_export

pytestmark = pytest.mark.django_db

QUASI = ["age_band", "gender", "area", "period", "test"]
GROUP = QUASI
NORTH, RIVER, HARBOUR = 0, 1, 2


@pytest.fixture
def export_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    settings.ALONGSIDE_EXPORT_ROOT = root  # type: ignore[attr-defined]
    return root


def combo(j: int) -> tuple[int, int]:
    """(age, gender) of a team's j-th person: (0, 0) is 50-59 woman, (1, 1) 40-49 man
    (conftest: year of birth by j % 2, gender by j // 2 % 2)."""
    return (j % 2, j // 2 % 2)


@pytest.fixture
def tested(programme: Programme) -> Programme:
    tests: list[HealthTest] = []
    steps: list[LinkageStep] = []

    def test(person_n: int, kind: str, on: date, result: str) -> None:
        person = programme.people[person_n]
        made = HealthTest(
            client=person, team_id=person.home_team_id, kind=kind, method="rapid" if person_n % 4 else "referral",
            result=result, tested_on=on, created_by=programme.workers[person.home_team_id],
        )  # fmt: skip
        tests.append(made)
        if result == "reactive" and kind == "hiv":
            steps.append(LinkageStep(test=made, team_id=made.team_id, step="confirmed", done_on=on.replace(day=25),
                                     created_by=made.created_by))  # fmt: skip

    for t in (NORTH, RIVER, HARBOUR):
        for j in range(20):
            n = 3 * j + t
            first_of_combo = j < 4
            # The first quarter: everyone, an HIV test in February and a hepatitis C test in March.
            homogeneous = t == NORTH and combo(j) == (0, 0)
            test(n, "hiv", date(2026, 2, 3 + j), "reactive" if first_of_combo or homogeneous else "non_reactive")
            test(n, "hcv_antibody", date(2026, 3, 3 + j), "reactive" if 4 <= j < 8 else "non_reactive")
            # The second quarter: the men of 40-49 tested for HIV.
            if combo(j) == (1, 1):
                if t == RIVER:
                    if j < 12:  # three of them, all reactive
                        test(n, "hiv", date(2026, 5, 4 + j), "reactive")
                else:
                    test(n, "hiv", date(2026, 4, 4 + j), "reactive" if first_of_combo else "non_reactive")
            # Harbour's men of 50-59: a hepatitis C test in April, two of them again in June.
            if t == HARBOUR and combo(j) == (0, 1):
                test(n, "hcv_antibody", date(2026, 4, 6 + j), "reactive" if first_of_combo else "non_reactive")
                if j in (6, 10):
                    test(n, "hcv_antibody", date(2026, 6, 6 + j), "reactive")
    HealthTest.objects.bulk_create(tests)
    LinkageStep.objects.bulk_create(steps)
    rollups.rebuild()
    return programme


def frame(files: ExportFiles) -> pd.DataFrame:
    return pd.DataFrame(files.csv("tests"), columns=[*QUASI, "method", "result"])


def export_tests(admin: User, teams: list[Team], first: date, last: date, **extra: object) -> Export:
    return start_export(admin, teams, ["tests"], first_month=first, last_month=last, **extra)


@pytest.mark.parametrize(("k", "period"), [(K_MIN, "month"), (K_MIN, "quarter"), (11, "month")])
def test_no_group_of_one_file_shares_one_result(
    tested: Programme, data_admin: User, export_root: Path, k: int, period: str
) -> None:
    """The homogeneity attack on one file: pycanon judges every group of age band, gender,
    area, period and test (what the attacker knows of a person) k-anonymous and l-diverse."""
    [files] = finished([start_export(data_admin, tested.teams, ["tests"], k=k, period=period)], export_root)
    rows = frame(files)
    if k == K_MIN:
        assert len(rows) >= 100, "the file has rows to attack"
    if len(rows):
        assert anonymity.k_anonymity(rows, GROUP) >= k
        assert anonymity.l_diversity(rows, GROUP, ["result"]) >= L_DIVERSITY
    # North's women of 50-59, all reactive for HIV in the first quarter, are not in any file.
    north_women = rows[(rows["age_band"] == "50-59") & (rows["gender"] == "woman") & (rows["test"] == "hiv")]
    assert set(north_women["result"]) != {"reactive"}


def _contained(smaller: Counter[tuple[str, ...]], larger: Counter[tuple[str, ...]]) -> bool:
    return all(larger[row] >= count for row, count in smaller.items())


def test_no_two_exports_subtracted_give_a_small_groups_results(
    tested: Programme, data_admin: User, export_root: Path
) -> None:
    """Differencing: for every two exports where one holds the other (its teams and months
    among the other's), every group's rows in the larger minus those in the smaller are
    tests the attacker can place (the teams or months left out); they must not share one
    result."""
    teams = tested.teams
    subsets = [[teams[0]], [teams[1]], [teams[2]], teams[:2], [teams[0], teams[2]], teams[1:], teams]
    ranges = [(MONTHS[0], MONTHS[5]), (MONTHS[0], MONTHS[2]), (MONTHS[3], MONTHS[5]), (MONTHS[3], MONTHS[4]),
              (MONTHS[0], MONTHS[4]), (MONTHS[1], MONTHS[5])]  # fmt: skip
    plans: list[tuple[frozenset[str], date, date, object]] = []
    exports = []
    for chosen in subsets:
        for first, last in ranges:
            exports.append(export_tests(data_admin, chosen, first, last, k=K_MIN))
            plans.append((frozenset(t.name for t in chosen), first, last, (K_MIN, "month")))
    for k, period in ((11, "month"), (K_MIN, "quarter"), (8, "month")):
        exports.append(export_tests(data_admin, teams, MONTHS[0], MONTHS[5], k=k, period=period))
        plans.append((frozenset(t.name for t in teams), MONTHS[0], MONTHS[5], (k, period)))
    found = finished(exports, export_root)
    groups = []
    for files in found:
        by_group: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}
        for row in files.csv("tests"):
            key = tuple(row[name] for name in GROUP)
            by_group.setdefault(key, Counter())[tuple(row.values())] += 1
        groups.append(by_group)
    assert sum(len(g) for g in groups) > 50, "the exports have groups to subtract"

    result_at = list(found[0].csv("tests")[0]).index("result") if found[0].csv("tests") else None
    assert result_at is not None
    learned = []
    for a, (a_teams, a_first, a_last, a_how) in enumerate(plans):
        for b, (b_teams, b_first, b_last, b_how) in enumerate(plans):
            if a == b or not (b_teams <= a_teams and a_first <= b_first and b_last <= a_last):
                continue
            for key, rows in groups[a].items():
                theirs = groups[b].get(key, Counter())
                if not _contained(theirs, rows):
                    continue
                left = rows - theirs
                if left and len({row[result_at] for row in left}) < L_DIVERSITY:
                    learned.append((key, sorted(a_teams), a_how, sorted(b_teams), f"{b_first:%m}-{b_last:%m}",
                                    b_how, sorted(left.elements())[0][result_at], left.total()))  # fmt: skip
    assert learned == [], f"{len(learned)} small groups' results learned, e.g. {learned[:3]}"


@pytest.mark.parametrize("quarter", [1, 2])
def test_the_organisation_views_cascade_never_tells_what_the_file_left_out(
    tested: Programme, client: HttpClient, data_admin: User, export_root: Path, quarter: int
) -> None:
    """The view counts every test of the quarter (rounded, or "fewer than 11"); the file of
    every team for the same quarter shows the tests it kept and says how many it left out.
    If the view's least number of reactive tests of a kind, minus the reactive ones the file
    shows, is as many as the tests of that kind it can have left out, every test left out
    was reactive: the small group the file protected would be learned."""
    first, last = MONTHS[3 * (quarter - 1)], MONTHS[3 * (quarter - 1) + 2]
    [files] = finished([export_tests(data_admin, tested.teams, first, last, k=K_MIN)], export_root)
    rows = frame(files)
    left_out = files.codebook["datasets"]["tests"]["privacy"]["rows_suppressed"]
    client.force_login(data_admin)
    page = organisation_view(client, {"period": f"2026-Q{quarter}"})
    assert page is not None and "cascade" in page.tables
    cascade = page.tables["cascade"]
    tested_at, reactive_at = cascade.column("Tested"), cascade.column("Reactive")
    assert tested_at is not None and reactive_at is not None
    labels = dict((str(label), kind) for kind, label in HealthTest.Kind.choices)
    learned = []
    read = 0
    for label, cells in cascade.rows:
        kind = labels[label]
        shown = rows[rows["test"] == kind]
        tested_range = cells[tested_at].interval(page.bound)
        reactive_range = cells[reactive_at].interval(page.bound)
        if tested_range is None or reactive_range is None:
            continue
        read += 1
        could_be_left_out = min(left_out, tested_range[1] - len(shown))
        surely_reactive_left_out = reactive_range[0] - (shown["result"] == "reactive").sum()
        if could_be_left_out > 0 and surely_reactive_left_out >= could_be_left_out:
            learned.append((kind, could_be_left_out, cells[reactive_at].text))
    assert read, "the view's cascade was read"
    assert learned == [], f"every test left out of the file was reactive: {learned}"


def test_the_tests_file_joins_the_other_files_on_nothing_but_whole_groups(
    tested: Programme, data_admin: User, export_root: Path
) -> None:
    """With every other file of the same export (contacts, check-ins, goals, referrals,
    overdose responses): no column links a test to a person or to another file's row, so a
    join can only pair whole groups; and the join by age band, gender and quarter leaves
    every group of tests as diverse as it was."""
    from exports.datasets import ROW_LEVEL

    from .test_record_level import LINKS, traces

    [files] = finished([start_export(data_admin, tested.teams, list(ROW_LEVEL), k=K_MIN, period="quarter")],
                       export_root)  # fmt: skip
    tests = files.csv("tests")
    assert len(tests) >= 100, "the file has rows to attack"
    header = set(tests[0])
    assert not header & set(LINKS)
    assert len(traces(files, [dataset.file_stem for dataset in ROW_LEVEL.values()])) == 0  # no one to trace
    joined = []
    for dataset in ROW_LEVEL.values():
        if dataset.key == "tests" or not (rows := files.csv(dataset.file_stem)):
            continue
        assert header & set(rows[0]) == {"period", "age_band", "gender", "area"}, dataset.key
        seen = {(row["age_band"], row["gender"], row["period"]) for row in rows}
        joined += [
            {**row, "with": dataset.key} for row in tests if (row["age_band"], row["gender"], row["period"]) in seen
        ]
    assert joined, "the files share groups to join on"
    frame = pd.DataFrame(joined)
    assert anonymity.l_diversity(frame, [*GROUP, "with"], ["result"]) >= L_DIVERSITY
