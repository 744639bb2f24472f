"""Storing a planned import (imports/planning.py): the good rows through the one save path
of a contact, a batch at a time (`log_encounters`: each row checked and audited as
`log_encounter` does it, written in bulk), with an id made from the row's identity, so a
row stored once is found again ("already there") and never stored twice. Audited with the
counts.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from core.errors import Invalid
from core.scope import team_scope
from encounters.services.contacts import NewContact, log_encounters

from .planning import Plan, PlannedRow

BATCH = 1000


@dataclass(frozen=True)
class Imported:
    created: int
    already: int
    skipped_repeats: int
    bad_rows: int


def _contact(plan: Plan, row: PlannedRow, zone: tzinfo) -> NewContact:
    return NewContact(
        encounter_id=row.contact_id,
        team=plan.team,
        client=row.person,
        head_count=row.people,
        happened_at=datetime.combine(row.on, time(12), tzinfo=zone),
        site=row.site,
        kind=row.kind,
        services=row.services,
        note=row.note,
    )


def check_startable(*, plan: Plan, repeats: str) -> None:
    """Refuse (Invalid, in words) while the file itself has a problem (a column nobody can
    read, a date order to choose), or while it has identical rows and `repeats` does not say
    whether they are separate contacts ("keep") or one ("skip")."""
    if any(problem.row == 0 for problem in plan.problems):
        raise Invalid(_("The file has problems that concern every row; see the dry run."))
    if plan.date_order_needed:
        raise Invalid(_("Say whether the file's dates are day/month/year or month/day/year."))
    if plan.repeats and repeats not in {"keep", "skip"}:
        raise Invalid(_("Some rows are identical: say whether they are separate contacts (keep) or one (skip)."))


def rows_to_store(plan: Plan, repeats: str) -> list[PlannedRow]:
    return [row for row in plan.good if repeats != "skip" or row.occurrence == 1]


def import_contacts(
    *, actor: User, plan: Plan, repeats: str = "", progress: Callable[[int], None] | None = None
) -> Imported:
    """Store the plan's good rows as contacts of `plan.team` logged by `actor`.

    Refused (nothing stored) as `check_startable` says. Rows with problems are left out and
    counted. In batches of BATCH rows, each batch one transaction; `progress` (if given) is
    told how many rows are done after each.
    """
    check_startable(plan=plan, repeats=repeats)
    rows = rows_to_store(plan, repeats)
    created = already = 0
    zone = timezone.get_current_timezone()
    for start in range(0, len(rows), BATCH):
        # Each batch in its own transaction, scoped to the team the contacts go into
        # (row-level security, core/scope.py): from a command there is no other scope.
        with team_scope([plan.team.pk]):
            answers = log_encounters(
                actor=actor, contacts=[_contact(plan, row, zone) for row in rows[start : start + BATCH]]
            )
        created += sum(answer.created for answer in answers)
        already += sum(not answer.created for answer in answers)
        if progress is not None:
            progress(created + already)
    result = Imported(created, already, len(plan.good) - len(rows), len(plan.bad_rows))
    record(
        action=AuditEvent.Action.RECORDS_IMPORTED,
        actor=actor,
        target=plan.team,
        details={"kind": "contacts", "created": created, "already": already, "bad_rows": result.bad_rows},
    )
    return result
