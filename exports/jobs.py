"""The export job: runs on the db_worker (exports/tasks.py), writes one zip.

For each dataset chosen, one COPY of the anonymising statement streams into the zip
(exports/writers.py); the aggregate report is built from a few grouped queries and
protected in Python; codebook.json and README.txt come last, with the privacy summary of
each file. The zip is written as
`<id>.part` in the worker's scratch folder and, once complete, stored in the database
(exports/storage.py, where every app node reaches it), so a half-written file is never
offered. Each dataset is written in one transaction (PgBouncer-safe), with no team in its
row-level scope: the rows come from definer functions (exports/datasets.py). Progress
(rows written) goes to the export's row through a second database connection, since the
job's own connection is busy streaming.
"""

import logging
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from psycopg2.sql import SQL, Composable

from accounts.models import Team
from audit.models import AuditEvent
from audit.services import record
from core.replica import REPLICA, reading_from, replica_block
from core.scope import team_scope
from dashboards.sources import Scope
from exports.models import Export

from . import aggregate, storage
from .codebook import codebook, codebook_json, readme
from .datasets import AGGREGATE, ROW_LEVEL, Dataset
from .privacy import CREATE_PRIVACY_TABLE, PRIVACY_TABLE, k_anonymous_select
from .writers import Progress, rows_to_csv_bytes, write_csv, write_xlsx

logger = logging.getLogger(__name__)


def export_root() -> Path:
    root = Path(settings.ALONGSIDE_EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def statement(
    dataset: Dataset, export: Export, *, summary: Literal["table", "none", "only"] = "table"
) -> tuple[Composable, dict[str, Any]]:
    """The COPY statement of one dataset and its parameters (also what bench/ times with psql);
    with summary="only", the SELECT of its privacy summary instead (exports/privacy.py)."""
    select = k_anonymous_select(
        base=dataset.select(dataset.period(export.period)),
        output=dataset.output(),
        period=dataset.period(export.period),
        k=export.k,
        sensitive=dataset.sensitive,
        quasi=dataset.quasi,
        partition=dataset.partition,
        released=dataset.released,
        levels=dataset.ladder(export.period),
        summary=summary,
    )
    params = {
        "zone": timezone.get_current_timezone_name(),
        "teams": [str(team) for team in export.team_ids],
        "starts": _starts(export),
        "ends": _ends(export),
    }
    if summary == "only":
        return select, params
    return SQL("COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)").format(select=select), params


def _starts(export: Export) -> Any:
    return Scope((), export.first_month, export.last_month).starts


def _ends(export: Export) -> Any:
    return Scope((), export.first_month, export.last_month).ends


class _ProgressNotes:
    """Writes rows_written to the export's row on a connection of its own (autocommit)."""

    def __init__(self, export: Export) -> None:
        self.export_id = export.pk
        self.base = 0
        self._connection: Any = None

    def __call__(self, rows: int) -> None:
        try:
            if self._connection is None:
                self._connection = connections.create_connection("default")
            with self._connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE reports_export SET rows_written = %s WHERE id = %s", [self.base + rows, self.export_id]
                )
        except Exception:  # progress is a nicety: never fail the export for it
            logger.warning("export progress note failed", exc_info=True)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def _privacy_summary(export: Export, dataset: Dataset, found: dict[int, tuple[int, int | None]]) -> dict[str, Any]:
    """The codebook's privacy summary from the rows and smallest group kept at each level."""
    levels = dataset.ladder(export.period)
    kept = [found.get(index, (0, None)) for index in range(len(levels))]
    smallest = [s for rows, s in kept if rows and s is not None]
    summary = {
        "k_required": export.k,
        "k_achieved": min(smallest) if smallest else None,
        "rows_as_chosen": int(kept[0][0] or 0),
        "rows_suppressed": int((found.get(len(levels), (0, None))[0]) or 0),
    }
    for index, level in enumerate(levels[1:], start=1):
        summary["rows_generalised_" + level.name.replace(" ", "_")] = int(kept[index][0] or 0)
    return summary


