"""Moving a person to another team."""

from django.db import transaction
from django.http import HttpRequest

from accounts.models import Team
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client

from .erasure import merged_group


@transaction.atomic
def transfer_client(*, request: HttpRequest | None, client: Client, to_team: Team) -> Client:
    """Make `to_team` the person's home team: from now on only that team sees them.

    Records merged into the person move with them, so that an old code keeps resolving for
    the team that now serves the person (and stops resolving for the old one). The audit
    event carries the two team ids, never team names.
    """
    from_team_id = client.home_team_id
    if to_team.pk == from_team_id:
        raise ValueError("The person is already in this team.")
    ids = [member.pk for member in merged_group(client)]
    Client.objects.filter(pk__in=ids).update(home_team=to_team)
    client.home_team = to_team
    record(
        action=AuditEvent.Action.CLIENT_TRANSFERRED,
        request=request,
        target=client,
        client_id=client.pk,
        details={"from_team": str(from_team_id), "to_team": str(to_team.pk)},
    )
    return client
