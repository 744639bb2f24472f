"""The one helper that writes the audit trail."""

import json
import uuid
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditEvent


def client_ip(request: HttpRequest) -> str | None:
    """The address Django sees (set the proxy to pass the real one as REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    action: AuditEvent.Action,
    request: HttpRequest | None = None,
    actor_id: int | None = None,
    target: models.Model | None = None,
    client_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Only ids are stored, never names or free text.

    The actor defaults to the signed-in user of the request; `client_id` is the person the
    event concerns, so "who opened this person's record" is one indexed query. `details`
    holds ids or field names (which fields changed), never the values themselves.
    """
    if actor_id is None and request is not None and request.user.is_authenticated:
        actor_id = request.user.pk
    return append(
        action=action,
        actor_id=actor_id,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        client_id=client_id,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip=client_ip(request) if request is not None else None,
        details=details or {},
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
