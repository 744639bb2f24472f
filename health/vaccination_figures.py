"""Vaccinations, as the supervisors' dashboard counts them: for each vaccine of the teams (the
built-in ones, and the team's own vaccines by the team's name for them), the doses the team
gave over the dashboard's period (and worker, when one is chosen) and the people vaccinated
(distinct people given at least one of those doses; every dose belongs to a registered
person). A dose noted as given elsewhere is part of the person's record, not the team's work,
so neither figure counts it.

Read from the source rows like the topics covered (health/education_figures.py), not from the
rollups: a rollup would need a capture trigger on one more table (tests/core/test_triggers.py
keeps them to the documented few), and the query walks only the teams' doses of the period
(health_vaccination_team_on_idx). It runs under the table's row-level security, like every
person-linked figure of the team's dashboard. The worker of a dose is the worker of its
contact, or whoever recorded it when it was noted outside a contact.

The organisation view counts the doses given of each built-in vaccine, per team and month,
through the definer function `alongside_vaccination_events` (health 0010), as one more kind of
the hierarchy's events (dashboards/hierarchy.py), protected like every other count. A team's
own vaccines are counted there together as "other vaccines": their names never leave the team
(the function never reads them).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from core.replica import read_alias, read_rows

from .prevention import TeamVaccine, Vaccination

VACCINATION_EVENTS_FUNCTION = "alongside_vaccination_events"  # (measure, team, month, records, keys)

# The built-in vaccines, in the order the forms offer them ("other" is a team's own vaccine).
BUILT_IN = [(key, label) for key, label in Vaccination.Vaccine.choices if key != Vaccination.Vaccine.OTHER]
OTHER = Vaccination.Vaccine.OTHER.value


def vaccine_measure(key: str) -> str:
    """The organisation view's measure of a built-in vaccine ("other": every team's own
    vaccines together): doses given by the teams."""
    return f"vaccines:{key}"


VACCINE_MEASURES = [vaccine_measure(key) for key, _label in BUILT_IN] + [vaccine_measure(OTHER)]

TEAM_VACCINATIONS_SQL = """
SELECT v.team_id, v.vaccine, v.team_vaccine_id, count(*), count(DISTINCT v.client_id)
  FROM health_vaccination AS v LEFT JOIN encounters_encounter AS e ON e.id = v.encounter_id
 WHERE v.team_id = ANY(%(teams)s::uuid[]) AND v.given_on >= %(first)s AND v.given_on < %(after)s
   AND v."where" = 'by_team'
   AND (%(worker)s::integer IS NULL OR coalesce(e.worker_id, v.created_by_id) = %(worker)s::integer)
 GROUP BY 1, 2, 3
"""


@dataclass(frozen=True)
class VaccineCount:
    label: str
    team: str
    doses: int
    people: int
    is_active: bool = True


def team_vaccinations(
    teams: dict[UUID, str], first: date, after: date, worker_id: int | None = None
) -> list[VaccineCount]:
    """Per team (by name): every built-in vaccine, then the team's own vaccines in use and any
    retired one given in the period, each with its doses given and people vaccinated from
    `first` up to (not including) `after` (two queries)."""
    team_ids = list(teams)
    database = read_alias(Vaccination)
    params: dict[str, Any] = {
        "teams": [str(team) for team in team_ids],
        "first": first,
        "after": after,
        "worker": worker_id,
    }
    found = {
        (UUID(str(team)), team_vaccine or vaccine): (doses, people)
        for team, vaccine, team_vaccine, doses, people in read_rows(Vaccination, TEAM_VACCINATIONS_SQL, params)
    }
    own = TeamVaccine.objects.using(database).of_teams(team_ids).in_order()
    several = len(team_ids) > 1
    rows: list[VaccineCount] = []
    for team, name in sorted(teams.items(), key=lambda item: (item[1], str(item[0]))):
        shown = name if several else ""
        rows += [VaccineCount(str(label), shown, *found.get((team, key), (0, 0))) for key, label in BUILT_IN]
        rows += [
            VaccineCount(vaccine.name, shown, *found.get((team, vaccine.pk), (0, 0)), is_active=vaccine.is_active)
            for vaccine in own
            if vaccine.team_id == team and (vaccine.is_active or (team, vaccine.pk) in found)
        ]
    return rows
