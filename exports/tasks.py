"""Background tasks of the exports, run by `manage.py db_worker` (django-tasks-db).

- `run_export`: writes one export (exports/jobs.py). Enqueued by
  `services.start_export`, which also makes sure the expiry chain is running.
- `delete_expired_exports`: deletes the files of expired exports, then enqueues itself an
  hour later while any export still has a file, so the chain runs only while there is
  something to delete and starts again with the next export. The download view refuses
  an expired export whether or not its file is gone yet.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from exports.models import Export

from . import jobs

EVERY = timedelta(hours=1)


@task()
def run_export(export_id: str) -> dict[str, Any]:
    return jobs.run(UUID(export_id))


@task()
def delete_expired_exports() -> dict[str, int]:
    deleted = jobs.delete_expired()
    if Export.objects.exclude(file_name="").exists():
        schedule_expiry(at=timezone.now() + EVERY)
    return {"deleted": deleted}


def schedule_expiry(*, at: datetime | None = None) -> bool:
    """Enqueue the expiry job unless one is already waiting."""
    waiting = DBTaskResult.objects.filter(task_path=delete_expired_exports.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    delete_expired_exports.using(run_after=at or timezone.now() + EVERY).enqueue()
    return True
