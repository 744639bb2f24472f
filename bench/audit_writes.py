"""Audit writes per second with 8 concurrent writers: one chain lane against eight.

Every audit event is linked into the keyed hash chain when its transaction commits, under
its lane's lock (audit/chain.py), and a commit holds that lock until its WAL record is on
disk. With one lane, audited commits queue for one lock and their disk flushes go one at a
time; with eight, eight commits can be in flight and PostgreSQL flushes them together.

How: a PostgreSQL cluster of its own with production durability (fsync and synchronous
commit on, unlike the development server), migrated by Django; 8 threads, each with its
own connection, write one event per transaction through `audit_append` (what
`audit.services.record` runs) for BENCH_AUDIT_SECONDS (10) per setting, after a second of
warm-up; then one writer alone. Each run ends by checking every lane is one unbroken line
(the chain is verified by `manage.py verify_audit_chain`).

    python -m bench.audit_writes         # writes audit_events_per_s_* into bench/results.json
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg2

from bench.run import RESULTS, write_results
from tests.pgcluster import PrivateCluster

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 8
SECONDS = float(os.environ.get("BENCH_AUDIT_SECONDS", "10"))
APPEND = "SELECT audit_append(now(), %s, 'client_viewed', 'clients.client', '', NULL, '', '10.0.0.1', %s::jsonb)"


def migrate(cluster: PrivateCluster) -> None:
    settings = cluster.settings()
    url = f"postgres://{settings['USER']}:{settings['PASSWORD']}@127.0.0.1:{settings['PORT']}/{settings['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_MIGRATE_URL", None)
    command = [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"]
    subprocess.run(command, check=True, cwd=ROOT, env=env)


def connect(cluster: PrivateCluster) -> Any:
    settings = cluster.settings()
    return psycopg2.connect(
        host="127.0.0.1",
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
    )


def run(cluster: PrivateCluster, *, lanes: int, writers: int) -> float:
    """Events committed per second by `writers` threads, with the chain in `lanes` lanes."""
    admin = connect(cluster)
    with admin, admin.cursor() as cursor:
        cursor.execute("UPDATE audit_chain_key SET lanes = %s", [lanes])
    counts = [0] * writers
    measuring = threading.Event()
    stop = threading.Event()
    ready = threading.Barrier(writers + 1)

    def writer(number: int) -> None:
        connection = connect(cluster)
        details = json.dumps({"writer": number})
        try:
            ready.wait()
            with connection.cursor() as cursor:
                while not stop.is_set():
                    cursor.execute(APPEND, [number, details])
                    connection.commit()
                    if measuring.is_set():
                        counts[number] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    ready.wait()
    time.sleep(1)  # warm-up
    measuring.set()
    started = time.perf_counter()
    time.sleep(SECONDS)
    measuring.clear()
    elapsed = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join()
    check_lanes(admin)
    admin.close()
    return sum(counts) / elapsed


def check_lanes(connection: Any) -> None:
    """Every lane is 1..n without a gap or a fork, and nothing is left unlinked."""
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE chain_seq IS NULL),"
            " count(*) FILTER (WHERE chain_seq IS NOT NULL)"
            "   - (SELECT coalesce(sum(m), 0) FROM (SELECT max(chain_seq) AS m FROM audit_auditevent"
            "      WHERE chain_lane IS NOT NULL GROUP BY chain_lane) AS heads)"
            " FROM audit_auditevent"
        )
        unlinked, gaps = cursor.fetchone()
    if unlinked or gaps:
        raise SystemExit(f"chain check failed: {unlinked} unlinked, {gaps} gaps")


def main() -> int:
    cluster = PrivateCluster(durable=True).start()
    try:
        migrate(cluster)
        one_lane = run(cluster, lanes=1, writers=WRITERS)
        print(f"8 writers, 1 lane (the old single chain's lock): {one_lane:,.0f} events/s", flush=True)
        lanes = run(cluster, lanes=8, writers=WRITERS)
        print(f"8 writers, 8 lanes: {lanes:,.0f} events/s", flush=True)
        alone = run(cluster, lanes=8, writers=1)
        print(f"1 writer: {alone:,.0f} events/s", flush=True)
    finally:
        cluster.stop_and_remove()
    results = {
        "audit_events_per_s_8_writers": round(lanes, 1),
        "audit_events_per_s_8_writers_one_lane": round(one_lane, 1),
        "audit_events_per_s_1_writer": round(alone, 1),
        "audit_lanes_over_one_lane": round(lanes / one_lane, 2),
    }
    write_results(results)
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
