"""Changes to the catalogue: service types, a team's sites and a team's quick buttons.

Nothing here deletes a service type or a site: past contacts point at them, so they are
deactivated instead and history shows them as it always did. Every change writes one
CATALOGUE_CHANGED audit event whose details name the model and the fields changed, never
their values (a site's name can say where people are met).
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils.text import slugify

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from encounters.models import ServiceType, Site, TeamService

SLUG_MAX = ServiceType._meta.get_field("slug").max_length or 50
QUICK_BUTTON_STEP = 10


def _audit(*, actor: User, target: Any, change: str, fields: Sequence[str], model: str | None = None) -> None:
    record(
        action=AuditEvent.Action.CATALOGUE_CHANGED,
        actor=actor,
        target=target,
        details={"model": model or target._meta.model_name, "change": change, "fields": sorted(fields)},
    )


def _changed_fields(instance: Any, values: dict[str, Any]) -> list[str]:
    """Set the values that differ on the instance and return their names."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def unique_slug(name: str) -> str:
    """A slug made from the name, unique among all service types (active or not).

    The slug names the service's field on Log a contact and in exports, so it is made once
    and never changes, even when the name does.
    """
    base = slugify(name)[: SLUG_MAX - 4].strip("-") or "service"
    taken = set(ServiceType.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def add_service_type(
    *, actor: User, name: str, category: str, unit: str, counts_quantity: bool, order: int
) -> ServiceType:
    service_type = ServiceType.objects.create(
        slug=unique_slug(name),
        name=name,
        category=category,
        unit=unit,
        counts_quantity=counts_quantity,
        order=order,
    )
    fields = ["slug", "name", "category", "unit", "counts_quantity", "order"]
    _audit(actor=actor, target=service_type, change="created", fields=fields)
    return service_type


@transaction.atomic
def change_service_type(
    *,
    actor: User,
    service_type: ServiceType,
    name: str,
    category: str,
    unit: str,
    counts_quantity: bool,
    order: int,
) -> list[str]:
    """Save what differs (the slug never changes); returns the names of the fields changed."""
    values = {"name": name, "category": category, "unit": unit, "counts_quantity": counts_quantity, "order": order}
    changed = _changed_fields(service_type, values)
    if changed:
        service_type.save(update_fields=changed)
        _audit(actor=actor, target=service_type, change="changed", fields=changed)
    return changed


@transaction.atomic
def set_service_type_active(*, actor: User, service_type: ServiceType, is_active: bool) -> ServiceType:
    """Out of use (or back in use). Past contacts keep showing it; teams' quick buttons are
    kept, so putting it back in use brings its buttons back where they were."""
    if service_type.is_active != is_active:
        service_type.is_active = is_active
        service_type.save(update_fields=["is_active"])
        change = "reactivated" if is_active else "deactivated"
        _audit(actor=actor, target=service_type, change=change, fields=["is_active"])
    return service_type


def _renumbered(orders: list[int]) -> list[int]:
    """The same order numbers, strictly increasing (ties are pushed one apart)."""
    result: list[int] = []
    for value in sorted(orders):
        result.append(max(value, result[-1] + 1) if result else value)
    return result


@transaction.atomic
def move_service_type(*, actor: User, service_type: ServiceType, offset: int) -> list[ServiceType]:
    """One place up (-1) or down (+1) within its category: reordering without JavaScript.

    The category's own order numbers are shuffled among its types, so where the category
    sits among the others does not move.
    """
    siblings = list(
        ServiceType.objects.select_for_update().filter(category=service_type.category).order_by("order", "name")
    )
    ids = [sibling.pk for sibling in siblings]
    index = ids.index(service_type.pk)
    moved = siblings.pop(index)
    siblings.insert(min(max(index + offset, 0), len(siblings)), moved)
    changed = []
    for sibling, order in zip(siblings, _renumbered([sibling.order for sibling in siblings]), strict=True):
        if sibling.order != order:
            sibling.order = order
            changed.append(sibling)
    if changed:
        ServiceType.objects.bulk_update(changed, ["order"])
        _audit(actor=actor, target=service_type, change="reordered", fields=["order"])
    return siblings


@transaction.atomic
def add_site(*, actor: User, team: Team, name: str, area: str, kind: str) -> Site:
    site = Site.objects.create(team=team, name=name, area=area, kind=kind)
    _audit(actor=actor, target=site, change="created", fields=["team", "name", "area", "kind"])
    return site


@transaction.atomic
def change_site(*, actor: User, site: Site, name: str, area: str, kind: str) -> list[str]:
    """Save what differs (a site stays with its team: its contacts count for that team)."""
    changed = _changed_fields(site, {"name": name, "area": area, "kind": kind})
    if changed:
        site.save(update_fields=changed)
        _audit(actor=actor, target=site, change="changed", fields=changed)
    return changed


@transaction.atomic
def set_site_active(*, actor: User, site: Site, is_active: bool) -> Site:
    """Out of use (no longer offered on Log a contact) or back in use; contacts keep it."""
    if site.is_active != is_active:
        site.is_active = is_active
        site.save(update_fields=["is_active"])
        change = "reactivated" if is_active else "deactivated"
        _audit(actor=actor, target=site, change=change, fields=["is_active"])
    return site


@transaction.atomic
def set_quick_buttons(
    *, actor: User, team: Team, service_type_ids: Sequence[UUID], choosable: Sequence[UUID]
) -> list[TeamService]:
    """The team's quick buttons become `service_type_ids`, in that order.

    Only rows of `choosable` types (the active ones the page offered) are added, moved or
    removed; buttons of a type out of use are kept for when it comes back into use.
    """
    offered = set(choosable)
    wanted = [pk for pk in dict.fromkeys(service_type_ids) if pk in offered]
    rows = {row.service_type_id: row for row in TeamService.objects.select_for_update().filter(team=team)}
    removed = [pk for pk in rows if pk in offered and pk not in wanted]
    TeamService.objects.filter(team=team, service_type_id__in=removed).delete()
    added, moved = [], []
    for position, pk in enumerate(wanted, start=1):
        order = position * QUICK_BUTTON_STEP
        if pk not in rows:
            added.append(TeamService(team=team, service_type_id=pk, order=order))
        elif rows[pk].order != order:
            rows[pk].order = order
            moved.append(rows[pk])
    TeamService.objects.bulk_create(added)
    TeamService.objects.bulk_update(moved, ["order"])
    fields = (["service_type"] if added or removed else []) + (["order"] if added or moved else [])
    if fields:
        _audit(actor=actor, target=team, change="changed", fields=fields, model="teamservice")
    return list(TeamService.objects.filter(team=team).select_related("service_type"))
