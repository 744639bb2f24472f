"""The roles of a team member and what each may do, written once.

Roles live on `Membership(user, team, role)`:

- **worker** (`Outreach worker`): the team's people and everything about them; paid peer
  workers hold this role like anyone else.
- **supervisor**: a worker's access, and the team's review pages, dashboards and admin work.
- **volunteer** (`Distribution volunteer`): a limited role for volunteers and people who
  carry supplies and naloxone to others. Named by what it does, never by lived experience.
  It may log contacts (registered and anonymous) with supplies, supplies for others
  (secondary distribution), reported reversals and the safer-use topics talked about and
  skills practised (showing how to use the naloxone they hand out is their work); register a person with a code and an
  alias only; see the codes, aliases and safety flags of the team's people and the contacts
  it logged itself. It may not read notes written by others, record check-ins or goal
  reviews, see wellbeing or goals, consent, referrals or staff overdose records, export,
  merge, transfer or erase, or see dashboards. Every difference from a worker's access is a
  row of the access matrix (tests/security/rows_volunteer.py).

**Fail closed.** A user with a volunteer membership in any team has the limited access in
every team (`User.roles` then holds `volunteer`, never `worker` or `supervisor`), so a
person-level page of another team never opens through a second, fuller membership: the
scope of person-level data (`Client.objects.visible_to`) is per user, not per team. Give a
volunteer who becomes a worker the worker role instead.
"""

from collections.abc import Mapping
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _


class HoldsRoles(Protocol):
    """A user as this module reads one (accounts.models.User imports this module)."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def roles(self) -> set[str]: ...


class Role(models.TextChoices):
    WORKER = "worker", _("Outreach worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    VOLUNTEER = "volunteer", _("Distribution volunteer")


# Full access to the team's people (the `team_member` pages).
FULL_TEAM_ROLES = (Role.WORKER, Role.SUPERVISOR)
# Who logs contacts, registers a person (code and alias) and opens the limited record.
CONTACT_LOGGERS = (Role.WORKER, Role.SUPERVISOR, Role.VOLUNTEER)


def held_roles(memberships: Mapping[Any, str]) -> set[str]:
    """The team roles a user holds: only `volunteer` when any membership is (fail closed)."""
    roles = set(memberships.values())
    if Role.VOLUNTEER in roles:
        return {Role.VOLUNTEER}
    return roles


def is_limited(user: HoldsRoles) -> bool:
    """True for a distribution volunteer: the pages draw their limited version."""
    return user.is_authenticated and Role.VOLUNTEER in user.roles
