"""A team's registered people with their contacts, for the demo modules that add what was
recorded at those contacts (health tests, PrEP and vaccinations, shared context).

People come in the order of their first contact, which load_demo draws from a seeded random
generator: the same order in every run, so each module's own seeded draws land on the same
people every time (ordering by the random record ids made the demo differ from run to run).
"""

from uuid import UUID

from accounts.models import Team
from encounters.models import Encounter


def people_and_contacts(team: Team) -> list[tuple[UUID, list[Encounter]]]:
    """Each registered person of the team's contacts, with their contacts oldest first."""
    contacts: dict[UUID, list[Encounter]] = {}
    for encounter in Encounter.objects.filter(team=team, client__isnull=False, worker__isnull=False).order_by(
        "happened_at", "id"
    ):
        if encounter.client_id is not None:
            contacts.setdefault(encounter.client_id, []).append(encounter)
    return sorted(contacts.items(), key=lambda item: (item[1][0].happened_at, str(item[0])))
