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

from django.db import transaction

from . import lockout
from .models import User


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
