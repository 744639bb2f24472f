"""A small seeded programme for the attacker (tests/privacy/): three teams, six months.

Sixty people over North, River and Harbour, January to June 2026, each seen in most months
a few times: about a thousand contacts. Each team has a handful of overdose responses a
month (small counts that only add up to 11 or more over teams or months), naloxone kits
given at some contacts (one person in North receives 97 kits in March: a magnitude one
person dominates), and two WHO-5 totals per person (January and April), so reliable
change exists. Three traps from issue 12 are laid:

- padding: one registered person with no recorded age or gender is seen at a rarely used
  site ("Lighthouse") in April, where an anonymous group of 10 (no age or gender either)
  was met the same month;
- formulas: a site's area is typed as `=HYPERLINK("http://x","y")`, another as `+1+1`,
  `@SUM(1)` and `-2+3`;
- collisions (the `colliding_services` fixture): service types named `outreach-call`,
  `outreach_call` and `Outreach-Call`, given at some contacts.

`Programme.truth` gives the true count of each additive measure per (team, month), read
from the database by the ORM, which is what the attacker tries to recover.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from accounts.models import Membership, Team, User
from clients.models import Client
from dashboards import rollups
from encounters.models import Encounter, OverdoseResponse, ServiceProvided, ServiceType, Site
from outcomes.models import Answer, CheckIn, Instrument
from tests.factories import MembershipFactory, TeamFactory

MONTHS = [date(2026, m, 1) for m in range(1, 7)]
TEAM_NAMES = ["North", "River", "Harbour"]
GENDERS = ["woman", "man"]
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(1)", "-2+3"]
COLLIDING_SLUGS = ["outreach-call", "outreach_call", "Outreach-Call"]
# The additive measures the attacker works on: (team, month) -> true value.
MEASURES = ["contacts", "overdose_responses", "naloxone_kits"]


@dataclass
class Programme:
    teams: list[Team]
    workers: dict[UUID, User]
    people: list[Client]
    padded: Client
    dominant: Client
    truth: dict[str, dict[tuple[str, date], int]] = field(default_factory=dict)

    @property
    def team_names(self) -> list[str]:
        return [team.name for team in self.teams]

    def true_sum(self, measure: str, atoms: frozenset[tuple[str, date]]) -> int:
        return sum(self.truth[measure].get(atom, 0) for atom in atoms)


def at(month: date, day: int, hour: int = 12) -> datetime:
    return datetime(month.year, month.month, day, hour, tzinfo=UTC)


def _truth(teams: list[Team]) -> dict[str, dict[tuple[str, date], int]]:
    names = {team.pk: team.name for team in teams}
    truth: dict[str, dict[tuple[str, date], int]] = defaultdict(dict)
    for row in (
        Encounter.objects.annotate(month=TruncMonth("happened_at")).values("team_id", "month").annotate(n=Count("id"))
    ):
        truth["contacts"][(names[row["team_id"]], row["month"].date())] = row["n"]
    for row in (
        OverdoseResponse.objects.annotate(month=TruncMonth("happened_at"))
        .values("team_id", "month")
        .annotate(n=Count("id"))
    ):
        truth["overdose_responses"][(names[row["team_id"]], row["month"].date())] = row["n"]
    for kits in (
        ServiceProvided.objects.filter(service_type__slug="naloxone-kit")
        .annotate(month=TruncMonth("encounter__happened_at"))
        .values("encounter__team_id", "month")
        .annotate(n=Sum("quantity"))
    ):
        truth["naloxone_kits"][(names[kits["encounter__team_id"]], kits["month"].date())] = kits["n"]
    return dict(truth)


@pytest.fixture
def programme(db: None) -> Programme:
    rng = random.Random(12)
    teams = [TeamFactory.create(name=name) for name in TEAM_NAMES]
    workers = {
        team.pk: MembershipFactory.create(team=team, role=Membership.Role.WORKER, user__username=f"w-{team.name}").user
        for team in teams
    }
    sites: dict[UUID, list[Site]] = {
        team.pk: [
            Site.objects.create(team=team, name=f"{team.name} {area}", area=area)
            for area in ("Harbour", "Old Town", FORMULAS[i % len(FORMULAS)])
        ]
        for i, team in enumerate(teams)
    }
    sites[teams[0].pk].append(Site.objects.create(team=teams[0], name="North extra", area=FORMULAS[3]))
    lighthouse = Site.objects.create(team=teams[0], name="Lighthouse steps", area="Lighthouse")
    syringes = ServiceType.objects.get(slug="sterile-syringes")
    naloxone = ServiceType.objects.get(slug="naloxone-kit")

    people = []
    for n in range(60):
        team = teams[n % 3]
        people.append(Client(home_team=team, year_of_birth=1975 + (n // 3 % 2) * 10, gender=GENDERS[n // 6 % 2]))
    padded = Client(home_team=teams[0], year_of_birth=None, gender="")
    Client.objects.bulk_create([*people, padded])
    dominant = people[0]

    contacts: list[Encounter] = []
    given: list[ServiceProvided] = []
    for person in people:
        team_sites = sites[person.home_team_id]
        for month in MONTHS:
            if rng.random() < 0.3:
                continue
            for visit in range(rng.randint(2, 5)):
                contact = Encounter(
                    client=person,
                    team_id=person.home_team_id,
                    worker=workers[person.home_team_id],
                    site=rng.choice(team_sites),
                    happened_at=at(month, 1 + visit * 5 + rng.randint(0, 3)),
                )
                contacts.append(contact)
                given.append(ServiceProvided(encounter=contact, service_type=syringes, quantity=rng.randint(5, 20)))
                if rng.random() < 0.2:
                    given.append(ServiceProvided(encounter=contact, service_type=naloxone, quantity=rng.randint(1, 2)))
    big = Encounter(client=dominant, team_id=dominant.home_team_id, worker=workers[dominant.home_team_id],
                    site=sites[dominant.home_team_id][0], happened_at=at(MONTHS[2], 28))  # fmt: skip
    contacts.append(big)
    given.append(ServiceProvided(encounter=big, service_type=naloxone, quantity=97))
    for month in MONTHS:
        for team in teams:
            contacts.append(
                Encounter(client=None, head_count=3, team=team, worker=workers[team.pk],
                          site=sites[team.pk][1], happened_at=at(month, 15), age_band="25_34", gender="man")
            )  # fmt: skip
    # Padding: one registered person and an anonymous group of 10 at the Lighthouse in April.
    contacts.append(Encounter(client=padded, team=teams[0], worker=workers[teams[0].pk], site=lighthouse,
                              happened_at=at(MONTHS[3], 11)))  # fmt: skip
    contacts.append(Encounter(client=None, head_count=10, team=teams[0], worker=workers[teams[0].pk], site=lighthouse,
                              happened_at=at(MONTHS[3], 12)))  # fmt: skip
    Encounter.objects.bulk_create(contacts)
    ServiceProvided.objects.bulk_create(given)

    responses = []
    for month in MONTHS:
        for team in teams:
            members = [p for p in people if p.home_team_id == team.pk]
            for r in range(rng.randint(1, 5)):
                responses.append(
                    OverdoseResponse(
                        team=team,
                        client=rng.choice(members) if r % 2 == 0 else None,
                        site=sites[team.pk][0],
                        happened_at=at(month, 3 + r * 4),
                        naloxone_doses=rng.randint(1, 3),
                        emergency_services="called" if rng.random() < 0.5 else "not_called_wishes",
                        outcome=rng.choice(["responsive", "transported", "declined_transport"]),
                        created_by=workers[team.pk],
                    )  # fmt: skip
                )
    OverdoseResponse.objects.bulk_create(responses)

    who5 = Instrument.objects.get(slug="who5", is_current=True)
    items = list(who5.items.all())
    check_ins, answers = [], []
    for n, person in enumerate(people):
        first = 40 + 4 * (n % 4)
        second = first + (28 if n % 4 else -24)  # most reliably improved, every fourth worse
        for month, total in ((MONTHS[0], first), (MONTHS[3], second)):
            check_in = CheckIn(client=person, team_id=person.home_team_id, instrument=who5, taken_at=at(month, 2),
                               recorded_by=workers[person.home_team_id], total=total)  # fmt: skip
            check_ins.append(check_in)
            raw = total // 4
            answers += [
                Answer(check_in=check_in, item=item, value=min(5, max(0, raw - 5 * i))) for i, item in enumerate(items)
            ]
    CheckIn.objects.bulk_create(check_ins)
    Answer.objects.bulk_create(answers)
    rollups.rebuild()
    found = Programme(teams, workers, people, padded, dominant)
    found.truth = _truth(teams)
    return found


@pytest.fixture
def colliding_services(programme: Programme) -> list[ServiceType]:
    made = [
        ServiceType.objects.create(slug=slug, name=f"Call {n}", category=ServiceType.Category.SUPPORT, order=200 + n)
        for n, slug in enumerate(COLLIDING_SLUGS)
    ]
    contacts = list(Encounter.objects.filter(client__isnull=False).order_by("happened_at")[:90])
    ServiceProvided.objects.bulk_create(
        ServiceProvided(encounter=contact, service_type=made[n % 3], quantity=1) for n, contact in enumerate(contacts)
    )
    return made
