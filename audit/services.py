"""The one helper that writes the audit trail."""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone

from core.context import Actor, current_audit_context, system_actor_name

from .models import AuditEvent

# details["system"]: the command or task that acted (core.context.SystemActor), when no user did.
SYSTEM_ACTOR_KEY = "system"
# details["api_token"]: the id of the API token the work came through (core/context.py).
API_TOKEN_KEY = "api_token"  # noqa: S105 (a key name)


def record(
    *,
    action: AuditEvent.Action,
    actor: Actor | None,
    target: models.Model | None = None,
    client_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Only ids are stored, never names or free text.

    `actor` is who acted: a user (their id is stored), a system actor (a command or task:
    its name goes into the details, under "system"), or None where nobody is known (a
    sign-in attempt for a username that does not exist). Where the work came from (the
    address and the request id) is read from the audit context that the middleware sets
    for each request (core/context.py), never passed in. `client_id` is the person the
    event concerns, so "who opened this person's record" is one indexed query. `details`
    holds ids or field names (which fields changed), never the values themselves.
    """
    context = current_audit_context()
    details = dict(details or {})
    if system := system_actor_name(actor):
        details[SYSTEM_ACTOR_KEY] = system
    if context.api_token:
        details[API_TOKEN_KEY] = context.api_token
    return append(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        client_id=client_id,
        request_id=context.request_id,
        ip=context.ip,
        details=details,
    )


def append(
    *,
    action: str,
    actor_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    client_id: uuid.UUID | None = None,
    request_id: str = "",
    ip: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Write one event through the database's `audit_append`, the only way in (audit/chain.py).

    The application's role may not INSERT into the table: the function does, as the table's
    owner, and the database links the row at commit. `at` is now unless given (tests that
    need a history give it).
    """
    event = AuditEvent(
        at=at or timezone.now(),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        request_id=request_id,
        ip=ip,
        details=details or {},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_append(%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb)",
            [
                event.at,
                event.actor_id,
                event.action,
                event.object_type,
                event.object_id,
                event.client_id,
                event.request_id,
                event.ip,
                json.dumps(event.details),
            ],
        )
        (event.pk,) = cursor.fetchone()
    event._state.adding = False
    return event


@dataclass(frozen=True)
class Event:
    """One event of `record_many`: what it is about (ids only, as for `record`)."""

    target: models.Model | None = None
    client_id: uuid.UUID | None = None
    details: dict[str, Any] = field(default_factory=dict)


def record_many(*, action: AuditEvent.Action, actor: Actor | None, events: Sequence[Event]) -> int:
    """Append one audit event per item of `events`, all in one statement (a batch of imported
    contacts): each is the event `record` would write, with the same actor, action, time and
    audit context, so a person's history shows each one. Returns how many were written."""
    if not events:
        return 0
    context = current_audit_context()
    shared: dict[str, Any] = {}
    if system := system_actor_name(actor):
        shared[SYSTEM_ACTOR_KEY] = system
    if context.api_token:
        shared[API_TOKEN_KEY] = context.api_token
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(audit_append(%s, %s, %s, t.object_type, t.object_id, t.client_id, %s, %s, t.details))"
            " FROM unnest(%s::text[], %s::text[], %s::uuid[], %s::jsonb[])"
            " AS t(object_type, object_id, client_id, details)",
            [
                timezone.now(),
                actor.pk if actor is not None else None,
                action,
                context.request_id,
                context.ip,
                [event.target._meta.label_lower if event.target is not None else "" for event in events],
                [str(event.target.pk) if event.target is not None else "" for event in events],
                [str(event.client_id) if event.client_id else None for event in events],
                [json.dumps({**event.details, **shared}) for event in events],
            ],
        )
        (written,) = cursor.fetchone()
    return int(written)
