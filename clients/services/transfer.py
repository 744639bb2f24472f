"""Moving a person to another team.

Any team of the organisation may receive the person, not only teams the supervisor also
supervises. People move across town, or start using another team's drop-in; the team that
hands them over is the one that knows, and its supervisor rarely leads the receiving team
too. Requiring both would leave the record stuck until a system admin stepped in. The
cost is small: the receiving team gets a person it did not ask for (audited, with both
team ids, and visible in its list at once), while the giving team loses access, which is
the safe direction. A two-step handover (offer, then accept) can come later if teams ask.
"""

from collections.abc import Callable
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid
from core.scope import widened_scope

from .erasure import merged_group

# Rows of other apps that follow the person to the new team, e.g. open referrals, whose
# follow-up the receiving team takes over (encounters/apps.py). Each app registers its step
# from AppConfig.ready(), as for person sections, so `clients` imports none of them; the steps
# run inside the transfer's transaction.
TransferStep = Callable[[list[UUID], Team], object]
_steps: dict[str, TransferStep] = {}


def register_transfer_step(key: str, step: TransferStep) -> None:
    """`step(client_ids, to_team)`: the ids are the person and every record merged into them."""
    _steps[key] = step


@transaction.atomic
def transfer_client(*, actor: User, client: Client, to_team: Team) -> Client:
    """Make `to_team` the person's home team: from now on only that team sees them.

    Records merged into the person move with them, so that an old code keeps resolving for
    the team that now serves the person (and stops resolving for the old one). The audit
    event carries the two team ids, never team names.
    """
    from_team_id = client.home_team_id
    if to_team.pk == from_team_id:
        raise Invalid(_("%(code)s is already with this team.") % {"code": client.code})
    ids = [member.pk for member in merged_group(client)]
    # The person's rows now belong to a team the actor may not be in: row-level security
    # (core/scope.py) lets this transaction write them for that team, and only this one.
    with widened_scope([to_team.pk]):
        # Their contacts so far stay counted for the teams that logged them.
        Client.objects.filter(pk__in=ids).update(home_team=to_team, contacts_elsewhere=True)
        client.home_team = to_team
        client.contacts_elsewhere = True
        for step in _steps.values():
            step(ids, to_team)
    record(
        action=AuditEvent.Action.CLIENT_TRANSFERRED,
        actor=actor,
        target=client,
        client_id=client.pk,
        details={"from_team": str(from_team_id), "to_team": str(to_team.pk)},
    )
    return client
