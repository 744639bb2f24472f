"""The import job: started from the import page, run by the worker (`manage.py db_worker`,
django-tasks-db), as the exports' jobs are.

`start_import` checks the file once more with the user's choices, marks the job queued,
audits it with its counts and enqueues `run_import`. The worker claims the job with one
conditional UPDATE (queued to running), so a task delivered twice runs once, then stores
the rows through `imports.services.import_contacts` (the one save path of a contact, a
batch at a time), noting the rows done after each batch for the page's progress bar. When
it ends, the file is emptied from the database: the counts stay.
"""

from typing import Any
from uuid import UUID

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from core.errors import DomainError, Invalid, NotFound
from core.scope import team_scope

from .models import ImportJob
from .services import check_startable, import_contacts, plan_import, rows_to_store


@transaction.atomic
def start_import(*, actor: User, job: ImportJob) -> ImportJob:
    """Check the file once more with the choices made, then queue the import for the worker
    (`run_import`). Audited with the counts the check found (no data)."""
    if job.created_by_id != actor.pk or job.team_id not in actor.supervised_team_ids():
        raise NotFound
    if job.status != ImportJob.Status.CHECKING:
        raise Invalid(_("This import has started already."))
    plan = plan_import(job)
    check_startable(plan=plan, repeats=job.repeats)
    rows = rows_to_store(plan, job.repeats)
    if not rows:
        raise Invalid(_("No row of the file can be imported; see the problems listed."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKING).update(
        status=ImportJob.Status.QUEUED, rows_total=len(rows), bad_rows=len(plan.bad_rows)
    )
    if not claimed:
        raise Invalid(_("This import has started already."))
    record(
        action=AuditEvent.Action.IMPORT_STARTED,
        actor=actor,
        target=job,
        details={"kind": job.kind, "team": str(job.team_id), "rows": len(rows), "bad_rows": len(plan.bad_rows)},
    )
    result = run_import.enqueue(str(job.pk))
    ImportJob.objects.filter(pk=job.pk).update(task_id=result.id)
    job.refresh_from_db()
    return job


@task()
def run_import(import_id: str) -> dict[str, Any]:
    return run(UUID(import_id))


def run(import_id: UUID) -> dict[str, Any]:
    """Store a queued import's rows (see the module). Returns its counts, or why it was skipped."""
    claimed = ImportJob.objects.filter(pk=import_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return {"skipped": ImportJob.objects.filter(pk=import_id).values_list("status", flat=True).first() or ""}
    job = ImportJob.objects.select_related("team", "created_by").get(pk=import_id)
    done = ImportJob.objects.filter(pk=import_id)
    try:
        with team_scope([job.team_id]):  # the team's people and sites, whom the rows name
            plan = plan_import(job)
        done.update(rows_total=len(rows_to_store(plan, job.repeats)), bad_rows=len(plan.bad_rows))
        result = import_contacts(
            actor=job.created_by, plan=plan, repeats=job.repeats, progress=lambda rows: _progress(done, rows)
        )
    except DomainError as error:
        _stop(done, str(error.message))
        return {"failed": str(error.message)}
    except Exception:
        _stop(
            done,
            _("The import stopped on an error. The rows stored so far stay stored: start it again to store the rest."),
        )
        raise
    done.update(
        status=ImportJob.Status.DONE,
        rows_done=result.created + result.already,
        created=result.created,
        already=result.already,
        skipped_repeats=result.skipped_repeats,
        bad_rows=result.bad_rows,
        finished_at=timezone.now(),
        content=b"",
    )
    return {"created": result.created, "already": result.already, "bad_rows": result.bad_rows}


def _stop(job: Any, message: str) -> None:
    """The job failed: say why (in words, no data) and empty its file."""
    job.update(status=ImportJob.Status.FAILED, message=message[:300], finished_at=timezone.now(), content=b"")


def _progress(job: Any, rows: int) -> None:
    job.update(rows_done=rows)
