"""Demo data that anonymised exports can show (issue 13, item 9): regulars of a team's hub.

The demo's other people are few and varied (every age and gender), so at k = 11 every
group of an export is too small and the files come out empty, which shows nothing of what
an export holds. Real programmes have regulars: here 48 per team, in four groups of 12
(women and men born in 1986 and in 1976), seen at the team's hub every month of the last
year, with a WHO-5 check-in each quarter (totals that vary), a goal, a referral and, for
each group in its own quarter, an overdose response with varied outcomes and an HIV and a
hepatitis C antibody test (a few reactive, followed up at later contacts; one result not
shared). Every dataset then has groups of at least 11 people with at least two values of its
sensitive column.

Kept apart from load_demo's own data (a separate module and site), and idempotent: a team
whose hub has contacts already gets nothing more.
"""

import random
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client, new_code
from encounters.models import Encounter, OverdoseResponse, Referral, ServiceProvided, ServiceType, Site
from goals.models import Goal
from health.models import HealthTest, LinkageStep
from outcomes.models import Answer, CheckIn, Instrument

GROUPS = [("woman", 1986), ("man", 1986), ("woman", 1976), ("man", 1976)]
PER_GROUP = 12
MONTHS = 12
OUTCOMES = ["responsive", "transported", "declined_transport"]
REFERRED_TO = ["housing", "health", "treatment"]
REFERRAL_STATUSES = ["made", "attended", "not_attended"]


HUB = " hub"  # the end of each hub site's name


def regulars() -> QuerySet[Client]:
    """The people this module adds (for the demo's other tests, which count their own)."""
    return Client.objects.filter(encounters__site__name__endswith=HUB).distinct()


def load_export_cohort(team: Team, area: str, workers: list[User]) -> None:
    if not workers:
        return
    hub, _created = Site.objects.get_or_create(team=team, name=f"{team.name}{HUB}", defaults={"area": area})
    if Encounter.objects.filter(site=hub).exists():
        return
    rng = random.Random(f"{team.name} regulars")
    now = timezone.now()
    start = now.replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    syringes = ServiceType.objects.get(slug="sterile-syringes")
    naloxone = ServiceType.objects.get(slug="naloxone-kit")
    who5 = Instrument.objects.get(slug="who5", is_current=True)
    items = list(who5.items.all())
    people = [
        Client(code=new_code(), home_team=team, year_of_birth=year, gender=gender, created_by=workers[0],
               created_at=now - timedelta(days=400))
        for gender, year in GROUPS
        for _ in range(PER_GROUP)
    ]  # fmt: skip
    Client.objects.bulk_create(people)
    contacts: list[Encounter] = []
    given: list[ServiceProvided] = []
    check_ins: list[CheckIn] = []
    answers: list[Answer] = []
    for n, person in enumerate(people):
        group = n // PER_GROUP
        for months_ago in range(1, MONTHS + 1):
            when = (start - timedelta(days=30 * months_ago)).replace(day=1 + n % 20)
            contact = Encounter(client=person, team=team, worker=workers[n % len(workers)], site=hub,
                                happened_at=when, kind="drop_in")  # fmt: skip
            contacts.append(contact)
            given.append(ServiceProvided(encounter=contact, service_type=syringes, quantity=rng.randint(1, 10)))
            if rng.random() < 0.3:
                given.append(ServiceProvided(encounter=contact, service_type=naloxone, quantity=rng.randint(1, 2)))
            if months_ago % 3 == 0:
                raw = [rng.randint(1, 5) for _ in items]
                check_in = CheckIn(client=person, team=team, encounter=contact, instrument=who5, taken_at=when,
                                   recorded_by=contact.worker, total=sum(raw) * 4)  # fmt: skip
                check_ins.append(check_in)
                answers += [Answer(check_in=check_in, item=item, value=v) for item, v in zip(items, raw, strict=True)]
        when = (start - timedelta(days=30 * (3 * group + 2))).replace(day=1 + n % 20)
        Goal.objects.create(client=person, team=team, words="Keep coming to the hub", life_area="health",
                            created_by=workers[0], created_at=when)  # fmt: skip
        Referral.objects.create(client=person, team=team, to=REFERRED_TO[n % 3], status=REFERRAL_STATUSES[n % 3],
                                created_at=when, created_by=workers[0])  # fmt: skip
        OverdoseResponse.objects.create(team=team, client=person, site=hub, happened_at=when, naloxone_doses=1 + n % 2,
                                        emergency_services="called", outcome=OUTCOMES[n % 3],
                                        created_by=workers[0])  # fmt: skip
    Encounter.objects.bulk_create(contacts)
    ServiceProvided.objects.bulk_create(given)
    CheckIn.objects.bulk_create(check_ins)
    Answer.objects.bulk_create(answers)
    _load_tests(people, contacts)
    for person in people:
        person.last_seen_at = max(c.happened_at for c in contacts if c.client is person)
    Client.objects.bulk_update(people, ["last_seen_at"])


# Results of a group's twelve tests, by place in the group: (HIV, hepatitis C antibody).
HIV_REACTIVE, HCV_REACTIVE, NOT_SHARED = {0, 5}, {1, 2, 3}, {7}


def _load_tests(people: list[Client], contacts: list[Encounter]) -> None:
    """Each group's people tested for HIV and hepatitis C at the contact of its quarter (as
    its goals); a reactive result followed up at the next two contacts."""
    tests: list[HealthTest] = []
    steps: list[LinkageStep] = []
    for n, person in enumerate(people):
        months_ago = 3 * (n // PER_GROUP) + 2
        # The person's contacts are in `contacts` from one month ago to twelve: the next ones come before.
        at = contacts[n * MONTHS + months_ago - 1]
        after = [contacts[n * MONTHS + later - 1] for later in (months_ago - 1, months_ago - 2) if later >= 1]
        place = n % PER_GROUP
        for kind, reactive in (("hiv", HIV_REACTIVE), ("hcv_antibody", HCV_REACTIVE)):
            result = "reactive" if place in reactive else "not_shared" if place in NOT_SHARED else "non_reactive"
            test = HealthTest(client=person, team_id=at.team_id, encounter=at, kind=kind, method="rapid",
                              result=result, tested_on=timezone.localdate(at.happened_at),
                              created_at=at.happened_at, created_by_id=at.worker_id)  # fmt: skip
            tests.append(test)
            if result == "reactive":
                steps += [
                    LinkageStep(
                        test=test,
                        team_id=at.team_id,
                        encounter=later,
                        step=step,
                        done_on=timezone.localdate(later.happened_at),
                        created_at=later.happened_at,
                        created_by_id=later.worker_id,
                    )  # fmt: skip
                    for step, later in zip(("confirmed", "linked"), after, strict=False)
                ]
    HealthTest.objects.bulk_create(tests)
    LinkageStep.objects.bulk_create(steps)
