"""Demo safer-use education (issue 16): the team's built-in topics, one renamed in the team's
own words and one of the team's own added, and topics talked about or practised at about a
third of the team's contacts (anonymous ones too), by the worker who logged each. Called by
load_demo for a team with no topics covered yet, so running it again adds nothing.
"""

import random

from accounts.models import Team, User
from encounters.models import Encounter
from health.education import Topic, TopicCovered
from health.services.education import add_topic, ensure_topics, rename_topic

# How often each built-in topic comes up at a contact where any does, and how often it is practised.
WEIGHTS = {
    "naloxone": (0.5, 0.4),
    "overdose_signs": (0.35, 0.1),
    "not_alone": (0.3, 0.0),
    "vein_care": (0.25, 0.3),
    "safer_smoking": (0.25, 0.2),
    "drug_checking": (0.15, 0.3),
    "safer_sex": (0.15, 0.0),
}


def load_education(team: Team, supervisor: User | None) -> None:
    ensure_topics([team.pk])
    if TopicCovered.objects.filter(topic__team=team).exists():
        return
    if supervisor is not None:
        rename_topic(
            actor=supervisor, topic=Topic.objects.get(team=team, key="safer_sex"), name="Sex, consent and PrEP"
        )
        add_topic(actor=supervisor, team=team, name="Staying cool and drinking water")
    rng = random.Random(f"{team.name} education")
    topics = {topic.key or "own": topic for topic in Topic.objects.filter(team=team)}
    rows = []
    for contact in Encounter.objects.filter(team=team).only("pk", "worker_id").order_by("happened_at", "pk"):
        if rng.random() >= 0.35:
            continue
        chosen = [key for key, (share, _practised) in WEIGHTS.items() if rng.random() < share] or ["naloxone"]
        if rng.random() < 0.05:
            chosen.append("own")
        for key in chosen:
            practised = rng.random() < WEIGHTS.get(key, (0, 0))[1]
            rows.append(
                TopicCovered(encounter=contact, topic=topics[key], practised=practised, created_by_id=contact.worker_id)
            )
    TopicCovered.objects.bulk_create(rows)
