"""Correcting a saved contact: who may, and the one place it happens.

Who may correct, and for how long: the worker who logged the contact, for 7 days after it
was SAVED (`created_at`), and supervisors of the contact's team at any time. The window runs
from saving, not from `happened_at`, because the author's memory of what they typed is what
the window is for: a contact logged late (the phone was flat, the shift ran on) still gets
its full week, and the window cannot be moved, since `created_at` is never edited (counting
from `happened_at` would let a correction of the time re-open or close the window). The
contact's team is the person's current home team, or for an anonymous contact the team that
logged it (as EncounterQuerySet.visible_to).

What may be corrected: when, site, kind, services and quantities, note, and for anonymous
contacts head count, rough age band and gender; and the parts registered as correctable
(encounters/parts.py `correct`: the safer-use topics covered), replaced under the same row lock
and named in the same audit event. Not who the contact was with: moving a
contact to another person changes two people's records (their timelines, "last seen", the
referrals made at the contact belong to the person) and may cross teams, and a correction of
an anonymous contact into a named one would put a name on what was recorded without one.
That is a different, rarer action, for a supervisor, with its own audit; today the way is
to log the contact again for the right person and correct the wrong one's services away.

Two people at once: the form carries the `version` it was loaded with; saving is one
`UPDATE ... WHERE id = %s AND version = loaded` that also bumps the version
(core.versioning.save_if_current), so of two saves of the same version exactly one wins
(the other's UPDATE, waiting on the row lock, re-reads the row and matches nothing) and the
other gets `EditConflict`, with nothing written. The services are replaced in the same
transaction, after the UPDATE has taken the row lock, so they always belong to the version
that won.

Stock: a correction that changes a quantity of an item the team keeps stock of (or moves
the contact to another month) changes the stock by the difference, in the same transaction
and through the same statement as a new contact (`supplies.take_off_stock`), so on hand stays
received - given + adjusted, exactly, with corrections running at the same time as contacts.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid
from core.versioning import EditConflict, save_if_current
from encounters.models import Encounter, EncounterQuerySet, ServiceProvided, ServiceType, Site
from encounters.parts import ContactPart, CorrectPart, contact_part
from encounters.services.supplies import month_of, take_off_stock

CORRECTION_WINDOW = timedelta(days=7)
# The names written to the audit trail, in the order a page shows them.
FIELDS = ("happened_at", "site", "kind", "services", "note", "head_count", "age_band", "gender")


@dataclass(frozen=True)
class ContactValues:
    """What a correction can change, as saved or as typed (services: quantities above 0)."""

    happened_at: datetime
    site: Site | None
    kind: str
    note: str
    head_count: int
    age_band: str
    gender: str
    services: dict[ServiceType, int]

    @classmethod
    def of(cls, encounter: Encounter) -> "ContactValues":
        """The saved values (services must be prefetched with their types)."""
        return cls(
            happened_at=encounter.happened_at,
            site=encounter.site,
            kind=encounter.kind,
            note=encounter.note,
            head_count=encounter.head_count,
            age_band=encounter.age_band,
            gender=encounter.gender,
            services={given.service_type: given.quantity for given in encounter.services.all()},
        )

    def comparable(self) -> dict[str, Any]:
        return {
            "happened_at": self.happened_at,
            "site": self.site.pk if self.site is not None else None,
            "kind": self.kind,
            "note": self.note,
            "head_count": self.head_count,
            "age_band": self.age_band,
            "gender": self.gender,
            "services": {service_type.pk: quantity for service_type, quantity in self.services.items() if quantity},
        }


def for_correction(user: User) -> EncounterQuerySet:
    """The user's contacts with what a correction reads: the person (for the team), the site,
    who saved last, the services with their types."""
    services = Prefetch("services", ServiceProvided.objects.select_related("service_type"))
    return Encounter.objects.visible_to(user).select_related("client", "site", "updated_by").prefetch_related(services)


def changed_fields(before: ContactValues, after: ContactValues) -> list[str]:
    old, new = before.comparable(), after.comparable()
    return [name for name in FIELDS if old[name] != new[name]]


def owning_team_id(encounter: Encounter) -> Any:
    """The team the contact belongs to now (the client must be loaded)."""
    return encounter.client.home_team_id if encounter.client is not None else encounter.team_id


def may_correct(user: User, encounter: Encounter, *, now: datetime | None = None) -> bool:
    """The author within the window, or a supervisor of the contact's team (see above)."""
    if owning_team_id(encounter) in user.supervised_team_ids():
        return True
    saved_ago = (now or timezone.now()) - encounter.created_at
    return encounter.worker_id == user.pk and saved_ago <= CORRECTION_WINDOW


