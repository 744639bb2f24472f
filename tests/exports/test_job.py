"""The export job end to end on the real worker: files, codebook, summary, audit."""

import csv
import io
import json
from pathlib import Path

import pytest

from accounts.models import User
from exports.datasets import AGGREGATE, ROW_LEVEL
from exports.models import Export

from .conftest import Programme, new_export, open_zip, run_worker

pytestmark = pytest.mark.django_db

EVERYTHING = [*ROW_LEVEL, AGGREGATE]


def test_a_csv_export_writes_every_dataset_with_its_codebook(
    programme: Programme, data_admin: User, export_root: Path
) -> None:
    export = new_export(data_admin, programme.teams, EVERYTHING, k=5)
    assert export.status == Export.Status.QUEUED
    run_worker()
    archive = open_zip(export, export_root)
    names = set(archive.namelist())
    assert names == {f"{ROW_LEVEL[key].file_stem}.csv" for key in ROW_LEVEL} | {
        "aggregate_report.csv",
        "codebook.json",
        "README.txt",
    }
    contacts = list(csv.DictReader(io.StringIO(archive.read("contacts.csv").decode())))
    assert contacts
    codebook = json.loads(archive.read("codebook.json"))
    assert codebook["export"]["k"] == 5
    assert codebook["datasets"]["contacts"]["rows"] == len(contacts)
    print(codebook["datasets"]["contacts"]["privacy"])
    print(archive.read("aggregate_report.csv").decode()[:2000])
    print(archive.read("README.txt").decode())


def test_an_export_task_delivered_twice_runs_once(programme: Programme, data_admin: User, export_root: Path) -> None:
    """Issue 14: the same export's task handed to the worker twice (a lost worker's task given
    out again, two workers) writes one file, audits one finish: the job claims the export with
    one conditional UPDATE (queued -> running) and the second delivery finds it taken."""
    from django_tasks_db.models import DBTaskResult

    from audit.models import AuditEvent
    from exports.tasks import run_export

    export = new_export(data_admin, programme.teams, ["referrals"], k=5)
    run_export.enqueue(str(export.pk))  # the second delivery
    assert DBTaskResult.objects.filter(task_path=run_export.module_path).count() == 2
    run_worker()
    results = [result.return_value or {} for result in DBTaskResult.objects.filter(task_path=run_export.module_path)]
    assert len([result for result in results if "skipped" in result]) == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_FINISHED).count() == 1
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    assert open_zip(export, export_root).namelist()  # one file, stored once
