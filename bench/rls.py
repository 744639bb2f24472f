"""`python -m bench.rls`: what row-level security costs the worker's two busiest requests.

`rls_overhead_ratio` = (person page + log-contact post, medians, with RLS on) / (the same
with RLS off), measured in one run on one seeded database (bench/run.py's full scale, reused
when `make bench` made it already; SCALE=0.1 for a quick run), as the application's role
(`alongside_app`, which the policies bind; `make bench` itself connects as the owner, whom
they do not).

- **On**: the app as it runs: each request in one transaction scoped to the user's teams
  (core/scope.py's middleware, one `set_config` statement), the policies enabled.
- **Off**: the app as it was before: no scope middleware (every query in autocommit), and
  the policies' tables with row-level security disabled (by the owner, between batches).

The two take turns in batches (off, on, off, on, ...) so both see the same background load
on this shared machine. Results merged into bench/results.json: `rls_person_page_ms_on/off`,
`rls_log_contact_post_ms_on/off`, `rls_overhead_ratio` (target at most 1.15).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import uuid
import warnings
from typing import Any
from urllib.parse import urlsplit

from bench.run import DEVDB, RESULTS, Scale, connect, database_url, prepare, say

MAX_RATIO = 1.15
BATCHES = int(os.environ.get("BENCH_RLS_BATCHES", "10"))
PER_BATCH = int(os.environ.get("BENCH_RLS_PER_BATCH", "10"))
WARM_UP = int(os.environ.get("BENCH_RLS_WARM_UP", "10"))
TYPICAL_SERVICES = {"sterile-syringes": "10", "naloxone-kit": "1", "condoms": "5"}
SCOPE_MIDDLEWARE = "core.scope.TeamScopeMiddleware"


def policy_tables(owner: Any) -> list[str]:
    with owner.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_policies WHERE policyname = 'team_scope' ORDER BY tablename")
        return [row[0] for row in cursor.fetchall()]


def switch(owner: Any, tables: list[str], *, on: bool) -> None:
    verb = "ENABLE" if on else "DISABLE"
    with owner.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} {verb} ROW LEVEL SECURITY")  # noqa: S608 (names from pg_policies)
    owner.commit()


def app_url(scale: Scale) -> str:
    url = subprocess.run([*DEVDB, "app-url"], check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
    return urlsplit(url)._replace(path=f"/{scale.database}").geturl()


def grant(scale: Scale, app: str) -> None:
    """The app role's privileges on the bench database, as `migrate` grants them (audit/roles.py)."""
    from audit.roles import grant_app_privileges

    owner = connect(scale.url)
    with owner, owner.cursor() as cursor:
        grant_app_privileges(cursor, urlsplit(app).username or "")
    owner.close()


