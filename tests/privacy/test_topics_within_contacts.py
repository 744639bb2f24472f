"""A topic is covered at a contact, so a team's contacts that covered a topic in a month are
never more than its contacts in that month. The attacker knows that, and it ties two
measures the audit could otherwise judge apart: what the topic's figures say of its least
value and what the contacts' figures say of their greatest can meet.

The trap: a team ("Bay") has 5 contacts in January, all of them covering naloxone use; 23 in
February, 20 of them covering it; none in March (anonymous contacts, one person each, so no
people count says anything more). Its record ids are chosen so that the published figures
say, for naloxone use, "January is 2 to 10" (February rounded down by 2 to 18, the quarter
down by 1 to 24) and, for contacts, "January is 1 to 5" (February rounded up to 25, the
quarter down to 26). Each measure alone leaves January 5 values or more; together, January
is 2 to 5, for both (on the code before the audit had "topic at most contacts"). The
attacker reads the aggregate export and the API's figures, and solves both measures at
once with "topic at most contacts" for every team and month."""

import hashlib
import math
import random
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from scipy.optimize import linprog

from accounts.models import Membership, Team, User
from encounters.models import Encounter, Site
from health.education import Topic, TopicCovered
from privacy.cellkey import combine, perturbation
from tests.factories import MembershipFactory, TeamFactory, make_token

from .attacker import FEWEST_VALUES, possible_values
from .outputs import Cell, finished, start_export

pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY, MARCH = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
NALOXONE, CONTACTS = "topics:naloxone", "contacts"
TRUE = {(NALOXONE, JANUARY): 5, (NALOXONE, FEBRUARY): 20, (CONTACTS, JANUARY): 5, (CONTACTS, FEBRUARY): 23}


@pytest.fixture
def export_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    settings.ALONGSIDE_EXPORT_ROOT = root
    return root


def record_key(pk: uuid.UUID) -> float:
    """privacy/cellkey.py's RECORD_KEY_SQL, in Python."""
    return int(hashlib.md5(str(pk).encode(), usedforsecurity=False).hexdigest()[:8], 16) / 4294967296.0


def key_of(ids: Iterable[uuid.UUID]) -> float:
    return combine(record_key(pk) for pk in ids)


def ids_until(count: int, rng: random.Random, wanted: Any) -> list[uuid.UUID]:
    """`count` ids, the last drawn again until `wanted(ids)` holds."""
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(count - 1)]
    for _ in range(100_000):
        last = uuid.UUID(int=rng.getrandbits(128), version=4)
        if wanted([*ids, last]):
            return [*ids, last]
    raise AssertionError("no such ids")


@pytest.fixture
def bay(data_admin: User) -> Team:
    rng = random.Random(16)
    february = ids_until(20, rng, lambda ids: perturbation(key_of(ids)) == -2)  # naloxone, February: 18
    january = ids_until(  # naloxone, the quarter: 24 (a key that leaves room for the contacts' below)
        5, rng, lambda ids: perturbation(key_of([*ids, *february])) == -1 and 0.15 < key_of(ids) < 0.4
    )
    others = ids_until(  # contacts, February: 25; the quarter: 26
        3,
        rng,
        lambda ids: (
            perturbation(key_of([*february, *ids])) == 2 and perturbation(key_of([*january, *february, *ids])) == -2
        ),
    )
    team = TeamFactory.create(name="Bay")
    worker = MembershipFactory.create(team=team, role=Membership.Role.WORKER, user__username="w-Bay").user
    site = Site.objects.create(team=team, name="Bay pier", area="Bay")
    naloxone = Topic.objects.get(team=team, key="naloxone")

    def contact(pk: uuid.UUID, month: date, day: int) -> Encounter:
        return Encounter(id=pk, client=None, head_count=1, team=team, worker=worker, site=site,
                         happened_at=datetime(month.year, month.month, 1 + day, 12, tzinfo=UTC))  # fmt: skip

    contacts = [contact(pk, JANUARY, n) for n, pk in enumerate(january)]
    contacts += [contact(pk, FEBRUARY, n) for n, pk in enumerate([*february, *others])]
    Encounter.objects.bulk_create(contacts)
    TopicCovered.objects.bulk_create(
        TopicCovered(encounter_id=pk, topic=naloxone, created_by=worker) for pk in [*january, *february]
    )
    return team


