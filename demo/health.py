"""Demo tests and linkage to care, so a person's page, the supervisors' dashboard and the
organisation view show a cascade (issue 16); drug-checking results, rights and safety
incidents and bad-batch alerts (`load_reports`).

Over the year, most people were offered an HIV and a hepatitis C antibody test at one of
their contacts, some a hepatitis B or syphilis test; a few results were reactive and were
followed up at later contacts: a confirmatory test, linked to care, treatment started and,
for some hepatitis C, cured. Some people chose not to share a result. Everything is made
at the person's real contacts, by the worker who logged them. Called by load_demo for a
team that has people but no tests yet, so running it again adds nothing.
"""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client
from demo.contacts import people_and_contacts
from encounters.models import Encounter
from health.models import Alert, DrugCheck, HealthTest, Incident, LinkageStep

# (kind, share of people offered it, share reactive among them)
OFFERED = [("hiv", 0.8, 0.12), ("hcv_antibody", 0.7, 0.3), ("hbv", 0.3, 0.05), ("syphilis", 0.3, 0.1)]
NOT_SHARED = 0.05
# How far each reactive cascade goes: (share of reactive tests, steps reached).
REACHED = [(0.2, []), (0.2, ["confirmed"]), (0.3, ["confirmed", "linked"]), (0.3, ["confirmed", "linked", "treatment"])]


def load_health(team: Team, workers: list[User]) -> None:
    if not workers or HealthTest.objects.filter(team=team).exists():
        return
    rng = random.Random(f"{team.name} health")
    tests: list[HealthTest] = []
    steps: list[LinkageStep] = []
    for client_id, seen in people_and_contacts(team):
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


# (days ago, method, expected, strip result, found, plans, their words, linked)
CHECKS = [
    (2, "fentanyl_strip", "heroin", "detected", "", "changed", "Will use less and not alone", False),
    (5, "benzo_strip", "heroin", "not_detected", "", "same", "", False),
    (9, "spectrometer", "cocaine", "", "cocaine, levamisole", "not_said", "", False),
    (12, "fentanyl_strip", "MDMA", "not_detected", "", "same", "", True),
    (20, "spectrometer", "heroin", "", "heroin, xylazine", "changed", "Going to the drop-in to use", False),
]
# (days ago, kind, involved, help, may count)
INCIDENTS = [
    (3, "supplies_confiscated", "police", "supplies_replaced", True),
    (18, "stopped_with_supplies", "police", "legal_aid", True),
    (25, "denied_health_care", "health_worker", "complaint", False),
    (40, "violence", "public", "support", True),
    (70, "eviction", "landlord", "none_wanted", False),
    (100, "supplies_confiscated", "police", "legal_aid", True),
]


def load_reports(team: Team, workers: list[User], area: str) -> None:
    """Drug-checking results (most linked to no one), incidents (some the person did not want
    counted) and a bad-batch alert showing on Home (plus one waiting for a supervisor)."""
    if not workers or DrugCheck.objects.filter(team=team).exists():
        return
    today = timezone.localdate()
    worker = next((user for user in workers if team.pk not in user.supervised_team_ids()), workers[0])
    supervisor = next((user for user in workers if team.pk in user.supervised_team_ids()), worker)
    person = Client.objects.filter(home_team=team, merged_into__isnull=True).order_by("created_at").first()
    DrugCheck.objects.bulk_create(
        DrugCheck(
            team=team,
            client=person if linked else None,
            checked_on=today - timedelta(days=ago),
            method=method,
            expected=expected,
            strip_result=strip,
            found=found,
            plans=plans,
            plans_words=words,
            created_by=worker,
        )
        for ago, method, expected, strip, found, plans, words, linked in CHECKS
    )
    Incident.objects.bulk_create(
        Incident(
            team=team,
            happened_on=today - timedelta(days=ago),
            kind=kind,
            area=area,
            involved=involved,
            help_given=help_given,
            may_count=may_count,
            created_by=worker,
        )
        for ago, kind, involved, help_given, may_count in INCIDENTS
    )
    now = timezone.now()
    posted = Alert.objects.create(
        description_en="Brown powder sold as heroin: fentanyl strips positive, and xylazine found. Do not use alone.",
        description_es="Polvo marrón vendido como heroína: tiras de fentanilo positivas y xilacina. No consumas solo.",
        area=area,
        expires_at=now + timedelta(days=5),
        status=Alert.Status.POSTED,
        created_by=supervisor,
        posted_at=now,
        posted_by=supervisor,
    )
    proposed = Alert.objects.create(
        description_en="Pink pills sold as MDMA: much stronger than usual.",
        area=area,
        expires_at=now + timedelta(days=3),
        status=Alert.Status.PROPOSED,
        created_by=worker,
    )
    for alert in (posted, proposed):
        alert.teams.set([team])
