"""Merging two records of the same person, and undoing that within 30 days.

B (`merged`) is merged into A (`survivor`). Everything that points at B moves to A, found
generically: every model of any app with a foreign key to Client is a reverse relation on
Client, so contacts, goals and check-ins move without `clients` importing those apps
(DESIGN.md: `clients` depends on none of them). B stays as a row with `merged_into = A`,
so its code keeps resolving to A (clients/access.py) and lists leave it out (`current()`).

Two kinds of rows do not move, on purpose:
- DuplicateDismissal ("B and X are different people") stays with B. B is no longer current,
  so the duplicates page never pairs it again; moving it would need re-ordering the pair
  (first < second), could collide with A's own dismissals, and would turn a dismissal of the
  pair (A, B) itself into (A, A). Left alone, an undo needs nothing to put it back.
- Merge rows stay as history. A merge whose survivor was B (C into B) keeps pointing at B;
  undoing it is refused while B is merged into A (undo the later merge first), so its
  recorded rows are always where it expects them.
People merged into B earlier (`merged_into = B`) are a reverse relation like any other: they
move to A, so every old code resolves in one step.

Unique constraints: moving B's rows can break a unique constraint that includes the foreign
key (a one-to-one per person, or "one X per person and kind"). None exists today. Every such
constraint is checked before anything moves, and a collision refuses the merge with a message
naming the kind of row, so the supervisor can change one record first. A one-to-one relation
is such a constraint (the key alone is unique).

`Merge.snapshot` keeps what an exact undo needs: A's and B's columns before the merge, the
choices made, the ids of B's rows that moved (per model and key) and the alias made from the
name that was not kept. An undo clears B's `merged_into` (the only column of B the merge
changed), moves exactly those rows back, deletes that alias and restores A's details, except
a detail changed on A after the merge (kept: the later edit is the newer truth; likewise a
later transfer, which moves B with A). Rows added to A after the merge stay with A.
"""

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, F, ForeignObjectRel, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Alias, Client, DuplicateDismissal, Merge, normalise_name
from core.errors import Invalid

from .names import refresh_search_names

SURVIVOR = "survivor"
MERGED = "merged"
CHOICES = (SURVIVOR, MERGED)

# What the supervisor chooses, detail by detail. Fields that only make sense together are
# kept together (a self-described gender with its gender; details with the way of contact).
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "preferred_name": ("preferred_name",),
    "year_of_birth": ("year_of_birth",),
    "gender": ("gender", "gender_self_described"),
    "pronouns": ("pronouns",),
    "languages": ("languages",),
    "contact": ("contact_preference", "contact_details", "may_leave_message"),
    "description": ("description",),
    "status": ("status",),
}

# Relations that do not move (see the module docstring).
STAYING = {DuplicateDismissal, Merge}

Relation = tuple[type[models.Model], str]


class MergeError(Invalid):
    """A merge or undo that cannot be done; `message` is safe to show (no names)."""


def person_relations() -> list[Relation]:
    """Every (model, foreign key name) pointing at a person, from any app.

    Hidden relations (`related_name="+"`) count too: `_meta.related_objects` leaves them
    out, so a model declaring one would silently stay behind.
    """
    relations = [
        (cast(type[models.Model], relation.related_model), relation.field.name)
        for relation in Client._meta.get_fields(include_hidden=True)
        if isinstance(relation, ForeignObjectRel) and not relation.many_to_many
    ]
    return sorted(
        ((model, name) for model, name in relations if model not in STAYING),
        key=lambda relation: (relation[0]._meta.label_lower, relation[1]),
    )


def moving_counts(client: Client) -> list[tuple[Relation, int]]:
    """How many rows of each relation point at this person, in one query."""
    relations = person_relations()
    counts = {
        f"n{index}": Coalesce(
            Subquery(
                model._base_manager.filter(**{name: OuterRef("pk")})
                .order_by()
                .values(name)
                .annotate(n=Count("*"))
                .values("n")
            ),
            0,
        )
        for index, (model, name) in enumerate(relations)
    }
    row: dict[str, Any] = Client.objects.filter(pk=client.pk).annotate(**counts).values(*counts).get()
    return [(relation, row[f"n{index}"]) for index, relation in enumerate(relations)]


