"""Who calls the API: a personal access token in `Authorization: Bearer <secret>`.

The token must be usable (not revoked, not expired, its user active). It acts as its user,
with the user's roles of the moment, limited by its scope (read, or read and write); a
distribution volunteer's token sees and does what its pages do (`full_member`, and the
limited answers in api/v1.py). Each
call counts towards the token's rate limit (api/limits.py, in PostgreSQL), notes the
token's last use, and names the token in the audit context, so every audit event the call
writes says which token it came through.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from accounts.models import ApiToken, User
from accounts.roles import is_limited
from accounts.tokens import note_use, usable_token
from core import errors
from core.context import acting_through_token
from core.scope import set_scope

from .limits import count_call, limit_per_minute


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = usable_token(token)
        if found is None:
            return None
        calls, retry_after = count_call(found)
        if calls > limit_per_minute():
            raise RateLimited(retry_after)
        note_use(found)
        acting_through_token(str(found.pk))
        request.user = found.user
        # The request's transaction was scoped before the token was read (no session: no
        # user, no team): now that the caller is known, their teams are its row-level
        # security scope (core/scope.py), for the rest of the request.
        set_scope(found.user.team_ids)
        return found


def token_of(request: HttpRequest) -> ApiToken:
    token: Any = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):  # every route but the schema's is behind TokenAuth
        raise errors.PermissionDenied
    return token


def caller(request: HttpRequest) -> User:
    return token_of(request).user


def team_member(request: HttpRequest, *, write: bool = False) -> User:
    """The caller, who must be a member of a team (person-level data); with `write`, the token
    must also be allowed to write. PermissionDenied (403) otherwise: a rule about the
    route, so it confirms nothing about any person."""
    token = token_of(request)
    user = token.user
    if not user.team_ids:
        raise errors.PermissionDenied(_("Only members of a team can use this."))
    if write and not token.can_write:
        raise errors.PermissionDenied(_("This token may only read."))
    return user


def full_member(request: HttpRequest) -> User:
    """A team member with a worker's access: a distribution volunteer's token is refused
    (403) where its pages are (check-ins, referrals: accounts/roles.py)."""
    user = team_member(request)
    if is_limited(user):
        raise errors.PermissionDenied(_("A distribution volunteer does not see this."))
    return user


def data_admin(request: HttpRequest) -> User:
    user = caller(request)
    if not user.is_data_admin:
        raise errors.PermissionDenied(_("Only data admins can use this."))
    return user
