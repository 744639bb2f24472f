"""A team's stock of supplies: deliveries received, counts that adjust it, reorder levels,
what is low, and the monthly report (received, given, adjusted, on hand).

What contacts give is taken off in the contact's save path
(encounters.services.supplies.record_stock_given); here are the supervisors' changes. Each
changes `StockLevel.on_hand` in one UPDATE under the row's lock and adds to the month's
`StockMonth` row, so on hand is always received - given + adjusted, exactly.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from core.dates import add_months
from core.errors import Invalid, NotFound
from core.notices import Notice

from ..models import ServiceType, StockChange, StockLevel, StockMonth
from .supplies import month_of

MAX_STOCK = 1_000_000


def _check(actor: User, team: Team) -> None:
    if team.pk not in actor.supervised_team_ids():
        raise NotFound


def _level(team: Team, service_type: ServiceType) -> StockLevel:
    """The team's row for the item, made on first use, locked for this transaction."""
    StockLevel.objects.get_or_create(team=team, service_type=service_type)
    return StockLevel.objects.select_for_update().get(team=team, service_type=service_type)


def _add_to_month(team: Team, service_type: ServiceType, on: date, **amounts: int) -> None:
    month = month_of(on)
    row, _created = StockMonth.objects.get_or_create(team=team, service_type=service_type, month=month)
    StockMonth.objects.filter(pk=row.pk).update(**{name: F(name) + value for name, value in amounts.items()})


@transaction.atomic
def receive_delivery(
    *, actor: User, team: Team, service_type: ServiceType, quantity: int, on: date, delivery: str = ""
) -> StockChange:
    """A delivery of `quantity` of an item, received on `on` (from then on the team keeps its stock)."""
    _check(actor, team)
    if not 1 <= quantity <= MAX_STOCK:
        raise Invalid(_("A delivery needs a quantity from 1 to %(most)s.") % {"most": MAX_STOCK})
    level = _level(team, service_type)
    StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + quantity)
    _add_to_month(team, service_type, on, received=quantity)
    change = StockChange.objects.create(
        team=team,
        service_type=service_type,
        kind=StockChange.Kind.RECEIVED,
        quantity=quantity,
        on=on,
        delivery=delivery,
        created_by=actor,
    )
    record(action=AuditEvent.Action.STOCK_CHANGED, actor=actor, target=change, details={"kind": change.kind})
    return change


@transaction.atomic
def adjust_count(
    *, actor: User, team: Team, service_type: ServiceType, counted: int, reason: str, on: date
) -> StockChange:
    """The item was counted: on hand becomes `counted`, and the difference is an adjustment with its reason."""
    _check(actor, team)
    if not 0 <= counted <= MAX_STOCK:
        raise Invalid(_("A count is a number from 0 to %(most)s.") % {"most": MAX_STOCK})
    if not reason.strip():
        raise Invalid(_("Say why the count differs (for example: expired, damaged, found)."))
    level = _level(team, service_type)
    difference = counted - level.on_hand
    StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + difference)
    _add_to_month(team, service_type, on, adjusted=difference)
    change = StockChange.objects.create(
        team=team,
        service_type=service_type,
        kind=StockChange.Kind.ADJUSTED,
        quantity=difference,
        counted=counted,
        on=on,
        reason=reason.strip(),
        created_by=actor,
    )
    record(action=AuditEvent.Action.STOCK_CHANGED, actor=actor, target=change, details={"kind": change.kind})
    return change


@transaction.atomic
def set_reorder_level(*, actor: User, team: Team, service_type: ServiceType, level: int) -> StockLevel:
    _check(actor, team)
    if not 0 <= level <= MAX_STOCK:
        raise Invalid(_("A reorder level is a number from 0 to %(most)s.") % {"most": MAX_STOCK})
    row = _level(team, service_type)
    StockLevel.objects.filter(pk=row.pk).update(reorder_level=level)
    row.reorder_level = level
    record(action=AuditEvent.Action.STOCK_CHANGED, actor=actor, target=row, details={"kind": "reorder_level"})
    return row


def low_stock(team_ids: list[Any]) -> list[StockLevel]:
    """Items below their team's reorder level, for Home (one query)."""
    return list(
        StockLevel.objects.filter(team_id__in=team_ids, on_hand__lt=F("reorder_level"))
        .select_related("service_type", "team")
        .order_by("team__name", "service_type__order")
    )


@dataclass(frozen=True)
class StockLine:
    service_type: ServiceType
    received: int
    given: int
    adjusted: int
    on_hand_at_end: int


def monthly_report(team: Team, month: date) -> list[StockLine]:
    """Each item the team keeps stock of: the month's received, given and adjusted, and on
    hand at the end of the month (now, less what moved since). Two queries."""
    levels = {
        level.service_type_id: level for level in StockLevel.objects.filter(team=team).select_related("service_type")
    }
    after = add_months(month, 1)
    moved: dict[object, list[int]] = {pk: [0, 0, 0, 0] for pk in levels}
    for row in StockMonth.objects.filter(team=team, month__gte=month, service_type_id__in=list(levels)):
        totals = moved[row.service_type_id]
        net = row.received - row.given + row.adjusted
        if row.month < after:
            totals[0] += row.received
            totals[1] += row.given
            totals[2] += row.adjusted
        else:
            totals[3] += net
    lines = [
        StockLine(level.service_type, moved[pk][0], moved[pk][1], moved[pk][2], level.on_hand - moved[pk][3])
        for pk, level in levels.items()
    ]
    return sorted(lines, key=lambda line: (line.service_type.order, line.service_type.name))


def low_stock_notices(user: User) -> list[Notice]:
    """Home's warnings: items of the user's teams below their reorder level (one query; none
    for a user in no team). Supervisors' warnings link to the stock page."""
    if not user.is_authenticated or not user.team_ids:
        return []
    link = reverse("encounters:stock") if user.supervised_team_ids() else ""
    several = len(user.team_ids) > 1
    notices = []
    for level in low_stock(user.team_ids):
        values = {"item": level.service_type.label, "on_hand": level.on_hand, "level": level.reorder_level}
        text = _("Running low: %(item)s, %(on_hand)s left (reorder at %(level)s).") % values
        if several:
            text = f"{level.team.name}: {text}"
        notices.append(Notice(text, link))
    return notices
