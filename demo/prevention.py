"""Demo PrEP and PEP, and vaccinations (issue 16), made at people's real contacts by the worker
who logged them: PrEP offered to some people, and for some of them referred, started and
continuing (one stopped, in their own words); a hepatitis B course of three doses for some,
hepatitis A, tetanus and the flu vaccine for others, each course begun at one of the person's
contacts over the year and carried on at the next ones. Called by load_demo for a team whose
people have no vaccinations yet, so running it again adds nothing.

The North team also has a vaccine of its own (`load_team_vaccines`): the combined hepatitis A
and B vaccine, three doses, with a few people part of the way through the course; and a
retired one nobody was given.
"""

import random
from typing import Any
from uuid import UUID

from django.utils import timezone

from accounts.models import Team, User
from demo.contacts import people_and_contacts
from encounters.models import Encounter
from health.models import Prevention, TeamVaccine, Vaccination

# PrEP over a person's contacts: each list is the steps, one per later contact.
PREP_PATHS = [
    ["offered"],
    ["offered", "referred"],
    ["offered", "referred", "started", "continuing"],
    ["offered", "started", "continuing", "stopped"],
]
STOPPED_WORDS = ["I have one partner now", "The pills upset my stomach", ""]
# (vaccine, share of people, doses in the course)
COURSES = [("hep_b", 0.35, 3), ("hep_a", 0.2, 2), ("tetanus", 0.15, 1), ("flu", 0.3, 1), ("covid", 0.1, 1)]


def load_prevention(team: Team, workers: list[User]) -> None:
    if not workers or Vaccination.objects.filter(team=team).exists():
        return
    rng = random.Random(f"{team.name} prevention")
    prevention: list[Prevention] = []
    vaccinations: list[Vaccination] = []
    for client_id, seen in people_and_contacts(team):
        if rng.random() < 0.3:
            path = rng.choice(PREP_PATHS)
            for status, at in zip(path, seen[-len(path) :], strict=False):
                words = rng.choice(STOPPED_WORDS) if status == "stopped" else ""
                prevention.append(_row(Prevention, team, client_id, at, kind="prep", status=status, words=words))
        for vaccine, share, doses in COURSES:
            if rng.random() < share:
                # The course starts at one of the person's contacts, the next doses at later ones.
                start = rng.randrange(len(seen))
                given = rng.randint(1, doses)
                for dose, at in zip(range(1, given + 1), seen[start:], strict=False):
                    vaccinations.append(_row(Vaccination, team, client_id, at, vaccine=vaccine, dose=dose))
    Prevention.objects.bulk_create(prevention)
    Vaccination.objects.bulk_create(vaccinations)


# (team, name in the team's words, doses in a full course, note, in use)
TEAM_VACCINES = [
    ("North team", "Combined hepatitis A and B", 3, "Doses at 0, 1 and 6 months", True),
    ("North team", "Typhoid (travel clinic pilot)", 1, "", False),
]
TEAM_VACCINE_PEOPLE = 6


def load_team_vaccines(team: Team, workers: list[User]) -> None:
    """The team's own vaccines, and doses of the first one for a few people at their contacts."""
    mine = [row for row in TEAM_VACCINES if row[0] == team.name]
    if not workers or not mine or TeamVaccine.objects.filter(team=team).exists():
        return
    made = [
        TeamVaccine.objects.create(team=team, name=name, doses=doses, note=note, is_active=active)
        for _team, name, doses, note, active in mine
    ]
    rng = random.Random(f"{team.name} team vaccines")
    people = people_and_contacts(team)
    contacts = dict(people)
    regulars = [client_id for client_id, seen in people if len(seen) >= 3]
    doses: list[Vaccination] = []
    for client_id in rng.sample(regulars, min(TEAM_VACCINE_PEOPLE, len(regulars))):
        given = rng.randint(1, made[0].doses)
        for dose, at in zip(range(1, given + 1), contacts[client_id], strict=False):
            doses.append(_row(Vaccination, team, client_id, at, vaccine="other", team_vaccine=made[0], dose=dose))
    Vaccination.objects.bulk_create(doses)


def _row[Row: (Prevention, Vaccination)](
    model: type[Row], team: Team, client_id: UUID, at: Encounter, **values: Any
) -> Row:
    on = timezone.localdate(at.happened_at)
    dated = {"noted_on": on} if model is Prevention else {"given_on": on}
    return model(
        client_id=client_id,
        team=team,
        encounter=at,
        created_at=at.happened_at,
        created_by_id=at.worker_id,
        **dated,
        **values,
    )
