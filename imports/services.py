"""Storing a planned import (imports/planning.py): the good rows through the one save path
of a contact, a batch at a time (`log_encounters`: each row checked and audited as
`log_encounter` does it, written in bulk), with an id made from the row's identity, so a
row stored once is found again ("already there") and never stored twice. Audited with the
counts.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.services.registration import NewPerson, register_clients
from core.errors import Invalid, NotFound
from core.scope import team_scope
from encounters.services.contacts import NewContact, log_encounters
from encounters.services.referrals import NewReferral

from .models import ImportJob
from .people import PeoplePlan, PlannedPerson, plan_people
from .planning import Plan, PlannedRow, plan_contacts
from .reading import file_type, read_bytes

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
        parts={"referral": _referral(row)} if row.referral is not None else None,
    )


def _referral(row: PlannedRow) -> NewReferral:
    assert row.referral is not None  # noqa: S101 (only called with one)
    to, status, follow_up_on = row.referral
    return NewReferral(to=to, status=status, follow_up_on=follow_up_on)


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


# People (imports/people.py): registered as the registration page registers them, their old
# code and aliases kept as aliases.

PEOPLE_BATCH = 1000


@dataclass(frozen=True)
class PeopleImported:
    created: int
    already: int
    left_out: int  # looked like someone recorded already, and the user chose to leave them out
    to_review: int  # looked like someone recorded already, recorded: in Possible duplicates
    bad_rows: int


def _new_person(plan: PeoplePlan, planned: PlannedPerson) -> NewPerson:
    return NewPerson(
        home_team=plan.team,
        preferred_name=planned.name,
        year_of_birth=planned.year_of_birth,
        gender=planned.gender,
        aliases=(planned.old_code, *planned.aliases),
    )


def check_people_startable(*, plan: PeoplePlan, lookalikes: str) -> None:
    if any(problem.row == 0 for problem in plan.problems):
        raise Invalid(_("The file has problems that concern every row; see the dry run."))
    if plan.lookalikes and lookalikes not in {"keep", "skip"}:
        raise Invalid(
            _(
                "Some people look like someone recorded already: say whether to record them anyway "
                "(keep; they are listed in Possible duplicates) or to leave them out (skip)."
            )
        )


def people_to_record(plan: PeoplePlan, lookalikes: str) -> list[PlannedPerson]:
    return [person for person in plan.new if lookalikes != "skip" or not person.lookalikes]


def import_people(
    *, actor: User, plan: PeoplePlan, lookalikes: str = "", progress: Callable[[int], None] | None = None
) -> PeopleImported:
    """Record the plan's new people in `plan.team`, each as the registration page does (a
    code of Alongside's own, the agreement to a record, audited), their old code and aliases
    added as aliases (audited), a batch at a time through `register_clients`, the one path
    of a registration (the page's `register_client` is a batch of one): a fixed number of
    statements per batch of PEOPLE_BATCH, each batch one transaction in the team's scope.
    People found recorded already (by old code) are counted, not touched."""
    check_people_startable(plan=plan, lookalikes=lookalikes)
    people = people_to_record(plan, lookalikes)
    done = 0
    for start in range(0, len(people), PEOPLE_BATCH):
        batch = people[start : start + PEOPLE_BATCH]
        with team_scope([plan.team.pk]):
            register_clients(actor=actor, people=[_new_person(plan, planned) for planned in batch])
        done += len(batch)
        if progress is not None:
            progress(done)
    to_review = sum(1 for person in people if person.lookalikes)
    result = PeopleImported(
        created=len(people),
        already=len(plan.good) - len(plan.new),
        left_out=len(plan.new) - len(people),
        to_review=to_review,
        bad_rows=len(plan.bad_rows),
    )
    record(
        action=AuditEvent.Action.RECORDS_IMPORTED,
        actor=actor,
        target=plan.team,
        details={
            "kind": "people",
            "created": result.created,
            "already": result.already,
            "left_out": result.left_out,
            "to_review": to_review,
            "bad_rows": result.bad_rows,
        },
    )
    return result


# The import page (imports/views.py): a file kept while it is checked, then a background job.

MAX_FILE_BYTES = 20 * 1024 * 1024


def upload_import(*, actor: User, team: Team, kind: str, name: str, data: bytes) -> ImportJob:
    """Keep an uploaded file for its check, with the mapping the team used last time for a
    file of this kind (what each column's words meant then). Only for a team the actor
    supervises (NotFound otherwise). The file's name is not kept (it can name a person)."""
    if team.pk not in actor.supervised_team_ids():
        raise NotFound
    if not data.strip():
        raise Invalid(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(_("The file is larger than 20 MB. Split it, or use the import command."))
    last = (
        ImportJob.objects.filter(team=team, kind=kind)
        .exclude(mapping={})
        .order_by("-created_at")
        .values_list("mapping", flat=True)
        .first()
    )
    return ImportJob.objects.create(
        team=team,
        created_by=actor,
        kind=kind,
        file_type=file_type(name),
        file_size=len(data),
        content=data,
        mapping=last or {},
    )


def plan_import(job: ImportJob) -> Plan | PeoplePlan:
    """The job's file read and checked against the team's catalogue, people and sites, with
    its mapping and date order: what the page shows and the job stores. Writes nothing."""
    rows = read_bytes(bytes(job.content), job.file_type)
    if job.kind == ImportJob.Kind.PEOPLE:
        return plan_people(team=job.team, rows=rows, mapping=job.mapping or None)
    referrals = job.kind == ImportJob.Kind.REFERRALS
    return plan_contacts(
        team=job.team, rows=rows, mapping=job.mapping or None, date_order=job.date_order, referrals=referrals
    )


def check_plan(plan: Plan | PeoplePlan, choice: str) -> int:
    """Refuse (Invalid) a plan that cannot start as `check_startable` says, for its kind;
    returns how many rows it would store."""
    if isinstance(plan, PeoplePlan):
        check_people_startable(plan=plan, lookalikes=choice)
        return len(people_to_record(plan, choice))
    check_startable(plan=plan, repeats=choice)
    return len(rows_to_store(plan, choice))


@transaction.atomic
def choose_import_mapping(
    *, actor: User, job: ImportJob, mapping: dict[str, str], date_order: str, repeats: str
) -> ImportJob:
    """Keep the user's choices for the file (each column's field, the date order, what
    identical rows are) while it is being checked."""
    if job.created_by_id != actor.pk or job.status != ImportJob.Status.CHECKING:
        raise NotFound
    job.mapping, job.date_order, job.repeats = mapping, date_order, repeats
    job.save(update_fields=["mapping", "date_order", "repeats"])
    return job
