"""`make loadtest`: Locust against `make cluster`, then the same with faults, into bench/results.json.

1. The cluster is started if it is not running (scripts/cluster.py), and its database seeded
   once (bench/seed.py at LOADTEST_SCALE, 0.1 by default: 5,000 people, 200,000 contacts,
   50,000 check-ins, 10 teams; the seed is marked on the database and reused), the rollups
   rebuilt, and the replica waited for.
2. Sessions for the simulated people (bench/loadtest_setup.py).
3. For each user count in LOADTEST_USERS (default 80,120,160,200), Locust runs headless
   for LOADTEST_SECONDS (default 60) after all users have started (statistics are reset
   then, so the ramp is not measured), with the mix of bench/locustfile.py. The highest
   count with p95 at most 300 ms and errors at most 0.1% is the one reported: load_users,
   load_rps, load_p95_ms, load_error_rate and replica_read_share (the share of the
   dashboards' and organisation view's reads the replica served, counted from the app
   nodes' logs of their routing choices, core/replica.py).
4. The fault run (unless LOADTEST_FAULTS=0): FaultWorker users log contacts, retrying each
   with its id, while this script stops app node 1 and starts it again, stops the replica
   and starts it again, then restarts the primary. Then it counts in the database, against
   what the clients sent: fault_lost_contacts (sent, never stored) and
   fault_duplicate_contacts (one sent contact stored more than once: its note's marker on
   two rows). Both must be 0.

Bounded: every Locust run has a fixed duration and user count, and stops by itself; only
127.0.0.1 is ever addressed. Take figures for the record under
`flock /tmp/alongside-bench.lock make loadtest` (other people's benchmarks share the cores).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

import psycopg2
from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

from .seed import Plan, seed

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "var" / "cluster"
CLUSTER = [sys.executable, str(ROOT / "scripts" / "cluster.py")]
RESULTS = Path(__file__).resolve().parent / "results.json"
SEED_VERSION = 1
MAX_P95_MS = 300.0
MAX_ERROR_RATE = 0.001
USERS = [int(n) for n in os.environ.get("LOADTEST_USERS", "80,120,160,200").split(",")]
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
SCALE = float(os.environ.get("LOADTEST_SCALE", "0.1"))
FAULT_USERS = int(os.environ.get("LOADTEST_FAULT_USERS", "60"))
# The fault run's timeline: (seconds after the start, what happens).
FAULTS = [
    (15, "stop-node app1"),
    (35, "start-node app1"),
    (45, "stop-replica"),
    (65, "start-replica"),
    (75, "restart-primary"),
]
FAULT_SECONDS = 100


def say(message: str) -> None:
    print(message, flush=True)


def cluster(*args: str) -> str:
    return subprocess.run([*CLUSTER, *args], check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT).stdout


def connect(url: str) -> Any:
    parts = urlsplit(url)
    return psycopg2.connect(
        host=parts.hostname, port=parts.port, user=parts.username, password=parts.password, dbname=parts.path[1:]
    )


def seeded(owner_url: str, env: dict[str, str]) -> None:
    """The cluster's database made afresh and seeded, once (the seed is marked on the database).

    bench/seed.py fills empty tables, so the demo data `make cluster` loads goes: the app
    nodes and the worker stop, the database is dropped and created again (the replica
    replays both), migrated and seeded, and the rollups rebuilt; `cluster.py start` then
    brings the nodes back (and loads the demo sign-ins again beside the seeded teams).
    """
    plan = Plan.at(SCALE)
    marker = f"alongside loadtest v{SEED_VERSION}: {plan.describe()}"
    name = urlsplit(owner_url).path[1:]
    server = connect(urlsplit(owner_url)._replace(path="/postgres").geturl())
    server.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with server.cursor() as cur:
        cur.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
        row = cur.fetchone()
        if row is not None and row[0] == marker:
            say(f"reusing the seeded data ({plan.describe()})")
            server.close()
            return
        say(f"seeding the cluster's database afresh: {plan.describe()}")
        cluster("stop-apps")
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        check=True,
        cwd=ROOT,
        env=direct(env),
    )
    database = connect(owner_url)
    with database, database.cursor() as cur:
        seed(cur, plan)
    database.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with database.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    database.close()
    say("rebuilding the dashboards' rollups")
    for command in (["refresh_rollups", "--rebuild"], ["refresh_rollups", "--schedule"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], check=True, cwd=ROOT, env=direct(env), stdout=subprocess.DEVNULL
        )
    with server.cursor() as cur:
        cur.execute(f'COMMENT ON DATABASE "{name}" IS %s', [marker])
    server.close()
    subprocess.run([*CLUSTER, "start"], check=True, cwd=ROOT)


def direct(env: dict[str, str]) -> dict[str, str]:
    """The app's environment, connecting straight to the primary (for commands, not nodes)."""
    primary = cluster_env()["ports"]["primary"]
    parts = urlsplit(env["DATABASE_URL"])
    url = parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{primary}").geturl()
    changed = {**env, "DATABASE_URL": url}
    changed.pop("DATABASE_TRANSACTION_POOLING", None)
    return changed


