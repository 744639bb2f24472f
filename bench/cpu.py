"""`make bench-cpu`: the CPU one request of the load test's mix costs, now and at a baseline commit.

The load test (bench/loadtest.py) is bound by CPU: the whole cluster and Locust share two
cores, so what one request costs in CPU decides how many users they serve. Wall time says
little on a shared machine; CPU time says what the request itself used. For each step of
the mix (bench/locustfile.py), at LOADTEST_SCALE data (bench/seed.py, 0.1 by default):

- `app_ms`: the Django process's CPU (time.process_time(): Python, templates, the driver),
  through the test client, with the cluster's settings (config.settings.base: DEBUG off,
  so the cached template loader; transaction pooling off, since no PgBouncer is here);
- `db_ms`: the PostgreSQL backend's CPU for the same requests (utime + stime of the
  backend process, from /proc: parse, plan and execute of every statement);
- `queries`: the statements Django sent (and the one that sets the row-level scope).

The same requests run against two checkouts in one run, in turns, on one database: this one
and a baseline commit (CPU_BASELINE, by default the main of before this work; unpacked with
`git archive` into var/cpu-baseline/), so the ratio `after / before` holds whatever else the
machine is doing. The database is migrated by this checkout: both run against its schema.

The mix's weights turn the steps into one figure per request: at LOADTEST_USERS users
(120) the locustfile makes 1 data admin and the rest workers and supervisors 17 to 2; a
worker's ten tasks send 12 requests (search 4, person page 3, Log a contact's form and save
2 each, start page 1), a supervisor's four send the dashboard 3 and the people list 1.

Environment: LOADTEST_SCALE (0.1), CPU_ROUNDS (20 rounds of CPU_REPEAT=5 requests per step
and checkout), CPU_BASELINE (a commit; "none" measures this checkout only), CPU_PROFILE=1
(also the slowest statements of each step, by their wall time, into var/cpu-profile.txt).
Results are merged into bench/results.json as cpu_<step>_{app,db}_ms[_baseline] and
cpu_request_ms (weighted) with its ratio. Run it under `flock /tmp/alongside-bench.lock`.

Also run as a script (`cpu.py serve`) inside either checkout: it answers "<step> <n>" lines
with the CPU those n requests took, as one JSON line. So it imports nothing of bench/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
BASELINE = os.environ.get("CPU_BASELINE", "b401043")
SCALE = float(os.environ.get("LOADTEST_SCALE", "0.1"))
ROUNDS = int(os.environ.get("CPU_ROUNDS", "20"))
REPEAT = int(os.environ.get("CPU_REPEAT", "5"))
USERS = int(os.environ.get("LOADTEST_USERS", "120").split(",")[-1])
PROFILE = os.environ.get("CPU_PROFILE", "") == "1"
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
STEPS = ["search", "person", "log_form", "log_save", "home", "dashboard", "people", "organisation"]
# What the locustfile's tasks send per user of each kind (see the module's docstring).
PER_WORKER = {"search": 4, "person": 3, "log_form": 2, "log_save": 2, "home": 1}
PER_SUPERVISOR = {"dashboard": 3, "people": 1}
# Words workers type in the live search (the same list as bench/measure.py's SEARCHES).
SEARCHES = ["maria", "Jhonny", "jose garcia", "Mraia", "roberto", "gato", "Fransisco", "lopez", "José", "kevn"]


def mix(users: int) -> dict[str, float]:
    """Each step's share of the requests at `users` users (Locust's weights 17:2, 1 fixed)."""
    rest = users - 1
    workers = rest * 17 / 19
    supervisors = rest * 2 / 19
    # Requests per second are proportional to tasks per second, the same for every user
    # (the think time dominates): a worker's task sends 1.2 requests on average.
    rates = {step: workers * n / 10 for step, n in PER_WORKER.items()}
    rates.update({step: supervisors * n / 4 for step, n in PER_SUPERVISOR.items()})
    rates["organisation"] = 1.0
    total = sum(rates.values())
    return {step: rate / total for step, rate in rates.items()}


# ------------------------------------------------------------------------------------------
# The measuring side: a Django process in one checkout, answering on stdin/stdout.


def backend_cpu(pid: int) -> float:
    """CPU seconds the PostgreSQL backend `pid` has used (utime + stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def serve() -> None:  # noqa: C901, PLR0915 (one setup, then a loop)
    code_root = Path.cwd()
    sys.path[:] = [str(code_root), *(p for p in sys.path if Path(p).resolve() != Path(__file__).parent)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import itertools
    import logging
    import uuid
    from datetime import UTC, datetime

    import django

    django.setup()
    logging.disable(logging.WARNING)

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Membership, Team, User
    from accounts.sessions import SessionStore, stamp
    from accounts.two_factor import requires_two_factor
    from clients.models import Client
    from core.scope import EVERY_TEAM, team_scope
    from encounters.models import Site

    with team_scope(EVERY_TEAM):  # the application's role sees no person outside a scope
        team = Team.objects.filter(name__startswith="Bench team").order_by("name").first()
        if team is None:
            raise SystemExit("no seeded team: run the seed first")
        people = list(
            Client.objects.filter(home_team=team, status="active", merged_into__isnull=True)
            .order_by("code")
            .values_list("code", flat=True)[:300]
        )
        site = str(Site.objects.filter(team=team).order_by("name").values_list("pk", flat=True)[0])
        members = Membership.objects.filter(team=team).select_related("user").order_by("user__username")
        worker = next(m for m in members if m.role == "worker")
        lead = next(m for m in members if m.role == "supervisor")
        admin, _ = User.objects.get_or_create(username="load-data-admin", defaults={"is_data_admin": True})

    def signed_in(user: Any) -> HttpClient:
        """A client with a session made as signing in makes it (bench/loadtest_setup.py)."""
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        stamp(session, second_factor="totp" if requires_two_factor(user) else "")
        session.create()
        # As Locust's FastHttpUser asks: the app's GZipMiddleware compresses every page.
        http = HttpClient(enforce_csrf_checks=False, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        http.cookies[settings.SESSION_COOKIE_NAME] = str(session.session_key)
        return http

    clients = {"worker": signed_in(worker.user), "lead": signed_in(lead.user), "admin": signed_in(admin)}
    codes = itertools.cycle(people)
    words = itertools.cycle(SEARCHES)
    urls = {
        "search": reverse("clients:list"),
        "person": reverse("clients:detail", args=["AAA-AAA"]).replace("AAA-AAA", "{code}"),
        "log": reverse("encounters:log"),
        "home": reverse("core:home"),
        "dashboard": reverse("dashboards:dashboard"),
        "organisation": reverse("dashboards:organisation"),
    }

    def contact() -> dict[str, str]:
        return {
            "id": str(uuid.uuid4()),
            "who": next(codes),
            "head_count": "1",
            "happened_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"),
            "site": site,
            "kind": "street",
            "service_sterile-syringes": "10",
            "service_naloxone-kit": "1",
            "note": "",
        }

    def request(step: str) -> Any:
        http = clients["lead" if step in ("dashboard", "people") else "admin" if step == "organisation" else "worker"]
        if step == "search":
            return http.post(urls["search"], {"q": next(words)}, headers={"HX-Request": "true"})
        if step == "person":
            return http.get(urls["person"].format(code=next(codes)))
        if step == "log_form":
            return http.get(urls["log"])
        if step == "log_save":
            return http.post(urls["log"], contact())
        if step == "people":
            return http.get(urls["search"])
        return http.get(urls[step])

    expected = {"log_save": 302}
    for step in STEPS:  # warm up (templates compiled, caches filled), and check each step works
        for _ in range(3):
            answer = request(step)
            if answer.status_code != expected.get(step, 200):
                raise SystemExit(f"{step}: {answer.status_code} in {code_root}")
    sys.stdout.write(json.dumps({"ready": str(code_root)}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        command, _, count = line.strip().partition(" ")
        n = int(count) if count.isdigit() else 1
        if command == "count":
            answers: dict[str, Any] = {}
            for step in STEPS:
                with CaptureQueriesContext(connection) as captured:
                    request(step)
                answers[step] = len(captured.captured_queries)
            sys.stdout.write(json.dumps(answers) + "\n")
        elif command == "cprofile":  # "cprofile <step>": where its Python time goes, to var/
            import cProfile

            step, _, times = count.partition(" ")
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(int(times or 20)):
                request(step)
            profiler.disable()
            profiler.dump_stats(str(code_root / "var" / f"cpu-{step}.prof"))
            sys.stdout.write(json.dumps({"written": f"var/cpu-{step}.prof"}) + "\n")
        elif command == "profile":
            sys.stdout.write(json.dumps(profile(request, n)) + "\n")
        else:
            connection.ensure_connection()
            pid = connection.connection.get_backend_pid()
            db_before, app_before = backend_cpu(pid), time.process_time()
            for _ in range(n):
                request(command)
            app = time.process_time() - app_before
            same = connection.connection is not None and connection.connection.get_backend_pid() == pid
            db = backend_cpu(pid) - db_before if same else float("nan")
            sys.stdout.write(json.dumps({"app": app, "db": db}) + "\n")
        sys.stdout.flush()


def profile(request: Any, n: int) -> dict[str, list[tuple[float, int, str]]]:
    """Each step's statements by total wall time over n requests: (ms, count, statement)."""
    import re

    from django.db import connection

    found: dict[str, list[tuple[float, int, str]]] = {}
    for step in STEPS:
        totals: dict[str, list[float]] = {}

        def timed(
            execute: Any, sql: str, params: Any, many: bool, context: Any, totals: dict[str, list[float]] = totals
        ) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                shape = re.sub(r"'[^']*'|\b\d+\b", "?", sql if isinstance(sql, str) else repr(sql))[:300]
                totals.setdefault(shape, []).append((time.perf_counter() - started) * 1000)

        with connection.execute_wrapper(timed):
            for _ in range(n):
                request(step)
        rows = sorted(((sum(t) / n, len(t) // n, s) for s, t in totals.items()), reverse=True)
        found[step] = [(round(ms, 2), count, shape) for ms, count, shape in rows[:8]]
    return found


# ------------------------------------------------------------------------------------------
# The orchestrating side.


def say(message: str) -> None:
    print(message, flush=True)


def checkout(ref: str) -> Path:
    """The baseline's code, unpacked once into var/cpu-baseline/<commit>/ (git archive)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"], check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    target = ROOT / "var" / "cpu-baseline" / commit
    if not (target / "manage.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], check=True, cwd=ROOT, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


class Measurer:
    def __init__(self, code: Path, env: dict[str, str]) -> None:
        self.code = code
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "serve"],
            cwd=code,
            env={**env, "PYTHONPATH": str(code)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if not os.environ.get("CPU_DEBUG") else None,
            text=True,
            bufsize=1,
        )
        self.app: dict[str, float] = dict.fromkeys(STEPS, 0.0)
        self.db: dict[str, float] = dict.fromkeys(STEPS, 0.0)
        self.done: dict[str, int] = dict.fromkeys(STEPS, 0)
        self.ask_raw("")  # the ready line

    def ask_raw(self, line: str) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None  # noqa: S101
        if line:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit(f"the measuring process in {self.code} stopped ({self.process.wait()})")
        return json.loads(answer)

    def run(self, step: str, n: int) -> None:
        answer = self.ask_raw(f"{step} {n}")
        if answer["db"] == answer["db"]:  # not NaN: the same backend throughout
            self.app[step] += answer["app"]
            self.db[step] += answer["db"]
            self.done[step] += n

    def per_request(self, step: str) -> tuple[float, float]:
        n = max(1, self.done[step])
        return self.app[step] / n * 1000, self.db[step] / n * 1000

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from bench.run import DEVDB, Scale, connect, prepare

    def devdb(command: str) -> str:
        return subprocess.run([*DEVDB, command], check=True, stdout=subprocess.PIPE, text=True).stdout.strip()

    owner, app = devdb("start"), devdb("app-url")
    scale = Scale("cpu", SCALE, owner)
    prepare(scale, reuse=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": "bench-cpu-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "3600",
        "DATABASE_URL": urlsplit(app)._replace(path=f"/{scale.database}").geturl(),
        "DATABASE_MIGRATE_URL": scale.url,
    }
    env.pop("DATABASE_REPLICA_URL", None)
    # The application's role (row-level security applies to it, as in the cluster) gets its
    # grants from a migrate run as the owner (which reads the migrations table first as it).
    database = connect(scale.url)
    with database, database.cursor() as cur:
        cur.execute(f"GRANT SELECT ON django_migrations TO {urlsplit(app).username}")
    database.close()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"], check=True, cwd=ROOT, env=env
    )
    database = connect(scale.url)
    with database, database.cursor() as cur:
        cur.execute("SELECT count(*) FROM encounters_encounter")
        (contacts,) = cur.fetchone()
    database.close()
    codes = {"after": ROOT}
    cprofile = os.environ.get("CPU_CPROFILE", "")  # a step: cProfile it here, print the top
    if cprofile:
        measurer = Measurer(ROOT, env)
        measurer.ask_raw(f"cprofile {cprofile} 30")
        measurer.close()
        import pstats

        stats = pstats.Stats(str(ROOT / "var" / f"cpu-{cprofile}.prof"))
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
        return 0
    if BASELINE != "none":
        codes["before"] = checkout(BASELINE)
    for code in codes.values():  # the cluster serves collected, hashed static files
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            check=True,
            cwd=code,
            env={**env, "PYTHONPATH": str(code)},
        )
    say(f"measuring {', '.join(f'{k}: {v}' for k, v in codes.items())} ({contacts:,} contacts)")
    measurers = {name: Measurer(code, env) for name, code in codes.items()}
    try:
        counts = {name: m.ask_raw("count") for name, m in measurers.items()}
        for round_no in range(ROUNDS):
            order = list(measurers.values())
            if round_no % 2:
                order.reverse()
            for step in STEPS:
                for measurer in order:
                    measurer.run(step, REPEAT)
        if PROFILE:
            lines = []
            for name, measurer in measurers.items():
                for step, rows in measurer.ask_raw("profile 10").items():
                    lines.append(f"== {name}: {step}")
                    lines.extend(f"  {ms:8.2f} ms  x{count:<3} {shape}" for ms, count, shape in rows)
            (ROOT / "var" / "cpu-profile.txt").write_text("\n".join(lines) + "\n")
    finally:
        for measurer in measurers.values():
            measurer.close()
    return report(measurers, counts)


def report(measurers: dict[str, Measurer], counts: dict[str, dict[str, int]]) -> int:
    weights = mix(USERS)
    results: dict[str, Any] = {}
    say("")
    say(f"CPU per request (ms), {ROUNDS * REPEAT} requests per step and checkout, app = Django, db = PostgreSQL")
    header = f"{'step':<14}{'share':>7}"
    for name in measurers:
        header += f"{name + ' app':>12}{'db':>7}{'total':>8}{'queries':>8}"
    say(header + ("   after/before" if len(measurers) == 2 else ""))
    totals = dict.fromkeys(measurers, 0.0)
    for step in STEPS:
        row = f"{step:<14}{weights[step]:>7.3f}"
        per = {}
        for name, measurer in measurers.items():
            app, db = measurer.per_request(step)
            per[name] = app + db
            totals[name] += weights[step] * (app + db)
            suffix = "" if name == "after" else "_baseline"
            results[f"cpu_{step}_app_ms{suffix}"] = round(app, 2)
            results[f"cpu_{step}_db_ms{suffix}"] = round(db, 2)
            results[f"cpu_{step}_queries{suffix}"] = counts[name][step]
            row += f"{app:>12.1f}{db:>7.1f}{app + db:>8.1f}{counts[name][step]:>8}"
        if len(measurers) == 2:
            ratio = per["after"] / per["before"]
            results[f"cpu_{step}_ratio"] = round(ratio, 3)
            row += f"   {ratio:.2f}"
        say(row)
    say("")
    for name, total in totals.items():
        say(f"the mix at {USERS} users, per request: {total:.1f} ms of CPU ({name})")
    results["cpu_request_ms"] = round(totals["after"], 2)
    results["cpu_mix_users"] = USERS
    if "before" in totals:
        results["cpu_request_ms_baseline"] = round(totals["before"], 2)
        results["cpu_request_ratio"] = round(totals["after"] / totals["before"], 3)
        results["cpu_baseline_commit"] = BASELINE
        say(f"after / before: {results['cpu_request_ratio']}")
    existing: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**existing, **results}, indent=2) + "\n")
    say(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        raise SystemExit(main())
