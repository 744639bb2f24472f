"""Starting an export and handing over its file: the audited actions of exports/."""

from datetime import date
from uuid import UUID

from django.db import transaction

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from exports.models import Export
from privacy.models import Release, record_release

from .tasks import run_export, schedule_expiry


def _parameters(export: Export) -> dict[str, object]:
    return {
        "datasets": list(export.datasets),
        "teams": [str(team) for team in export.team_ids],
        "from": f"{export.first_month:%Y-%m}",
        "to": f"{export.last_month:%Y-%m}",
        "period": export.period,
        "format": export.format,
        "k": export.k,
    }


@transaction.atomic
def start_export(
    *,
    actor: User,
    datasets: list[str],
    team_ids: list[UUID],
    first_month: date,
    last_month: date,
    period: str,
    file_format: str,
    k: int,
) -> Export:
    """Note the export, audit it with its parameters, and queue the job (after commit, so the
    worker finds the row)."""
    export = Export.objects.create(
        created_by=actor,
        datasets=datasets,
        team_ids=team_ids,
        first_month=first_month,
        last_month=last_month,
        period=period,
        format=file_format,
        k=k,
    )
    record(action=AuditEvent.Action.EXPORT_STARTED, actor=actor, target=export, details=_parameters(export))
    record_release(actor_id=actor.pk, kind=Release.Kind.EXPORT, parameters=_parameters(export))
    result = run_export.enqueue(str(export.pk))
    Export.objects.filter(pk=export.pk).update(task_id=result.id)
    export.task_id = result.id
    schedule_expiry()
    return export


def record_download(*, actor: User, export: Export) -> None:
    rows = {name: entry.get("rows", 0) for name, entry in export.summary.items()}
    record(
        action=AuditEvent.Action.EXPORT_DOWNLOADED,
        actor=actor,
        target=export,
        details={**_parameters(export), "rows": rows, "bytes": export.file_size},
    )