def facts(
    client: HttpClient, data_admin: User, export_root: Path, team: Team
) -> list[tuple[str, list[date], float, float]]:
    """(measure, months, least, greatest) of every Bay figure the export and the API give."""
    found = []
    export = start_export(data_admin, [team], ["aggregate"], first_month=JANUARY, last_month=MARCH)
    (files,) = finished([export], export_root)
    bound = int(files.codebook["datasets"]["aggregate"]["privacy"]["protection_interval"])
    quarter = [JANUARY, FEBRUARY, MARCH]
    for row in files.csv("aggregate_report"):
        months = quarter if row["period"] == "2026-Q1" else [date.fromisoformat(row["period"] + "-01")]
        for measure, column in ((NALOXONE, "topic_naloxone"), (CONTACTS, "contacts")):
            text = row[column]
            zero = text == "0"  # zeros stay zero
            interval = Cell(text, "rounded" if text.isdigit() and not zero else "").interval(bound)
            if interval is not None:
                found.append((measure, months, *interval))
    token = {"Authorization": f"Bearer {make_token(data_admin, 'read')}"}
    for period, months in (("2026-01", [JANUARY]), ("2026-02", [FEBRUARY]), ("2026-Q1", quarter)):
        body = client.get(reverse("api:figures"), {"period": period}, headers=token).json()
        for row in body["teams"]:
            for measure in (NALOXONE, CONTACTS):
                figure = row["figures"][measure]
                text = {"small": "<11", "withheld": "withheld"}.get(figure["status"], str(figure["value"]))
                interval = Cell(text, figure["status"]).interval(body["protection"]["interval"])
                if interval is not None:
                    found.append((measure, months, *interval))
    return found


def test_a_topic_count_cannot_be_pinned_by_the_contacts_it_was_covered_at(
    bay: Team, client: HttpClient, data_admin: User, export_root: Path
) -> None:
    found = facts(client, data_admin, export_root, bay)
    assert {measure for measure, *_rest in found} == {NALOXONE, CONTACTS}
    atoms = [(measure, month) for measure in (NALOXONE, CONTACTS) for month in (JANUARY, FEBRUARY, MARCH)]
    index = {atom: n for n, atom in enumerate(atoms)}
    rows, bounds = [], []
    for measure, months, low, high in found:
        vector = np.zeros(len(atoms))
        for month in months:
            vector[index[(measure, month)]] = 1
        if not math.isinf(high):
            rows.append(vector)
            bounds.append(high)
        rows.append(-vector)
        bounds.append(-low)
    for month in (JANUARY, FEBRUARY, MARCH):  # a topic's contacts are among the contacts
        vector = np.zeros(len(atoms))
        vector[index[(NALOXONE, month)]], vector[index[(CONTACTS, month)]] = 1, -1
        rows.append(vector)
        bounds.append(0)
    narrowed = {}
    for atom, true in TRUE.items():
        if not 1 <= true <= 10:
            continue
        objective = np.zeros(len(atoms))
        objective[index[atom]] = 1
        low = linprog(objective, A_ub=np.array(rows), b_ub=np.array(bounds), bounds=(0, None), method="highs")
        high = linprog(-objective, A_ub=np.array(rows), b_ub=np.array(bounds), bounds=(0, None), method="highs")
        assert low.status == 0, "the facts contradict each other"
        top = -high.fun if high.status == 0 else math.inf
        if possible_values(low.fun, top) < FEWEST_VALUES:
            narrowed[atom] = (low.fun, top)
    assert narrowed == {}, f"pinned: {narrowed}"