def measure(app: str, owner: Any, tables: list[str]) -> dict[str, Any]:
    os.environ.update({"DATABASE_URL": app, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    os.environ.update({"DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_LOG_LEVEL": "WARNING"})
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client as HttpClient
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Membership, Team
    from accounts.sessions import stamp
    from clients.models import Client
    from core.scope import EVERY_TEAM, team_scope
    from encounters.models import Site

    with team_scope(EVERY_TEAM):  # choosing whom to time: every team, as the bench
        team = Team.objects.order_by("name").first()
        assert team is not None, "no team: was the database seeded?"  # noqa: S101
        people = list(
            Client.objects.filter(home_team=team)
            .active()
            .annotate(contacts=Count("encounters"))
            .filter(contacts__gte=40)
            .order_by("contacts", "code")
            .values_list("code", "contacts")
        )
        code, contacts = people[len(people) // 2]
        other_code = people[(len(people) // 2 + 1) % len(people)][0]
        worker = (
            Membership.objects.filter(team=team, role=Membership.Role.WORKER)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        assert worker is not None  # noqa: S101
        site = Site.objects.filter(team=team, is_active=True).order_by("name").first()
        assert site is not None  # noqa: S101

    def signed_in() -> HttpClient:
        http = HttpClient()
        http.force_login(worker.user)
        session = http.session
        stamp(session, second_factor="")
        session.save()
        return http

    with team_scope(EVERY_TEAM):
        on = signed_in()
        off = signed_in()
    without_scope = [name for name in settings.MIDDLEWARE if name != SCOPE_MIDDLEWARE]
    page_url = reverse("clients:detail", kwargs={"code": code})
    log_url = reverse("encounters:log")

    def log(http: HttpClient) -> Any:
        return http.post(
            log_url,
            {
                "id": str(uuid.uuid4()),
                "who": other_code,
                "head_count": "1",
                "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "site": str(site.pk),
                "kind": "street",
                "save": "1",
                **{f"service_{slug}": quantity for slug, quantity in TYPICAL_SERVICES.items()},
            },
        )

    def timed(http: HttpClient, what: str) -> float:
        started = time.perf_counter()
        response = http.get(page_url) if what == "page" else log(http)
        elapsed = (time.perf_counter() - started) * 1000
        expected = 200 if what == "page" else 302
        if response.status_code != expected:
            raise SystemExit(f"{what} answered {response.status_code}")
        if what == "page" and f"{contacts} contacts" not in response.content.decode():
            raise SystemExit(f"the person page does not show {code} with {contacts} contacts")
        return elapsed

    samples: dict[tuple[str, str], list[float]] = {(m, w): [] for m in ("on", "off") for w in ("page", "log")}

    def batch(mode: str, count: int, keep: bool) -> None:
        switch(owner, tables, on=mode == "on")
        if mode == "on":
            for what in ("page", "log"):
                for _ in range(count):
                    elapsed = timed(on, what)
                    if keep:
                        samples[(mode, what)].append(elapsed)
            return
        with override_settings(MIDDLEWARE=without_scope):
            for what in ("page", "log"):
                for _ in range(count):
                    elapsed = timed(off, what)
                    if keep:
                        samples[(mode, what)].append(elapsed)

    batch("off", WARM_UP, keep=False)
    batch("on", WARM_UP, keep=False)
    for number in range(BATCHES):
        for mode in ("off", "on") if number % 2 == 0 else ("on", "off"):
            batch(mode, PER_BATCH, keep=True)
    switch(owner, tables, on=True)
    medians = {f"{m}_{w}": statistics.median(values) for (m, w), values in samples.items()}
    ratio = (medians["on_page"] + medians["on_log"]) / (medians["off_page"] + medians["off_log"])
    return {
        "rls_person_page_ms_on": round(medians["on_page"], 2),
        "rls_person_page_ms_off": round(medians["off_page"], 2),
        "rls_log_contact_post_ms_on": round(medians["on_log"], 2),
        "rls_log_contact_post_ms_off": round(medians["off_log"], 2),
        "rls_overhead_ratio": round(ratio, 3),
        "rls_tables": len(tables),
        "rls_samples_per_figure": BATCHES * PER_BATCH,
        "rls_person_page_contacts": contacts,
        "rls_bench_scale": float(os.environ.get("SCALE", "1")),
    }


def main() -> None:
    base, started_here = database_url()
    scale = Scale("full", float(os.environ.get("SCALE", "1")), base)
    try:
        prepare(scale, reuse=True)
        app = app_url(scale)
        grant(scale, app)
        owner = connect(base, scale.database)
        tables = policy_tables(owner)
        if not tables:
            raise SystemExit("no row-level security policy in the database: migrate first")
        say(f"timing the person page and the log-contact post as the app role, {len(tables)} tables with policies")
        figures = measure(app, owner, tables)
        owner.close()
    finally:
        if started_here:
            subprocess.run([*DEVDB, "stop"], check=False)
    for name, value in figures.items():
        say(f"  {name}: {value}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(figures)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    if figures["rls_overhead_ratio"] > MAX_RATIO:
        say(f"rls_overhead_ratio {figures['rls_overhead_ratio']} is above {MAX_RATIO}")
        sys.exit(1)


if __name__ == "__main__":
    main()
