"""Demo tests and linkage to care, so a person's page, the supervisors' dashboard and the
organisation view show a cascade (issue 16).

Over the year, most people were offered an HIV and a hepatitis C antibody test at one of
their contacts, some a hepatitis B or syphilis test; a few results were reactive and were
followed up at later contacts: a confirmatory test, linked to care, treatment started and,
for some hepatitis C, cured. Some people chose not to share a result. Everything is made
at the person's real contacts, by the worker who logged them. Called by load_demo for a
team that has people but no tests yet, so running it again adds nothing.
"""

import random
from datetime import timedelta
from uuid import UUID

from django.utils import timezone

from accounts.models import Team, User
from encounters.models import Encounter
from health.models import HealthTest, LinkageStep

# (kind, share of people offered it, share reactive among them)
OFFERED = [("hiv", 0.8, 0.12), ("hcv_antibody", 0.7, 0.3), ("hbv", 0.3, 0.05), ("syphilis", 0.3, 0.1)]
NOT_SHARED = 0.05
# How far each reactive cascade goes: (share of reactive tests, steps reached).
REACHED = [(0.2, []), (0.2, ["confirmed"]), (0.3, ["confirmed", "linked"]), (0.3, ["confirmed", "linked", "treatment"])]


def load_health(team: Team, workers: list[User]) -> None:
    if not workers or HealthTest.objects.filter(team=team).exists():
        return
    rng = random.Random(f"{team.name} health")
    contacts: dict[UUID, list[Encounter]] = {}
    for encounter in Encounter.objects.filter(team=team, client__isnull=False).order_by("happened_at"):
        if encounter.client_id is not None:
            contacts.setdefault(encounter.client_id, []).append(encounter)
    tests: list[HealthTest] = []
    steps: list[LinkageStep] = []
    for client_id, seen in sorted(contacts.items(), key=lambda item: str(item[0])):
        if len(seen) < 2:
            continue
        for kind, offered, reactive in OFFERED:
            if rng.random() > offered:
                continue
            at = seen[rng.randrange(len(seen) - 1)]  # a contact with at least one after it
            result = _result(rng, reactive)
            test = HealthTest(
                client_id=client_id,
                team=team,
                encounter=at,
                kind=kind,
                method=HealthTest.Method.RAPID if rng.random() < 0.8 else HealthTest.Method.REFERRAL,
                result=result,
                tested_on=timezone.localdate(at.happened_at),
                follow_up_on=timezone.localdate(at.happened_at) + timedelta(days=7) if result == "reactive" else None,
                created_at=at.happened_at,
                created_by_id=at.worker_id,
            )
            tests.append(test)
            if result == "reactive":
                steps += _steps(rng, test, [later for later in seen if later.happened_at > at.happened_at])
    HealthTest.objects.bulk_create(tests)
    LinkageStep.objects.bulk_create(steps)


def _result(rng: random.Random, reactive: float) -> str:
    roll = rng.random()
    if roll < NOT_SHARED:
        return HealthTest.Result.NOT_SHARED
    return HealthTest.Result.REACTIVE if roll < NOT_SHARED + reactive else HealthTest.Result.NON_REACTIVE


def _steps(rng: random.Random, test: HealthTest, later: list[Encounter]) -> list[LinkageStep]:
    roll, reached = rng.random(), []
    for share, names in REACHED:
        reached = names
        if roll < share:
            break
        roll -= share
    if test.kind == "hcv_antibody" and len(reached) == 3 and rng.random() < 0.5:
        reached = [*reached, "cured"]
    made = []
    for name, at in zip(reached, later, strict=False):
        on = timezone.localdate(at.happened_at)
        made.append(
            LinkageStep(
                test=test,
                team=test.team,
                encounter=at,
                step=name,
                done_on=on,
                follow_up_on=None if name == test.last_step() else on + timedelta(days=14),
                created_at=at.happened_at,
                created_by_id=at.worker_id,
            )
        )
    return made