def _encode(value: Any) -> Any:
    """A column value as JSON, at full precision (DjangoJSONEncoder cuts microseconds)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value


def _columns(client: Client) -> dict[str, Any]:
    return {
        field.attname: _encode(field.value_from_object(client))
        for field in Client._meta.concrete_fields
        if not field.primary_key
    }


def _decode(values: dict[str, Any]) -> dict[str, Any]:
    fields = {field.attname: field for field in Client._meta.concrete_fields}
    return {name: fields[name].to_python(value) for name, value in values.items()}


def _group_columns(columns: dict[str, Any], group: str) -> dict[str, Any]:
    return {name: columns[name] for name in FIELD_GROUPS[group]}


def _unique_sets(model: type[models.Model], key: str) -> Iterable[tuple[list[str], Q | None, bool]]:
    """Unique field sets of `model` that include the key: (fields, condition, nulls distinct)."""
    if model._meta.get_field(key).unique:  # type: ignore[union-attr]
        yield [key], None, True
    for together in model._meta.unique_together:
        if key in together:
            yield list(together), None, True
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and key in constraint.fields:
            yield list(constraint.fields), constraint.condition, constraint.nulls_distinct is not False


def _collides(model: type[models.Model], key: str, survivor: Client, merged: Client) -> bool:
    rows = model._base_manager.all()
    for fields, condition, nulls_distinct in _unique_sets(model, key):
        scoped = rows.filter(condition) if condition is not None else rows
        others = [name for name in fields if name != key]
        if not others:
            if scoped.filter(**{key: survivor}).exists() and scoped.filter(**{key: merged}).exists():
                return True
            continue
        kept = set(scoped.filter(**{key: survivor}).values_list(*others))
        moving = set(scoped.filter(**{key: merged}).values_list(*others))
        if any(not (nulls_distinct and None in values) for values in kept & moving):
            return True
    return False


def _check_choices(field_choices: dict[str, str]) -> dict[str, str]:
    if not set(field_choices) <= set(FIELD_GROUPS) or not set(field_choices.values()) <= set(CHOICES):
        raise MergeError(_("Choose which record's value to keep for each detail."))
    return {group: field_choices.get(group, SURVIVOR) for group in FIELD_GROUPS}


def _lock(*clients: Client) -> list[Client]:
    """The rows as they are now, locked: no contact can be added to them meanwhile.

    Inserting a row that references a person takes a key-share lock on the person's row,
    which waits for this FOR UPDATE: the set of rows to move cannot change under us.
    """
    locked = Client.objects.select_for_update().in_bulk([client.pk for client in clients])
    return [locked[client.pk] for client in clients]


def _check_mergeable(survivor: Client, merged: Client, user: User) -> None:
    if survivor.pk == merged.pk:
        raise MergeError(_("A record cannot be merged with itself."))
    supervised = set(user.supervised_team_ids())
    if not {survivor.home_team_id, merged.home_team_id} <= supervised:
        raise MergeError(_("You can only merge records of teams you supervise."))
    for client in (survivor, merged):
        code = client.code
        if client.merged_into_id is not None:
            raise MergeError(_("%(code)s is already merged into another record.") % {"code": code})
        if client.erased_at is not None:
            raise MergeError(_("%(code)s had its identifying data erased: it cannot be merged.") % {"code": code})
    for model, key in person_relations():
        if _collides(model, key, survivor, merged):
            raise MergeError(
                _("Both records have %(things)s that can exist only once per person. Change one of them first.")
                % {"things": model._meta.verbose_name_plural}
            )


def _alias_for_name_not_kept(survivor: Client, other_name: str, merged_by: User) -> int | None:
    """The preferred name that was not kept stays findable, as an alias of the survivor."""
    if not other_name or normalise_name(other_name) == normalise_name(survivor.preferred_name):
        return None
    names = Alias.objects.filter(client=survivor).values_list("name", flat=True)  # B's have moved here
    if any(normalise_name(name) == normalise_name(other_name) for name in names):
        return None
    return Alias.objects.create(client=survivor, name=other_name, created_by=merged_by).pk


@transaction.atomic
def merge_clients(
    *,
    actor: User,
    survivor: Client,
    merged: Client,
    field_choices: dict[str, str],
) -> Merge:
    """Merge `merged` (B) into `survivor` (A), keeping per detail the value chosen.

    `field_choices` maps a key of FIELD_GROUPS to "survivor" or "merged"; a missing key
    keeps A's value. Refuses (MergeError, nothing changed) a merge with itself, records
    outside the teams the actor supervises, merged or erased records, and unique clashes.
    """
    choices = _check_choices(field_choices)
    survivor, merged = _lock(survivor, merged)
    _check_mergeable(survivor, merged, actor)
    before = {SURVIVOR: _columns(survivor), MERGED: _columns(merged)}
    moved: dict[str, dict[str, list[Any]]] = {}
    for model, key in person_relations():
        rows = model._base_manager.filter(**{key: merged})
        pks = [_encode(pk) for pk in rows.values_list("pk", flat=True)]
        if pks:
            rows.update(**{key: survivor})
            moved.setdefault(model._meta.label_lower, {})[key] = pks
    for group, choice in choices.items():
        for name in FIELD_GROUPS[group]:
            setattr(survivor, name, getattr(merged if choice == MERGED else survivor, name))
    not_kept = before[MERGED if choices["preferred_name"] == SURVIVOR else SURVIVOR]["preferred_name"]
    alias_pk = _alias_for_name_not_kept(survivor, not_kept, actor)
    seen = [at for at in (survivor.last_seen_at, merged.last_seen_at) if at is not None]
    survivor.last_seen_at = max(seen, default=None)
    # B's contacts, now A's, still count for the team that logged them.
    survivor.contacts_elsewhere = (
        survivor.contacts_elsewhere or merged.contacts_elsewhere or merged.home_team_id != survivor.home_team_id
    )
    survivor.version = F("version") + 1  # an edit of A's details loaded before the merge conflicts
    survivor.save(
        update_fields=[name for names in FIELD_GROUPS.values() for name in names]
        + ["last_seen_at", "contacts_elsewhere", "version"]
    )
    Client.objects.filter(pk=merged.pk).update(merged_into=survivor)
    refresh_search_names(survivor)
    snapshot = {
        "version": 1,
        "choices": choices,
        "before": before,
        "moved": moved,
        "created_aliases": [alias_pk] if alias_pk is not None else [],
    }
    merge = Merge.objects.create(survivor=survivor, merged=merged, merged_by=actor, snapshot=snapshot)
    # One event per person, so each person's own trail shows the merge (and, later, its undo).
    details = {"survivor": str(survivor.pk), "merged": str(merged.pk)}
    for client in (survivor, merged):
        record(action=AuditEvent.Action.CLIENTS_MERGED, actor=actor, target=merge, client_id=client.pk, details=details)
    return merge


def _check_undoable(merge: Merge, survivor: Client, merged: Client, user: User) -> None:
    if merge.undone_at is not None:
        raise MergeError(_("This merge was already undone."))
    if not merge.can_be_undone:
        raise MergeError(_("A merge can only be undone within %(days)s days.") % {"days": Merge.UNDO_DAYS})
    if not {survivor.home_team_id, merged.home_team_id} <= set(user.supervised_team_ids()):
        raise MergeError(_("You can only undo merges of records of teams you supervise."))
    if survivor.merged_into_id is not None:
        raise MergeError(
            _("%(code)s was merged into another record since: undo that merge first.") % {"code": survivor.code}
        )
    if merged.merged_into_id != survivor.pk:
        raise MergeError(_("This merge can no longer be undone."))
    if survivor.erased_at is not None or merged.erased_at is not None:
        raise MergeError(_("Identifying data of one of these records was erased: the merge cannot be undone."))


def _restored_survivor_columns(snapshot: dict[str, Any], survivor: Client) -> dict[str, Any]:
    """A's details as before the merge, except the ones changed on A after the merge."""
    before, choices = snapshot["before"], snapshot["choices"]
    now = _columns(survivor)
    restored: dict[str, Any] = {}
    for group, choice in choices.items():
        written = _group_columns(before[choice], group)
        if _group_columns(now, group) == written:
            restored |= _group_columns(before[SURVIVOR], group)
    seen = [before[side]["last_seen_at"] for side in CHOICES if before[side]["last_seen_at"] is not None]
    written_seen = max(seen, key=datetime.fromisoformat, default=None)
    if now["last_seen_at"] == written_seen:  # a contact since the merge moved it on: keep that
        restored["last_seen_at"] = before[SURVIVOR]["last_seen_at"]
    return _decode(restored)


