"""`python -m bench.export`: an anonymised export of every contact at 2,000,000 contacts,
timed against PostgreSQL's own COPY of the same statement, with the worker's peak memory.

Its own database, `alongside_bench_export`, made and seeded as `make bench` makes its full
scale (bench/run.py `prepare`, bench/seed.py), so it never disturbs the page benchmarks.
Then, in turns on the same server:

1. psql runs `COPY (<the export's anonymising statement>) TO STDOUT` into /dev/null: the
   same SELECT the job streams (pseudonyms, age bands, months, areas, k-anonymity and the
   privacy summary), with a key of its own;
2. the export itself: an Export of every contact of every team over the seeded three
   years (CSV, months, k = 11) is queued through Django's tasks framework and run by a
   real `manage.py db_worker --batch` process, whose peak resident memory (VmHWM) is read
   from /proc while it runs; its time is the job's own (started_at to finished_at);
3. psql's COPY again (the figure is the mean of the two).

Writes to bench/results.json (merged): `export_rows_per_s`, `copy_rows_per_s`,
`export_over_copy` (target at least 0.7), `export_peak_mb` (target at most 150),
`export_rows`, `export_seconds`, `copy_seconds`, `export_file_mb`. Exits 1 when a target
is missed. SCALE=0.1 for a quick run (do not commit its figures); BENCH_REUSE=1 keeps a
database seeded with the same plan.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import RESULTS, ROOT, Scale, database_url, django_env, prepare, say

MIN_RATIO = 0.7
MAX_PEAK_MB = 150.0


def child(mode: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.export", mode, *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def psql_copy(url: str, sql_file: Path) -> float:
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(sql_file)], check=True, stdout=sink)
    return time.perf_counter() - started


def run_worker(env: dict[str, str]) -> float:
    """The worker until the queue is empty; its peak resident memory in MB."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
    )
    peak_kb = 0
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)
    if process.returncode != 0:
        raise SystemExit(f"db_worker failed ({process.returncode})")
    return peak_kb / 1024


def main() -> int:
    factor = float(os.environ.get("SCALE", "1"))
    url, started = database_url()
    try:
        scale = Scale("export", factor, url)
        prepare(scale, reuse=os.environ.get("BENCH_REUSE", "") == "1")
        with tempfile.TemporaryDirectory(prefix="alongside-export-bench-") as scratch:
            env = {**django_env(scale.url), "ALONGSIDE_EXPORT_ROOT": scratch}
            queued = child("--queue", env)
            sql_file = Path(scratch) / "copy.sql"
            sql_file.write_text(queued["sql"])
            say(f"exporting {queued['contacts']:,} contacts ({queued['months']} months, every team)")
            first = psql_copy(scale.url, sql_file)
            peak_mb = run_worker(env)
            second = psql_copy(scale.url, sql_file)
            done = child("--report", env, queued["export"])
        copy_seconds = (first + second) / 2
        rows = done["rows"]
        results = {
            "export_rows": rows,
            "export_seconds": round(done["seconds"], 2),
            "copy_seconds": round(copy_seconds, 2),
            "export_rows_per_s": round(rows / done["seconds"]),
            "copy_rows_per_s": round(rows / copy_seconds),
            "export_over_copy": round(copy_seconds / done["seconds"], 3),
            "export_peak_mb": round(peak_mb, 1),
            "export_file_mb": round(done["bytes"] / 1e6, 1),
            "export_bench_contacts": queued["contacts"],
        }
        for name, value in results.items():
            say(f"  {name:<24}{value}")
        existing: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        RESULTS.write_text(json.dumps({**existing, **results}, indent=2) + "\n")
        say(f"written to {RESULTS.relative_to(ROOT)}")
        missed = []
        if results["export_over_copy"] < MIN_RATIO:
            missed.append(f"export_over_copy {results['export_over_copy']} < {MIN_RATIO}")
        if results["export_peak_mb"] > MAX_PEAK_MB:
            missed.append(f"export_peak_mb {results['export_peak_mb']} > {MAX_PEAK_MB}")
        for miss in missed:
            say(f"TARGET MISSED: {miss}")
        return 1 if missed else 0
    finally:
        if started:
            subprocess.run([sys.executable, str(ROOT / "scripts" / "devdb.py"), "stop"], check=False)


def queue() -> dict[str, Any]:
    """(In Django) an export of every contact, queued; and psql's statement for the same SELECT."""
    from django.db import connection
    from django.db.models import Max, Min
    from django.utils import timezone

    from accounts.models import Team, User
    from encounters.models import Encounter
    from exports.datasets import ROW_LEVEL
    from exports.jobs import statement
    from exports.models import Export
    from exports.privacy import CREATE_PRIVACY_TABLE
    from exports.tasks import run_export

    bounds = Encounter.objects.aggregate(first=Min("happened_at"), last=Max("happened_at"))
    first = timezone.localtime(bounds["first"]).date().replace(day=1)
    last = timezone.localtime(bounds["last"]).date().replace(day=1)
    admin, _ = User.objects.get_or_create(username="bench-data-admin", defaults={"is_data_admin": True})
    export = Export.objects.create(
        created_by=admin,
        datasets=["contacts"],
        team_ids=list(Team.objects.values_list("pk", flat=True)),
        first_month=first,
        last_month=last,
        period=Export.Period.MONTH,
        format=Export.Format.CSV,
        k=11,
    )
    run_export.enqueue(str(export.pk))
    sql, params = statement(ROW_LEVEL["contacts"], export)
    with connection.cursor() as cursor:
        copy = cursor.mogrify(sql, params).decode()
        create = CREATE_PRIVACY_TABLE.as_string(cursor.connection)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return {
        "export": str(export.pk),
        "sql": f"{create};\n{copy};\n",
        "contacts": Encounter.objects.count(),
        "months": months,
    }


def report(export_id: str) -> dict[str, Any]:
    from exports.models import Export

    export = Export.objects.get(pk=export_id)
    if export.status != Export.Status.DONE or export.started_at is None or export.finished_at is None:
        raise SystemExit(f"the export did not finish: {export.status}")
    return {
        "rows": export.summary["contacts"]["rows"],
        "seconds": (export.finished_at - export.started_at).total_seconds(),
        "bytes": export.file_size,
        "privacy": export.summary["contacts"]["privacy"],
    }


def in_django(mode: str, args: list[str]) -> None:
    import django

    django.setup()
    result = queue() if mode == "--queue" else report(args[0])
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in {"--queue", "--report"}:
        in_django(sys.argv[1], sys.argv[2:])
    else:
        raise SystemExit(main())