def _write_dataset(archive: zipfile.ZipFile, export: Export, dataset: Dataset, progress: Progress) -> dict[str, Any]:
    """One dataset, in one transaction: behind PgBouncer in transaction mode the temporary
    privacy table, the COPY that fills it and the read of it must share a server connection.
    On the replica (chosen by `run`), which accepts no writes at all, the summary is a second
    read in the same REPEATABLE READ snapshot as the rows instead."""
    alias = reading_from() or DEFAULT_DB_ALIAS
    database = connections[alias]
    # A cursor outside the transaction first: Django's connection health check ("SELECT 1")
    # runs then, not as the transaction's first statement (SET TRANSACTION must come first).
    database.cursor().close()
    # Built first: a dataset's SELECT may look things up (also not inside the transaction).
    sql, params = statement(dataset, export, summary="none" if alias == REPLICA else "table")
    summary_sql = statement(dataset, export, summary="only") if alias == REPLICA else None
    with transaction.atomic(using=alias), database.cursor() as cursor:
        if summary_sql is not None:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # No team in the transaction's row-level scope (core/scope.py): the dataset's rows come
        # from its definer function (core/definer.py), for the export's teams, with no name,
        # note or person link; nothing else this transaction runs reaches a team's rows.
        with team_scope([], using=alias):
            if summary_sql is not None:
                cursor.execute(*summary_sql)
                found = {level: (rows, smallest) for level, rows, smallest in cursor.fetchall()}
            else:
                cursor.execute(CREATE_PRIVACY_TABLE)
                cursor.execute(SQL("DELETE FROM {table}").format(table=PRIVACY_TABLE))
            copy_sql = cursor.mogrify(sql, params).decode()

            def copy(target: Any) -> None:
                cursor.copy_expert(copy_sql, target)

            name = f"{dataset.file_stem}.{export.format}"
            sheets = None
            if export.format == Export.Format.XLSX:
                numeric = [column.numeric for column in dataset.columns()]
                rows, sheets = write_xlsx(archive, name, dataset.key, numeric, copy, progress, export_root())
            else:
                rows = write_csv(archive, name, copy, progress)
            if alias != REPLICA:
                summarised = SQL("SELECT level, rows, smallest FROM {table} ORDER BY level")
                cursor.execute(summarised.format(table=PRIVACY_TABLE))
                found = {level: (rows, smallest) for level, rows, smallest in cursor.fetchall()}
    entry: dict[str, Any] = {"file": name, "rows": rows, "privacy": _privacy_summary(export, dataset, found)}
    if sheets is not None:
        entry["sheets"] = sheets
    return entry


def _write_aggregate(archive: zipfile.ZipFile, export: Export, progress: Progress) -> dict[str, Any]:
    report = aggregate.build(team_ids=export.team_ids, first=export.first_month, last=export.last_month)
    data = rows_to_csv_bytes([report.header, *report.rows])

    def copy(target: Any) -> None:
        target.write(data)

    name = f"aggregate_report.{export.format}"
    if export.format == Export.Format.XLSX:
        numeric = [False, False] + [True] * (len(report.header) - 2)
        write_xlsx(archive, name, "aggregate", numeric, copy, progress, export_root())
    else:
        write_csv(archive, name, copy, progress)
    return {
        "file": name,
        "rows": len(report.rows),
        "privacy": report.privacy,
    }


def run(export_id: UUID) -> dict[str, Any]:
    """Write the export's zip. Returns counts only (the task result is kept in the database)."""
    # Queued -> running in one conditional UPDATE: a task delivered twice (a worker lost and
    # its task handed out again, two workers) finds the export no longer queued and stops.
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(
        status=Export.Status.RUNNING, started_at=timezone.now()
    )
    export = Export.objects.select_related("created_by").get(pk=export_id)
    if not claimed:
        return {"skipped": export.status}
    root = export_root()
    part = root / f"{export.pk}.part"
    notes = _ProgressNotes(export)
    progress = Progress(notes)
    summary: dict[str, Any] = {}
    try:
        with (
            # The datasets and the aggregate read from the replica unless it lags (core/replica.py).
            replica_block(),
            translation.override(settings.LANGUAGE_CODE),
            zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True) as archive,
        ):
            for done, name in enumerate(export.datasets):
                Export.objects.filter(pk=export.pk).update(step=name, steps_done=done)
                notes.base = progress.rows
                if name == AGGREGATE:
                    summary[name] = _write_aggregate(archive, export, progress)
                else:
                    summary[name] = _write_dataset(archive, export, ROW_LEVEL[name], progress)
            export.finished_at = timezone.now()
            names = list(Team.objects.filter(pk__in=export.team_ids).order_by("name").values_list("name", flat=True))
            data = codebook(export, team_names=names, summary=summary)
            archive.writestr("codebook.json", codebook_json(data))
            archive.writestr("README.txt", readme(data))
        size = storage.store(export.pk, part)
    except BaseException:
        part.unlink(missing_ok=True)
        Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED, finished_at=timezone.now(), step="")
        raise
    finally:
        part.unlink(missing_ok=True)  # stored in the database (exports/storage.py), or failed
        notes.close()
        with connection.cursor() as cursor:
            cursor.execute(SQL("DROP TABLE IF EXISTS {table}").format(table=PRIVACY_TABLE))
    rows = {name: entry["rows"] for name, entry in summary.items()}
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.DONE,
        step="",
        steps_done=len(export.datasets),
        rows_written=sum(rows.values()),
        finished_at=export.finished_at,
        expires_at=export.finished_at + timedelta(days=settings.ALONGSIDE_EXPORT_DAYS),
        file_name=f"{export.pk}.zip",
        file_size=size,
        summary=summary,
    )
    record(
        action=AuditEvent.Action.EXPORT_FINISHED,
        actor=export.created_by,  # the job acts for the data admin who started it
        target=export,
        details={"rows": rows, "privacy": {name: entry["privacy"] for name, entry in summary.items()}},
    )
    return {"rows": rows}


def delete_expired(*, now: Any = None) -> int:
    """Delete the files of exports past their time; the rows stay (as expired), so the list
    and the audit trail still say what was made. Returns how many were deleted."""
    now = now or timezone.now()
    expired = list(Export.objects.filter(expires_at__lte=now).exclude(file_name="").values_list("pk", flat=True))
    for pk in expired:
        with transaction.atomic():
            storage.delete(pk)
            Export.objects.filter(pk=pk).update(status=Export.Status.EXPIRED, file_name="", file_size=0)
    return len(expired)
