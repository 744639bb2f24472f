"""Signing in, as a service: the password step, with the pause and the throttle.

The steps of signing in (the views in accounts/views/sign_in.py call them):
1. The password (`check_password`): refused while the address is throttled or the account
   paused (accounts/lockout.py). An unknown username costs the same hashing as a known one
   and gets the same answer. Every outcome is audited; the address comes from the audit
   context (core/context.py), like every event's.
2. If the user needs a second factor (accounts/two_factor.py), the session remembers them as
   pending (accounts.sessions.remember_pending), still anonymous, and the code or first
   set-up page finishes.
3. `accounts.sessions.start_session` signs in: new session key, clocks, audit.
"""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import record
from core.errors import Invalid, NotFound, PermissionDenied

from . import lockout
from .models import ApiToken, User
from .tokens import PREFIX_LENGTH, hash_secret, new_secret


def check_password(*, username: str, password: str) -> User | None:
    """The user when the password is right and sign-in is allowed; None otherwise (audited)."""
    if lockout.address_throttled():
        lockout.refuse(user=None, reason="address")
        return None
    user = User.objects.filter(username=username).first()
    with transaction.atomic():
        lockout.lock_user_row(user.pk if user else None)
        if user is None:
            User().set_password(password)  # the same hashing work as a real check
            lockout.paused_until(0)  # and the same queries
            lockout.register_failure(user=None, step="password")
            return None
        password_ok = user.check_password(password) and user.is_active
        if lockout.paused_until(user.pk) is not None:
            lockout.refuse(user=user, reason="account")
            return None
        if not password_ok:
            lockout.register_failure(user=user, step="password")
            return None
    return user


@transaction.atomic
def create_api_token(*, actor: User, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """Make a personal access token for `actor`; returns it and its secret (shown once, never stored).

    A write scope needs a team membership (only team members change records); a token lives
    at most ApiToken.MAX_DAYS days. Audited with the token's id, scope and expiry.
    """
    if scope not in ApiToken.Scope.values:
        raise Invalid(_("Choose read only, or read and write."))
    if not 1 <= days <= ApiToken.MAX_DAYS:
        raise Invalid(_("A token lives from 1 to %(days)d days.") % {"days": ApiToken.MAX_DAYS})
    if scope == ApiToken.Scope.WRITE and not actor.team_ids:
        raise Invalid(_("Only members of a team can make a token that writes."))
    if not actor.roles:
        raise PermissionDenied(_("Your account has no role that the API serves."))
    secret = new_secret()
    now = timezone.now()
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:60],
        prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_secret(secret),
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    details = {"scope": scope, "days": days}
    record(action=AuditEvent.Action.API_TOKEN_CREATED, actor=actor, target=token, details=details)
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: User, token_id: uuid.UUID) -> ApiToken:
    """Revoke one of the actor's own tokens: it stops working at once. Audited.

    Another user's token is NotFound (it confirms nothing); revoking twice changes nothing.
    """
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(action=AuditEvent.Action.API_TOKEN_REVOKED, actor=actor, target=token)
    return token
