"""Pausing sign-in after failed attempts, counted from the audit trail.

Why the audit trail and not a counter table (or django-axes): every failed sign-in is
written there anyway, append-only, with the user's id and the address; counting it is one
indexed query (audit_actor_at_idx, audit_failed_sign_in_ip_idx), and there is no second
record of attempts to keep in step, clean up or reset by hand.

- An account: ALONGSIDE_SIGN_IN_ATTEMPTS failures in a row (password, code or
  confirmation; a success or an earlier pause starts the count again) write LOCKED_OUT, and
  for ALONGSIDE_SIGN_IN_PAUSE_MINUTES after it every sign-in of that account is refused,
  right password or not. Refused attempts are audited (SIGN_IN_REFUSED) but not counted, so
  the pause always ends on time: never a permanent lock. A system admin may end it early
  (SIGN_IN_UNLOCKED).
- An address: ALONGSIDE_SIGN_IN_ADDRESS_ATTEMPTS failures from one IP within the same
  minutes refuse every sign-in from it until older failures age out (a sliding window).

Time is this server's clock only: the window is (now - pause, now], so an event stamped in
the future (a node with a fast clock, a bad row) counts for nothing, and it never makes a
pause start late or last long. Events are put in order by when they were written (their
id), not by their stamp: "End the pause" always comes after the pause it ends, whatever
the clocks of the nodes that wrote them said.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record
from core.context import current_audit_context

from .models import User

Action = AuditEvent.Action
# Events that start the count of failures again.
RESETS = {Action.SIGN_IN, Action.LOCKED_OUT, Action.SIGN_IN_UNLOCKED}


def pause() -> timedelta:
    return timedelta(minutes=settings.ALONGSIDE_SIGN_IN_PAUSE_MINUTES)


def in_window() -> dict[str, datetime]:
    """Filters for events of the last pause's length, by this server's clock (none in the future)."""
    now = timezone.now()
    return {"at__gt": now - pause(), "at__lte": now}


def recent_events(user_id: int) -> list[tuple[str, datetime]]:
    """The user's sign-in events inside the pause window, last written first (bounded)."""
    events = AuditEvent.objects.filter(actor_id=user_id, action__in=[Action.SIGN_IN_FAILED, *RESETS], **in_window())
    return list(events.order_by("-pk").values_list("action", "at")[: settings.ALONGSIDE_SIGN_IN_ATTEMPTS + 1])


def paused_until(user_id: int) -> datetime | None:
    """When the account's pause ends, if it is paused now."""
    for action, at in recent_events(user_id):
        if action == Action.LOCKED_OUT:
            return at + pause()
        if action in RESETS:
            return None
    return None


def failures_in_a_row(user_id: int) -> int:
    count = 0
    for action, _at in recent_events(user_id):
        if action in RESETS:
            break
        count += 1
    return count


def address_throttled() -> bool:
    """Too many failures lately from the address this request comes from (audit context)."""
    ip = current_audit_context().ip
    if ip is None:
        return False
    limit = settings.ALONGSIDE_SIGN_IN_ADDRESS_ATTEMPTS
    failures = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED, ip=ip, **in_window())
    return failures[:limit].count() >= limit


def lock_user_row(user_id: int | None) -> None:
    """Serialise one account's attempts (call inside a transaction), so parallel guesses
    cannot all slip in before the pause is written."""
    if user_id is not None:
        list(User.objects.select_for_update().filter(pk=user_id).values_list("pk"))


def refuse(*, user: User | None, reason: str) -> None:
    """Audit a sign-in refused while paused or throttled; `user` is the account tried
    (None for an unknown username), recorded as the event's actor."""
    record(action=Action.SIGN_IN_REFUSED, actor=user, details={"reason": reason})


def register_failure(*, user: User | None, step: str) -> bool:
    """Audit a failed attempt on the account `user` (None: an unknown username); pause the
    account when it is the last one allowed.

    Returns True when this failure paused the account.
    """
    user_id = user.pk if user is not None else None
    with transaction.atomic():
        lock_user_row(user_id)
        record(action=Action.SIGN_IN_FAILED, actor=user, details={"step": step})
        if user_id is None or failures_in_a_row(user_id) < settings.ALONGSIDE_SIGN_IN_ATTEMPTS:
            return False
        minutes = settings.ALONGSIDE_SIGN_IN_PAUSE_MINUTES
        record(action=Action.LOCKED_OUT, actor=user, details={"minutes": minutes})
        return True


def unlock(*, actor: User, user: User) -> None:
    """A system admin (`actor`) ends a pause early: audited as the user's event, so their
    count of failures starts again, with the admin's id in the details."""
    record(action=Action.SIGN_IN_UNLOCKED, actor=user, details={"by": actor.pk})
