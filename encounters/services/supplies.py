"""Supplies for others and reported reversals at a contact, and stock accounting.

Both are parts of a contact (encounters/parts.py), saved by the one save path
(`log_encounter`) in the contact's transaction, with an anonymous contact too, and both may
be recorded by a distribution volunteer (accounts/roles.py). What a contact gives (to the
person and for others) is taken off the team's stock there as well (`record_stock_given`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from core.errors import Invalid

from ..models import (
    MAX_DOSES,
    MAX_HEAD_COUNT,
    MAX_QUANTITY,
    Encounter,
    ForOthers,
    ForOthersItem,
    ReportedReversal,
    ServiceType,
)


def month_of(day: date) -> date:
    return day.replace(day=1)


# A part: supplies for others (secondary distribution).


@dataclass(frozen=True)
class SuppliesForOthers:
    """What was taken for others ({service slug: quantity}) and about how many people it is for."""

    items: tuple[tuple[str, int], ...]
    people: int

    def __bool__(self) -> bool:
        return bool(self.items)


def save_for_others_part(*, actor: User, encounter: Encounter, data: SuppliesForOthers | None) -> None:
    if not data:
        return
    if not 1 <= data.people <= MAX_HEAD_COUNT:
        raise Invalid(_("Say about how many people the supplies are for (1 to %(most)s).") % {"most": MAX_HEAD_COUNT})
    quantities = dict(data.items)
    if len(quantities) != len(data.items) or any(not 1 <= quantity <= MAX_QUANTITY for quantity in quantities.values()):
        raise Invalid(_("Each supply for others needs a quantity from 1 to %(most)s.") % {"most": MAX_QUANTITY})
    types = {
        service_type.slug: service_type
        for service_type in ServiceType.objects.filter(slug__in=quantities, is_active=True, counts_quantity=True)
    }
    if len(types) != len(quantities):
        raise Invalid(_("A supply for others is not in the catalogue (or is out of use). Check it and save again."))
    made = ForOthers.objects.create(
        encounter=encounter, team=encounter.team, happened_at=encounter.happened_at, people=data.people
    )
    ForOthersItem.objects.bulk_create(
        ForOthersItem(for_others=made, service_type=types[slug], quantity=quantity)
        for slug, quantity in sorted(quantities.items())
    )
    record(
        action=AuditEvent.Action.FOR_OTHERS_RECORDED,
        actor=actor,
        target=encounter,
        client_id=encounter.client_id,
        details={"items": len(quantities)},
    )


def for_others_canonical(data: SuppliesForOthers) -> dict[str, Any]:
    return {"items": dict(sorted(data.items)), "people": data.people}


def stored_for_others(encounter: Encounter) -> dict[str, Any] | None:
    made = ForOthers.objects.filter(encounter=encounter).first()
    if made is None:
        return None
    rows = ForOthersItem.objects.filter(for_others=made).values_list("service_type__slug", "quantity")
    return for_others_canonical(SuppliesForOthers(items=tuple(rows), people=made.people))


# A part: a reversal the person reports (never linked to them or to the contact).


@dataclass(frozen=True)
class ReversalReport:
    naloxone_doses: int | None
    outcome: str
    emergency_services: str


def save_reversal_part(*, actor: User, encounter: Encounter, data: ReversalReport | None) -> None:
    """Kept by team, month and area only: no person, no contact, no day, no site, no reporter."""
    if data is None:
        return
    if data.outcome not in ReportedReversal.Outcome.values:
        raise Invalid(_("Choose what happened to the person: survived, died or not known."))
    if data.emergency_services not in ReportedReversal.EmergencyServices.values:
        raise Invalid(_("Say whether emergency services were called."))
    if data.naloxone_doses is not None and not 0 <= data.naloxone_doses <= MAX_DOSES:
        raise Invalid(_("Naloxone doses: a number from 0 to %(most)s, or leave it empty.") % {"most": MAX_DOSES})
    site = encounter.site
    report = ReportedReversal.objects.create(
        team=encounter.team,
        month=month_of(timezone.localdate(encounter.happened_at)),
        area=site.area if site is not None else "",
        naloxone_doses=data.naloxone_doses,
        outcome=data.outcome,
        emergency_services=data.emergency_services,
    )
    # The audit event names the report only: not the contact, not the person.
    record(action=AuditEvent.Action.REVERSAL_REPORTED, actor=actor, target=report, client_id=None)


def reversal_canonical(data: ReversalReport) -> dict[str, Any]:
    return {
        "naloxone_doses": data.naloxone_doses,
        "outcome": data.outcome,
        "emergency_services": data.emergency_services,
    }


def stored_reversal(encounter: Encounter) -> None:
    """Nothing: a report is never linked to the contact it came with (see the module)."""
    return None


# Stock: what a contact gives comes off the team's stock, in the contact's transaction.

GIVEN_SQL = """
WITH given(service_type_id, month, quantity) AS (
    SELECT * FROM unnest(%(types)s::uuid[], %(months)s::date[], %(quantities)s::int[])
),
totals AS (SELECT service_type_id, sum(quantity)::int AS quantity FROM given GROUP BY service_type_id),
locked AS (
    SELECT stock.id, totals.service_type_id, totals.quantity
    FROM encounters_stocklevel stock JOIN totals USING (service_type_id)
    WHERE stock.team_id = %(team)s
    ORDER BY stock.service_type_id
    FOR UPDATE OF stock
),
taken AS (
    UPDATE encounters_stocklevel stock SET on_hand = stock.on_hand - locked.quantity
    FROM locked WHERE stock.id = locked.id
    RETURNING locked.service_type_id
)
INSERT INTO encounters_stockmonth (team_id, service_type_id, month, received, given, adjusted)
SELECT %(team)s, given.service_type_id, given.month, 0, given.quantity, 0
FROM given JOIN taken USING (service_type_id) ORDER BY given.service_type_id, given.month
ON CONFLICT (team_id, service_type_id, month)
DO UPDATE SET given = encounters_stockmonth.given + EXCLUDED.given
"""


# What one contact gave: its services, and its part of supplies for others (if any).
Given = tuple[Encounter, Mapping[ServiceType, int], Mapping[str, Any]]


def record_stock_given(*, encounter: Encounter, services: Mapping[ServiceType, int], parts: Mapping[str, Any]) -> None:
    """Take what the contact gave (to the person, and for others) off the team's stock."""
    record_stock_given_by_contacts(contacts=[(encounter, services, parts)])


