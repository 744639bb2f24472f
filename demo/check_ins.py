"""Demo wellbeing check-ins: months of WHO-5, self-ratings and housing for many people per team.

About two people in three have check-ins, roughly monthly over the last year: some get
reliably better, most stay about the same, a few get worse; now and then a person prefers
not to answer an item (then the WHO-5 has no total, as its scoring requires). Called by
load_demo for a team whose people have no check-ins yet, so running it again adds nothing.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client
from outcomes import scoring
from outcomes.models import Answer, CheckIn, Instrument

SHARE_WITH_CHECK_INS = 0.65
DECLINE_CHANCE = 0.04
# Housing: 1 stable, 2 temporary, 3 no fixed address, 4 other.
HOUSING_STEPS = {3: [3, 3, 2], 2: [2, 2, 1, 3], 1: [1, 1, 1, 2], 4: [4, 2]}


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def load_check_ins(team: Team, workers: list[User]) -> None:
    if CheckIn.objects.filter(team=team).exists() or not workers:
        return
    rng = random.Random(f"{team.name} check-ins")
    instruments = {row.slug: row for row in Instrument.objects.current().prefetch_related("items")}
    items = {slug: list(instrument.items.all()) for slug, instrument in instruments.items()}
    now = timezone.now()
    check_ins: list[CheckIn] = []
    answers: list[Answer] = []

    def add(person: Client, slug: str, values: list[int | None], at: datetime, worker: User) -> None:
        given = {item.pk: value for item, value in zip(items[slug], values, strict=True)}
        check_in = CheckIn(
            client=person,
            team=team,
            instrument=instruments[slug],
            taken_at=at,
            recorded_by=worker,
            total=scoring.total(instruments[slug], items[slug], given),
            created_at=at,
        )
        check_ins.append(check_in)
        answers.extend(
            Answer(check_in=check_in, item_id=item_id, value=value, is_declined=value is None)
            for item_id, value in given.items()
        )

    people = list(Client.objects.filter(home_team=team, merged_into__isnull=True).order_by("created_at", "code"))
    for person in people:
        if rng.random() > SHARE_WITH_CHECK_INS:
            continue
        trend = rng.choice([0.3, 0.2, 0.0, 0.0, 0.0, -0.25])  # item points per month
        months = rng.randint(6, 11) if trend else rng.randint(2, 11)
        level = rng.uniform(2.6, 4.0) if trend < 0 else rng.uniform(1.0, 3.2)
        housing = rng.choice([1, 2, 2, 3, 3, 4])
        worker = rng.choice(workers)
        for month in range(months):
            at = now - timedelta(days=30 * (months - 1 - month) + rng.randint(0, 6), hours=rng.randint(0, 9))
            mean = level + trend * month
            who5 = [
                None if rng.random() < DECLINE_CHANCE else _clamp(rng.gauss(mean, 0.8), 0, 5) for _item in items["who5"]
            ]
            add(person, "who5", who5, at, worker)
            ratings = [
                None if rng.random() < DECLINE_CHANCE else _clamp(rng.gauss(mean * 2 + offset, 1.2), 0, 10)
                for offset in (0.5, -0.5, 0)
            ]
            add(person, "self_ratings", ratings, at, worker)
            if month % 3 == 0:
                add(person, "housing", [housing], at, worker)
                housing = rng.choice(HOUSING_STEPS[housing])
    CheckIn.objects.bulk_create(check_ins)
    Answer.objects.bulk_create(answers)
