"""The background refresh of the rollups: a task that runs every minute on the db_worker.

Each run takes in the pending changes (dashboards.rollups.refresh) and then enqueues the next
run a minute later, so a contact or check-in shows on the dashboards within about two
minutes (the issue asks for five). `manage.py refresh_rollups --schedule` starts the chain
(`make run` does; a deployment runs it once after `migrate`), and enqueues nothing when a
run is already waiting, so running it again, or two chains meeting, leaves one chain.

After the refresh, the organisation view's default year is built for the new hour if it is
not yet (hierarchy.build_ahead), so no data admin waits for that build.

A run that finds another refresh running (the command, on demand) skips its work and
still enqueues the next. Finished results of this task older than a day are deleted, so a
run a minute does not fill the task table.
"""

from datetime import datetime, timedelta
from typing import Any

from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.scope import EVERY_TEAM, team_scope

from . import hierarchy, rollups

EVERY = timedelta(minutes=1)
KEEP_RESULTS = timedelta(days=1)


@task()
def refresh_rollups() -> dict[str, Any]:
    try:
        with team_scope(EVERY_TEAM):  # the rollups count every team's contacts (core/scope.py)
            done = rollups.refresh(wait=False)
    finally:
        schedule()
    _prune()
    # The organisation view's figures of a new hour, built here rather than by the first data
    # admin to open the page (dashboards/hierarchy.py, REBUILT_EVERY): once an hour, seconds.
    hierarchy.build_ahead()
    return {
        "skipped": done.skipped,
        "pending": done.pending,
        "contact_cells": len(done.contact_cells),
        "people": len(done.people),
    }


def schedule(*, at: datetime | None = None) -> bool:
    """Enqueue the next run (in a minute, or `at`) unless one is already waiting."""
    waiting = DBTaskResult.objects.filter(task_path=refresh_rollups.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    refresh_rollups.using(run_after=at or timezone.now() + EVERY).enqueue()
    return True


def _prune() -> None:
    DBTaskResult.objects.filter(
        task_path=refresh_rollups.module_path,
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=timezone.now() - KEEP_RESULTS,
    ).delete()