def record_stock_given_by_contacts(*, contacts: Sequence[Given]) -> None:
    """Take what the contacts gave (to the person, and for others) off their teams' stock.

    One statement per team, whatever the number of contacts and items: items the team does
    not keep stock of are left alone. The stock rows are locked in one order (by item), so two
    contacts drawing the same items wait for each other instead of deadlocking, and each
    subtracts from the count the other left: the count is never wrong. What is given is added
    to each item's month (the month of each contact).
    """
    slugs = {slug for _e, _s, parts in contacts if parts.get("for_others") for slug, _n in parts["for_others"].items}
    ids = dict(ServiceType.objects.filter(slug__in=slugs).values_list("slug", "pk")) if slugs else {}
    by_team: dict[Any, dict[tuple[str, date], int]] = {}
    for encounter, services, parts in contacts:
        given = by_team.setdefault(encounter.team_id, {})
        month = month_of(timezone.localdate(encounter.happened_at))
        for service_type, quantity in services.items():
            if quantity > 0:
                given[(str(service_type.pk), month)] = given.get((str(service_type.pk), month), 0) + quantity
        for_others = parts.get("for_others")
        for slug, quantity in for_others.items if for_others else ():
            if slug in ids:
                given[(str(ids[slug]), month)] = given.get((str(ids[slug]), month), 0) + quantity
    for team, given in sorted(by_team.items(), key=lambda item: str(item[0])):
        _take_off(team_id=team, given=given)


def take_off_stock(*, team_id: Any, month: date, given: Mapping[str, int]) -> None:
    """Take `given` ({service type id: quantity}) off the team's stock and add it to the
    month's given; a negative quantity puts it back (a correction that gave less). Through
    the one statement every change of what contacts gave goes through (see
    record_stock_given_by_contacts)."""
    _take_off(team_id=team_id, given={(key, month): quantity for key, quantity in given.items()})


def _take_off(*, team_id: Any, given: Mapping[tuple[str, date], int]) -> None:
    """GIVEN_SQL for one team: {(service type id, month): quantity}."""
    given = {key: quantity for key, quantity in given.items() if quantity}
    if not given:
        return
    keys = sorted(given)
    params: dict[str, Any] = {
        "types": [key[0] for key in keys],
        "months": [key[1] for key in keys],
        "quantities": [given[key] for key in keys],
        "team": team_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(GIVEN_SQL, params)