@transaction.atomic
def undo_merge(*, actor: User, merge: Merge) -> Client:
    """Give B its own record back, exactly as it was; returns B.

    Refused (MergeError, nothing changed) after 30 days, when already undone, when A was
    merged into someone else since (undo that first) or when either record was erased.
    """
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    survivor, merged = _lock(Client(pk=merge.survivor_id), Client(pk=merge.merged_id))
    _check_undoable(merge, survivor, merged, actor)
    snapshot = merge.snapshot
    Alias.objects.filter(pk__in=snapshot["created_aliases"], client=survivor).delete()
    for label, keys in snapshot["moved"].items():
        model = apps.get_model(label)
        for key, pks in keys.items():
            model._base_manager.filter(pk__in=pks, **{key: survivor}).update(**{key: merged})
    # The merge changed nothing on B but `merged_into`; a later transfer moved B with A.
    # B takes back its rows; those A had from elsewhere may be among them.
    Client.objects.filter(pk=merged.pk).update(
        merged_into=None, contacts_elsewhere=merged.contacts_elsewhere or survivor.contacts_elsewhere
    )
    restored = _restored_survivor_columns(snapshot, survivor)
    Client.objects.filter(pk=survivor.pk).update(**restored, version=F("version") + 1)
    survivor, merged = (Client.objects.get(pk=pk) for pk in (survivor.pk, merged.pk))
    refresh_search_names(survivor)
    refresh_search_names(merged)
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    details = {"survivor": str(survivor.pk), "merged": str(merged.pk)}
    for client in (survivor, merged):
        record(action=AuditEvent.Action.MERGE_UNDONE, actor=actor, target=merge, client_id=client.pk, details=details)
    return merged
