"""Demo context people chose to share (issue 16, item 7): where their income comes from,
benefits and housing support, noted on the day of one of their contacts by the worker who
logged it, some in the person's own words (a few said in Spanish, kept as they said them),
and a situation that changed later (a newer item beside the older one). Called by load_demo
for a team whose people have none yet, so running it again adds nothing.
"""

import random
from uuid import UUID

from django.utils import timezone

from accounts.models import Team, User
from clients.context_items import kind_of
from clients.models import ContextItem
from demo.contacts import people_and_contacts
from encounters.models import Encounter

# (situation, the person's words or "" when they chose only the list)
SHARED = [
    ("income_casual_work", "Cleaning at the market on Saturdays"),
    ("income_casual_work", "Descargo camiones en el mercado, cuando hay"),
    ("income_paid_work", ""),
    ("income_benefits", ""),
    ("income_family_friends", "Mi hermana me ayuda con el alquiler"),
    ("income_none_now", ""),
    ("income_other", "Selling things I make"),
    ("benefits_receiving", ""),
    ("benefits_applied", "Applied in spring, still waiting"),
    ("benefits_wants_help", "Necesito ayuda con los papeles"),
    ("benefits_stopped", "Stopped when I missed an appointment"),
    ("benefits_none", ""),
    ("housing_support_receiving", ""),
    ("housing_support_waiting", "En la lista del ayuntamiento desde marzo"),
    ("housing_support_wants_help", ""),
    ("housing_support_none", ""),
]
# A situation that changed: the earlier item, then the later one.
CHANGES = [("benefits_applied", "benefits_receiving"), ("housing_support_waiting", "housing_support_receiving")]


def load_context(team: Team, workers: list[User]) -> None:
    if not workers or ContextItem.objects.filter(client__home_team=team).exists():
        return
    rng = random.Random(f"{team.name} context")
    items: list[ContextItem] = []
    for client_id, seen in people_and_contacts(team):
        if rng.random() >= 0.25:
            continue
        for situation, words in rng.sample(SHARED, rng.randint(1, 2)):
            items.append(_item(client_id, rng.choice(seen), situation, words))
        if len(seen) > 1 and rng.random() < 0.3:
            before, after = rng.choice(CHANGES)
            items.append(_item(client_id, seen[0], before, ""))
            items.append(_item(client_id, seen[-1], after, ""))
    ContextItem.objects.bulk_create(items)


def _item(client_id: UUID, at: Encounter, situation: str, words: str) -> ContextItem:
    return ContextItem(
        client_id=client_id,
        kind=kind_of(situation),
        situation=situation,
        words=words,
        noted_on=timezone.localdate(at.happened_at),
        created_at=at.happened_at,
        created_by_id=at.worker_id,
    )
