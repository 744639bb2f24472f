"""The one helper that writes the audit trail."""

import uuid
from typing import Any

from django.db import models

from core.context import Actor, current_audit_context, system_actor_name

from .models import AuditEvent

# details["system"]: the command or task that acted (core.context.SystemActor), when no user did.
SYSTEM_ACTOR_KEY = "system"


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
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        client_id=client_id,
        request_id=context.request_id,
        ip=context.ip,
        details=details,
    )
