"""The steps of signing in, as functions the views call (each audits what happened).

1. Password (`check_password_step`): refused while the address is throttled or the account
   paused (accounts/lockout.py). An unknown username costs the same hashing as a known one
   and gets the same answer.
2. If the user needs a second factor (accounts/two_factor.py), the session remembers them as
   pending for PENDING_SECONDS, still anonymous, and the code or first set-up page finishes.
3. `accounts.sessions.start_session` signs in: new session key, clocks, audit.
"""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from . import lockout
from .models import User
from .sessions import PENDING, now

PENDING_SECONDS = 5 * 60


def check_password_step(*, request: HttpRequest, username: str, password: str) -> User | None:
    """The user when the password is right and sign-in is allowed; None otherwise (audited)."""
    if lockout.address_throttled(request):
        lockout.refuse(request=request, user_id=None, reason="address")
        return None
    user = User.objects.filter(username=username).first()
    with transaction.atomic():
        lockout.lock_user_row(user.pk if user else None)
        if user is None:
            User().set_password(password)  # the same hashing work as a real check
            lockout.paused_until(0)  # and the same queries
            lockout.register_failure(request=request, user_id=None, step="password")
            return None
        password_ok = user.check_password(password) and user.is_active
        if lockout.paused_until(user.pk) is not None:
            lockout.refuse(request=request, user_id=user.pk, reason="account")
            return None
        if not password_ok:
            lockout.register_failure(request=request, user_id=user.pk, step="password")
            return None
    return user


def remember_pending(request: HttpRequest, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "at": now(), "next": next_url}


def pending(request: HttpRequest) -> tuple[User, str] | None:
    """The user between password and code, and where they were going; None when expired."""
    data: dict[str, Any] = request.session.get(PENDING) or {}
    if not data or now() - int(data.get("at", 0)) >= PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=int(data.get("user") or 0), is_active=True).first()
    if user is None:
        return None
    return user, str(data.get("next", ""))


def forget_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)
