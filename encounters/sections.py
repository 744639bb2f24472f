from typing import Any

from accounts.models import User
from clients.models import Client

from .models import Encounter

TIMELINE_SIZE = 20


def person_contacts(client: Client, user: User) -> dict[str, Any]:
    """The person's latest contacts, newest first (three queries whatever the count)."""
    encounters = Encounter.objects.visible_to(user).filter(client=client).for_timeline()
    return {"encounters": list(encounters[:TIMELINE_SIZE]), "total": encounters.count()}
