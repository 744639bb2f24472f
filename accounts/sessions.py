"""Sessions: where they are stored, when they end, and how a sign-in starts one.

- Storage (`SESSION_ENGINE = "accounts.sessions"`): Django's database sessions in
  `accounts.UserSession`, which keeps the user's id in its own column, so `end_sessions`
  removes every session of a user with one DELETE.
- Limits (`SessionLimitsMiddleware` in accounts/middleware.py): a session ends after
  ALONGSIDE_SESSION_IDLE_MINUTES without a request and ALONGSIDE_SESSION_MAX_HOURS after
  sign-in. The stamps live in the session itself (loaded with it: no extra query); the last
  activity is written at most once a minute, which also moves the row's own expiry, so the
  database refuses an idle session even without the middleware. A minute of granularity means
  a session may end up to a minute early, never late.
- `start_session` is the one place a signed-in session begins: after the password and, where
  needed, the second factor. Sessions without its stamps (any other `login()`) are refused.
- Between the password and the code the session only remembers who is pending
  (`remember_pending`, for PENDING_SECONDS), still anonymous: no page but the sign-in steps
  opens.
"""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, login
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.services import record
from core.context import Actor

from .models import User, UserSession

STARTED = "alongside:started"  # when the person signed in (seconds since the epoch)
SEEN = "alongside:seen"  # last activity, refreshed at most every TOUCH_SECONDS
CONFIRMED = "alongside:confirmed"  # last password or code (recent_auth_required)
SECOND_FACTOR = "alongside:second_factor"  # "totp", "recovery" or "" (none needed)
ENDED = "alongside:ended"  # why the last session ended, for the sign-in page to say
PENDING = "alongside:pending"  # between the password and the code: {"user", "at", "next"}
TOUCH_SECONDS = 60
PENDING_SECONDS = 5 * 60
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[UserSession]:  # type: ignore[override]
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        instance: UserSession = super().create_model_instance(data)  # type: ignore[assignment]
        user_id = data.get(SESSION_KEY)
        instance.user_id = int(user_id) if user_id else None  # type: ignore[attr-defined]
        return instance


def now() -> int:
    return int(time.time())


def stamp(session: SessionBase, *, second_factor: str) -> None:
    """Mark a session as freshly signed in (also used by the tests' force_login fixture)."""
    moment = now()
    session[STARTED] = session[SEEN] = session[CONFIRMED] = moment
    session[SECOND_FACTOR] = second_factor


def start_session(request: HttpRequest, user: User, *, second_factor: str) -> None:
    """Sign the user in: a new session key, the clocks started, the sign-in audited."""
    login(request, user, backend=MODEL_BACKEND)  # a new session key (session fixation)
    request.session.pop(PENDING, None)
    stamp(request.session, second_factor=second_factor)
    details = {"second_factor": second_factor or "none"}
    record(action=AuditEvent.Action.SIGN_IN, actor=user, details=details)


def remember_pending(request: HttpRequest, user: User, next_url: str) -> None:
    """Between the password and the code: a new session key, and who is pending."""
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


def limit_reached(session: SessionBase) -> str:
    """Why this signed-in session must end now ("idle", "absolute", "unstamped"), or ""."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if not isinstance(started, int) or not isinstance(seen, int):
        return "unstamped"
    moment = now()
    if moment - started >= settings.ALONGSIDE_SESSION_MAX_HOURS * 3600:
        return "absolute"
    if moment - seen >= settings.ALONGSIDE_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return ""


def touch(session: SessionBase) -> None:
    """Record activity, writing the session at most once a minute (its expiry moves with it)."""
    moment = now()
    if moment - session.get(SEEN, 0) >= TOUCH_SECONDS:
        session[SEEN] = moment


def confirmed_within(session: SessionBase, seconds: int) -> bool:
    confirmed = session.get(CONFIRMED)
    return isinstance(confirmed, int) and now() - confirmed < seconds


def end_sessions(*, actor: Actor, user: User, reason: str) -> int:
    """End every session of `user` at once (one DELETE); audited as the actor's, with the count."""
    count, _ = UserSession.objects.filter(user=user).delete()
    record(
        action=AuditEvent.Action.SESSIONS_ENDED,
        actor=actor,
        target=user,
        details={"reason": reason, "sessions": count},
    )
    return count