_env: dict[str, Any] = {}


def cluster_env() -> dict[str, Any]:
    if not _env:
        _env.update(json.loads(cluster("env")))
    return _env


def wait_for_replica(owner_url: str, replica_port: int) -> None:
    primary = connect(owner_url)
    primary.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with primary.cursor() as cur:
        cur.execute("SELECT pg_current_wal_insert_lsn()")
        (position,) = cur.fetchone()
    primary.close()
    parts = urlsplit(owner_url)
    replica = connect(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{replica_port}").geturl())
    replica.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    deadline = time.monotonic() + 300
    with replica.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            if cur.fetchone()[0]:
                break
            time.sleep(0.5)
    replica.close()


class RoutingLog:
    """Counts the app nodes' routing choices (core/replica.py logs each) between two moments."""

    def __init__(self) -> None:
        self.files = [STATE / "app1.log", STATE / "app2.log"]
        self.offsets = {path: path.stat().st_size if path.exists() else 0 for path in self.files}

    def counts(self) -> tuple[int, int]:
        replica = everywhere = 0
        for path in self.files:
            if not path.exists():
                continue
            with path.open("rb") as log:
                log.seek(self.offsets[path])
                for line in log:
                    if b"replica read: " in line:
                        everywhere += 1
                        replica += b"replica read: replica" in line
        return replica, everywhere


def locust(users: int, seconds: int, classes: list[str], prefix: str, extra_env: dict[str, str]) -> dict[str, float]:
    """One headless Locust run; the aggregated figures of its steady part."""
    port = cluster_env()["ports"]["haproxy"]
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(max(1, users // 10)), "--run-time", f"{seconds}s",
        "--host", f"http://127.0.0.1:{port}", "--csv", str(STATE / prefix), "--reset-stats",
        "--stop-timeout", "150", "--only-summary", "--loglevel", "WARNING", *classes,
    ]  # fmt: skip
    env = {**os.environ, "LOADTEST_PLAN": str(STATE / "loadtest-plan.json"), **extra_env}
    subprocess.run(command, check=False, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    with (STATE / f"{prefix}_stats.csv").open() as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    requests = int(total["Request Count"])
    return {
        "requests": requests,
        "rps": float(total["Requests/s"]),
        "p95_ms": float(total["95%"]),
        "error_rate": int(total["Failure Count"]) / requests if requests else 1.0,
    }


def load_steps() -> dict[str, float]:
    results: dict[str, float] = {}
    best: dict[str, float] | None = None
    say(f"{'users':>6} {'requests':>9} {'req/s':>7} {'p95 ms':>7} {'errors':>8} {'replica share':>14}")
    for users in USERS:
        routing = RoutingLog()
        figures = locust(users, SECONDS + users // 10, ["Worker", "Supervisor", "DataAdmin"], f"load-{users}", {})
        on_replica, routed = routing.counts()
        share = on_replica / routed if routed else 0.0
        say(
            f"{users:>6} {figures['requests']:>9.0f} {figures['rps']:>7.1f} {figures['p95_ms']:>7.0f} "
            f"{figures['error_rate']:>8.4f} {share:>14.2f}"
        )
        results[f"load_p95_ms_at_{users}"] = figures["p95_ms"]
        if figures["p95_ms"] <= MAX_P95_MS and figures["error_rate"] <= MAX_ERROR_RATE:
            best = {**figures, "users": users, "replica_share": share}
    if best is None:
        say("no user count met p95 <= 300 ms with errors <= 0.1%")
        return results
    results.update(
        {
            "load_users": best["users"],
            "load_rps": round(best["rps"], 1),
            "load_p95_ms": best["p95_ms"],
            "load_error_rate": round(best["error_rate"], 5),
            "replica_read_share": round(best["replica_share"], 3),
            "load_seconds": SECONDS,
            "load_scale": SCALE,
        }
    )
    return results


def fault_run(owner_url: str) -> dict[str, float]:
    sent_file = STATE / "fault-sent.json"
    sent_file.unlink(missing_ok=True)
    timeline: list[str] = []

    def play() -> None:
        started = time.monotonic()
        for at, action in FAULTS:
            time.sleep(max(0.0, started + at - time.monotonic()))
            say(f"  t={at:>3} s: {action}")
            cluster(*action.split())
            timeline.append(action)

    say(f"fault run: {FAULT_USERS} users for {FAULT_SECONDS} s; faults on the way:")
    player = threading.Thread(target=play)
    routing = RoutingLog()
    locust_thread = threading.Thread(
        target=lambda: figures.update(
            locust(
                FAULT_USERS, FAULT_SECONDS, ["FaultWorker", "Supervisor"], "faults", {"LOADTEST_SENT": str(sent_file)}
            )
        )
    )
    figures: dict[str, float] = {}
    locust_thread.start()
    time.sleep(FAULT_USERS // 10 + 1)  # the ramp; the faults start once everyone is working
    player.start()
    player.join()
    locust_thread.join()
    sent: dict[str, dict[str, Any]] = json.loads(sent_file.read_text())
    replayed = send_again([entry for entry in sent.values() if not entry["stored"]])
    database = connect(owner_url)
    with database.cursor() as cur:
        cur.execute(
            "SELECT e.id::text, (SELECT count(*) FROM encounters_serviceprovided AS s WHERE s.encounter_id = e.id) "
            "FROM encounters_encounter AS e WHERE e.id = ANY(%s::uuid[])",
            [list(sent)],
        )
        stored = dict(cur.fetchall())
        cur.execute(
            "SELECT count(*) FROM (SELECT note FROM encounters_encounter WHERE note = ANY(%s) "
            "GROUP BY note HAVING count(*) > 1) AS doubled",
            [[f"fault run {contact_id}" for contact_id in sent]],
        )
        (doubled,) = cur.fetchone()
    database.close()
    lost = [contact_id for contact_id in sent if contact_id not in stored]
    partial = [contact_id for contact_id, services in stored.items() if services != 2]
    acknowledged = sum(1 for entry in sent.values() if entry["stored"])
    retried = sum(1 for entry in sent.values() if entry["tries"] > 1)
    on_replica, routed = routing.counts()
    say(
        f"  contacts sent {len(sent)}, acknowledged {acknowledged} (and {replayed} when sent again after the run), "
        f"retried {retried}, stored {len(stored)}, "
        f"lost {len(lost)}, doubled {doubled}, without all their services {len(partial)}; "
        f"requests {figures.get('requests', 0):.0f}, failed (then retried) share {figures.get('error_rate', 0):.4f}; "
        f"dashboard reads on the replica {on_replica} of {routed}"
    )
    return {
        "fault_contacts_sent": len(sent),
        "fault_contacts_retried": retried,
        "fault_contacts_sent_after_the_run": len(sent) - acknowledged,
        "fault_lost_contacts": len(lost) + len(partial),
        "fault_duplicate_contacts": doubled,
        "fault_request_error_rate": round(figures.get("error_rate", 0.0), 4),
    }


def send_again(waiting: list[dict[str, Any]]) -> int:
    """Contacts the run's end cut short (no answer yet), sent once more with the same id, as
    the phone's outbox sends what it holds when it is back; how many were acknowledged."""
    plan = json.loads((STATE / "loadtest-plan.json").read_text())
    base = f"http://127.0.0.1:{cluster_env()['ports']['haproxy']}"
    acknowledged = 0
    for entry in waiting:
        csrf = uuid.uuid4().hex
        request = Request(  # noqa: S310 (loopback)
            base + plan["urls"]["log"],
            data=urlencode(entry["data"]).encode(),
            headers={
                "Cookie": f"{plan['session_cookie']}={entry['session']}; {plan['csrf_cookie']}={csrf}",
                "X-CSRFToken": csrf,
                "Referer": base + plan["urls"]["log"],
            },
        )
        try:
            with build_opener(NoRedirects).open(request, timeout=30):
                pass
        except HTTPError as answer:
            acknowledged += answer.code == 302
    return acknowledged


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def write_results(results: dict[str, float]) -> None:
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current.update(results)
    RESULTS.write_text(json.dumps(current, indent=2) + "\n")


def main() -> int:
    subprocess.run([*CLUSTER, "start"], check=True, cwd=ROOT)  # starts what is not running
    env = cluster_env()
    owner_url = env["owner_url"]
    seeded(owner_url, env["app"])
    wait_for_replica(owner_url, env["ports"]["replica"])
    subprocess.run(
        [sys.executable, "-m", "bench.loadtest_setup", str(STATE / "loadtest-plan.json"), str(max(USERS))],
        check=True,
        cwd=ROOT,
        env=direct(env["app"]),
    )
    results = load_steps()
    if os.environ.get("LOADTEST_FAULTS", "1") != "0":
        results.update(fault_run(owner_url))
    write_results(results)
    say(f"written to {RESULTS.relative_to(ROOT)}: " + ", ".join(f"{k}={v}" for k, v in results.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
