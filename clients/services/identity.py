"""Changing what identifies a person: their details and the other names they use."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Alias, Client

from .names import refresh_search_names

# What a team member may change on the edit page. All optional, all identifying.
IDENTITY_FIELDS = (
    "preferred_name",
    "year_of_birth",
    "gender",
    "gender_self_described",
    "pronouns",
    "languages",
    "contact_preference",
    "contact_details",
    "may_leave_message",
    "description",
)


@transaction.atomic
def update_identity(*, request: HttpRequest, client: Client, changes: dict[str, Any]) -> list[str]:
    """Store the fields whose value changed; return their names (sorted).

    The stored row is read again under a lock, so the comparison is with what is in the
    database, not with an instance a form has already modified. The audit event names the
    changed fields, never their values. Nothing changed: nothing is written.
    """
    stored = Client.objects.select_for_update().get(pk=client.pk)
    changed = sorted(name for name in IDENTITY_FIELDS if name in changes and getattr(stored, name) != changes[name])
    if not changed:
        return []
    Client.objects.filter(pk=client.pk).update(**{name: changes[name] for name in changed})
    for name in changed:
        setattr(client, name, changes[name])
    if "preferred_name" in changed:
        refresh_search_names(client)
    record(
        action=AuditEvent.Action.CLIENT_CHANGED,
        request=request,
        target=client,
        client_id=client.pk,
        details={"fields": changed},
    )
    return changed


@transaction.atomic
def add_alias(*, request: HttpRequest, client: Client, name: str, added_by: User) -> Alias:
    alias = Alias.objects.create(client=client, name=name, created_by=added_by)
    refresh_search_names(client)
    record(
        action=AuditEvent.Action.CLIENT_CHANGED,
        request=request,
        target=alias,
        client_id=client.pk,
        details={"fields": ["aliases"], "change": "added"},
    )
    return alias


@transaction.atomic
def remove_alias(*, request: HttpRequest, client: Client, alias: Alias) -> None:
    alias_id = alias.pk
    alias.delete()
    refresh_search_names(client)
    record(
        action=AuditEvent.Action.CLIENT_CHANGED,
        request=request,
        target=client,
        client_id=client.pk,
        details={"fields": ["aliases"], "change": "removed", "alias_id": alias_id},
    )
