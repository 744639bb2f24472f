"""Changing what identifies a person: their details and the other names they use."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from accounts.models import User
from audit.models import AuditEvent
from audit.services import Event, record, record_many
from clients.models import Alias, Client
from core.versioning import EditConflict, save_if_current

from .names import refresh_search_names, refresh_search_names_of

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
def update_identity(*, actor: User, client: Client, version: int, changes: dict[str, Any]) -> list[str]:
    """Store the fields whose value changed, on top of `version`; return their names (sorted).

    The comparison is with the row as stored now, not with an instance a form has already
    modified. Nothing changed: nothing is written (no new version, no audit event). Someone
    saved after `version`: EditConflict and nothing is written (core/versioning.py). The
    audit event names the changed fields, never their values.

    Aliases are not versioned: adding one adds a row and removing one removes that row,
    so two people doing either at once overwrite nothing (both names are kept; a name
    removed twice is gone, and the second removal finds nothing to remove), and a version
    bump would turn a colleague's save of the details into a conflict.
    """
    stored = Client.objects.get(pk=client.pk)
    changed = sorted(name for name in IDENTITY_FIELDS if name in changes and getattr(stored, name) != changes[name])
    if not changed:
        return []
    if not save_if_current(Client, client.pk, version, {name: changes[name] for name in changed}):
        raise EditConflict
    for name in changed:
        setattr(client, name, changes[name])
    client.version = version + 1
    if "preferred_name" in changed:
        refresh_search_names(client)
    record(
        action=AuditEvent.Action.CLIENT_CHANGED,
        actor=actor,
        target=client,
        client_id=client.pk,
        details={"fields": changed},
    )
    return changed


@transaction.atomic
def add_alias(*, actor: User, client: Client, name: str) -> Alias:
    """Add another name the person is known by: a batch of one of `add_aliases`."""
    return add_aliases(actor=actor, aliases=[(client, name)])[0]


@transaction.atomic(savepoint=False)  # inside the caller's transaction, or its own
def add_aliases(*, actor: User, aliases: Sequence[tuple[Client, str]]) -> list[Alias]:
    """Add each (person, name) as an alias, in the order given, in a fixed number of
    statements whatever their number (an import of people): the aliases, the people's
    search names (`refresh_search_names_of`), and one audit event per alias, each the
    event one alias added on the edit page writes (`audit.services.record_many`)."""
    if not aliases:
        return []
    added = Alias.objects.bulk_create(Alias(client=client, name=name, created_by=actor) for client, name in aliases)
    refresh_search_names_of([client for client, _name in aliases])
    record_many(
        action=AuditEvent.Action.CLIENT_CHANGED,
        actor=actor,
        events=[
            Event(target=alias, client_id=alias.client_id, details={"fields": ["aliases"], "change": "added"})
            for alias in added
        ],
    )
    return added


@transaction.atomic
def remove_alias(*, actor: User, client: Client, alias: Alias) -> None:
    alias_id = alias.pk
    alias.delete()
    refresh_search_names(client)
    record(
        action=AuditEvent.Action.CLIENT_CHANGED,
        actor=actor,
        target=client,
        client_id=client.pk,
        details={"fields": ["aliases"], "change": "removed", "alias_id": alias_id},
    )
