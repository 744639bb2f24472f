"""The one helper that writes the audit trail."""

import uuid
from typing import Any

from django.db import models
from django.http import HttpRequest

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
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor_id,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        client_id=client_id,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip=client_ip(request) if request is not None else None,
        details=details or {},
    )