def changed_parts(encounter: Encounter, parts: Mapping[str, Any] | None) -> list[str]:
    """The keys of the correctable parts (encounters/parts.py `correct`) whose data differs from
    what the contact has now (a part not sent is left as it is)."""
    changed = []
    for key, data in (parts or {}).items():
        part = contact_part(key)
        if part is None or part.correct is None:
            raise Invalid(_("This part of a contact cannot be corrected."))
        if ((part.canonical(data) if data else None) or None) != part.stored(encounter):
            changed.append(key)
    return changed


@transaction.atomic
def correct_encounter(
    *,
    actor: User,
    encounter: Encounter,
    version: int,
    values: ContactValues,
    parts: Mapping[str, Any] | None = None,
) -> list[str]:
    """Save a correction made on `version`; returns the names of the fields changed.

    Nothing changed: nothing written (no new version, no audit event). Someone saved after
    `version`: EditConflict. Otherwise the new version is written, the person's "last seen"
    follows a changed time, each part changed is replaced by its own `correct` (encounters/
    parts.py), and one ENCOUNTER_CHANGED event names the fields and parts (never values).
    """
    changed_here = changed_parts(encounter, parts)
    changed = changed_fields(ContactValues.of(encounter), values) + changed_here
    if not changed:
        return []
    anonymous = encounter.client_id is None
    changes = {
        "happened_at": values.happened_at,
        "site": values.site,
        "kind": values.kind,
        "note": values.note,
        "head_count": values.head_count if anonymous else 1,
        "age_band": values.age_band if anonymous else "",
        "gender": values.gender if anonymous else "",
        "updated_at": timezone.now(),
        "updated_by": actor,
    }
    if not save_if_current(Encounter, encounter.pk, version, changes):
        raise EditConflict
    if "services" in changed or "happened_at" in changed:
        _correct_stock(encounter, values)
    if "services" in changed:
        _replace_services(encounter, values.services)
    if "happened_at" in changed and encounter.client_id is not None:
        _follow_last_seen(encounter.client_id, old=encounter.happened_at, new=values.happened_at)
    for key in changed_here:
        correct = cast(CorrectPart, cast(ContactPart, contact_part(key)).correct)
        correct(actor=actor, encounter=encounter, data=(parts or {})[key])
    record(
        action=AuditEvent.Action.ENCOUNTER_CHANGED,
        actor=actor,
        target=encounter,
        client_id=encounter.client_id,
        details={"fields": changed},
    )
    return changed


def _correct_stock(encounter: Encounter, values: ContactValues) -> None:
    """What the contact gives now, against what it gave: the difference comes off (or goes
    back on) the team's stock, through the same statement as a new contact's
    (supplies.take_off_stock), in the month each belongs to. What it gave is read here,
    under the contact's row lock taken by the UPDATE above, so two corrections of the same
    contact can never both subtract from the same quantities."""
    before = dict(ServiceProvided.objects.filter(encounter=encounter).values_list("service_type_id", "quantity"))
    after = {service_type.pk: quantity for service_type, quantity in values.services.items() if quantity > 0}
    old_month = month_of(timezone.localdate(encounter.happened_at))
    new_month = month_of(timezone.localdate(values.happened_at))
    if old_month == new_month:
        difference = {str(pk): after.get(pk, 0) - before.get(pk, 0) for pk in set(before) | set(after)}
        take_off_stock(team_id=encounter.team_id, month=new_month, given=difference)
        return
    take_off_stock(team_id=encounter.team_id, month=old_month, given={str(pk): -n for pk, n in before.items()})
    take_off_stock(team_id=encounter.team_id, month=new_month, given={str(pk): n for pk, n in after.items()})


def _replace_services(encounter: Encounter, services: dict[ServiceType, int]) -> None:
    """Two statements: drop what is no longer given, upsert the quantities of the rest."""
    kept = {service_type.pk: quantity for service_type, quantity in services.items() if quantity > 0}
    ServiceProvided.objects.filter(encounter=encounter).exclude(service_type_id__in=kept).delete()
    ServiceProvided.objects.bulk_create(
        [
            ServiceProvided(encounter=encounter, service_type_id=service_type_id, quantity=quantity)
            for service_type_id, quantity in kept.items()
        ],
        update_conflicts=True,
        unique_fields=["encounter", "service_type"],
        update_fields=["quantity"],
    )


def _follow_last_seen(client_id: Any, *, old: datetime, new: datetime) -> None:
    """A later time moves "last seen" forward; an earlier one moves it back only when this
    contact was the latest thing that set it (then: the person's latest contact)."""
    Client.objects.filter(pk=client_id).mark_seen(new)
    latest = Encounter.objects.filter(client_id=OuterRef("pk")).order_by("-happened_at").values("happened_at")[:1]
    Client.objects.filter(pk=client_id, last_seen_at=old).update(last_seen_at=Subquery(latest))
