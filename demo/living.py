"""Demo data that looks like a programme at work (issue 13).

- Everyone named can be found by name: `search_names` is filled as the services fill it
  (clients/services/names.py), also for demo databases loaded before this existed.
- A few likely duplicates for the supervisor to review: the same person registered twice
  by two workers, the name spelt a little differently ("María José Ortega" and "Maria Jose
  Ortega"), with close years of birth.
- A few people with a year of monthly check-ins (WHO-5 and self-ratings), so a person's
  page and the dashboards show change over a whole year.
- Quick buttons: each team's four services given most over the last 90 days, so Log a
  contact opens with what the team gives most, and the rest is under "More services".

Goals achieved and changed come from demo/goals.py, referrals attended and not attended
from demo/referrals.py. Called by load_demo after them; running it again adds nothing.
"""

import random
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Alias, Client, new_code, normalise_name
from encounters.models import Encounter, ServiceProvided, Site, TeamService
from outcomes import scoring
from outcomes.models import Answer, CheckIn, Instrument

# (name as first registered, name as registered again, year of birth, gender, alias of the first)
DUPLICATES = [
    ("María José Ortega", "Maria Jose Ortega", 1988, "woman", ""),
    ("Christian Novak", "Kristian Novak", 1979, "man", "Kris"),
    ("Samira Haddad", "Samira Hadad", 1995, "", ""),
]
YEAR_OF_CHECK_INS = 2  # people per team with 13 monthly check-ins (a full year)
MONTHS = 13
QUICK_BUTTONS = 4


def load_living_programme(team: Team, workers: list[User], sites: list[Site]) -> None:
    if not workers:
        return
    rng = random.Random(f"{team.name} living")
    _likely_duplicates(team, workers, sites, rng)
    fill_search_names(team)
    _a_year_of_check_ins(team, workers, rng)
    _quick_buttons(team)


def _quick_buttons(team: Team) -> None:
    if TeamService.objects.filter(team=team).exists():
        return
    since = timezone.now() - timedelta(days=90)
    given = (
        ServiceProvided.objects.filter(encounter__team=team, encounter__happened_at__gte=since)
        .values("service_type")
        .annotate(times=Count("id"))
        .order_by("-times", "service_type__order")[:QUICK_BUTTONS]
    )
    TeamService.objects.bulk_create(
        TeamService(team=team, service_type_id=row["service_type"], order=order) for order, row in enumerate(given)
    )


def fill_search_names(team: Team) -> None:
    """The preferred name and aliases, normalised, for everyone of the team missing them."""
    people = list(
        Client.objects.filter(home_team=team, search_names="", erased_at__isnull=True)
        .exclude(preferred_name="")
        .prefetch_related("aliases")
    )
    for person in people:
        names = [person.preferred_name, *(alias.name for alias in person.aliases.all())]
        person.search_names = " ".join(normalise_name(name) for name in names if name)
    Client.objects.bulk_update(people, ["search_names"])


def _likely_duplicates(team: Team, workers: list[User], sites: list[Site], rng: random.Random) -> None:
    if Client.objects.filter(home_team=team, preferred_name=DUPLICATES[0][0]).exists():
        return
    now = timezone.now()
    for first_name, second_name, year, gender, alias in DUPLICATES:
        for index, name in enumerate((first_name, second_name)):
            registered = now - timedelta(days=rng.randint(150, 300) if index == 0 else rng.randint(5, 60))
            person = Client.objects.create(
                code=new_code(),
                preferred_name=name,
                year_of_birth=year + index,  # a year apart: remembered differently
                gender=gender,
                home_team=team,
                created_at=registered,
                created_by=workers[index % len(workers)],
                last_seen_at=registered + timedelta(days=2),
            )
            if alias and index == 0:
                Alias.objects.create(client=person, name=alias)
            Encounter.objects.create(
                client=person,
                team=team,
                worker=workers[index % len(workers)],
                site=rng.choice(sites),
                happened_at=registered + timedelta(days=2),
            )


def _a_year_of_check_ins(team: Team, workers: list[User], rng: random.Random) -> None:
    """Monthly WHO-5 and self-ratings for a year, getting better, for a few people."""
    year_ago = timezone.now() - timedelta(days=360)
    if CheckIn.objects.filter(team=team, taken_at__lte=year_ago).exists():
        return
    instruments = {row.slug: row for row in Instrument.objects.current().prefetch_related("items")}
    if not {"who5", "self_ratings"} <= instruments.keys():
        return
    items = {slug: list(instrument.items.all()) for slug, instrument in instruments.items()}
    people = Client.objects.filter(home_team=team, merged_into__isnull=True, erased_at__isnull=True)
    without = people.exclude(preferred_name="").filter(check_ins__isnull=True)
    chosen = list(without.order_by("created_at", "code")[:YEAR_OF_CHECK_INS])
    check_ins: list[CheckIn] = []
    answers: list[Answer] = []
    now = timezone.now()
    for person in chosen:
        worker = rng.choice(workers)
        start = rng.uniform(1.0, 2.0)
        for month in range(MONTHS):
            at = now - timedelta(days=30 * (MONTHS - 1 - month) + rng.randint(0, 3), hours=rng.randint(1, 8))
            mean = start + month * 0.2  # about 1 item point better every 5 months
            values = {
                "who5": [max(0, min(5, round(rng.gauss(mean, 0.6)))) for _item in items["who5"]],
                "self_ratings": [max(0, min(10, round(rng.gauss(mean * 2, 1.0)))) for _item in items["self_ratings"]],
            }
            for slug, given_values in values.items():
                given = {item.pk: value for item, value in zip(items[slug], given_values, strict=True)}
                total = scoring.total(instruments[slug], items[slug], given)
                check_in = CheckIn(
                    client=person,
                    team=team,
                    instrument=instruments[slug],
                    taken_at=at,
                    recorded_by=worker,
                    total=total,
                    created_at=at,
                )
                check_ins.append(check_in)
                answers.extend(
                    Answer(check_in=check_in, item_id=item_id, value=value, is_declined=False)
                    for item_id, value in given.items()
                )
    CheckIn.objects.bulk_create(check_ins)
    Answer.objects.bulk_create(answers)
