"""Importing contacts from a spreadsheet: rows per second, batch against one by one.

A CSV of BENCH_IMPORT_ROWS (100,000) contacts, as a programme's daily log looks: a date
(day first), a site, a person's code in two rows of three (the others anonymous, with a
head count) and three services with quantities; read, planned (imports/planning.py) and
stored by `imports.services.import_contacts`, which gives each batch of rows to the one save
path of a contact (`log_encounters`: the contacts, services, people seen, one audit event
each, the parts, the stock, in bulk). The baseline, in the same run and on the same server:
BENCH_IMPORT_BASELINE_ROWS (3,000) rows of the same shape stored one by one through
`log_encounter` in transactions of 500, as the import did before the batch path.

Both are timed from the file to the last commit (reading and planning included), in a
database of their own made by Django's migrations (`alongside_bench_import`) on the server
bench/run.py uses, with the rollups' capture triggers on as in production. The import's
second run of the same file is timed too (everything found stored already).

People, in the same way: a list of BENCH_IMPORT_PEOPLE (5,000) people (an old code, a
name, two other names, a year of birth, a gender) read, planned (imports/people.py) and
recorded by `imports.services.import_people`, which gives each batch to
`register_clients` (the people, their consents, aliases, search names and every audit event
in a fixed number of statements). The baseline: BENCH_IMPORT_PEOPLE_BASELINE (500) people of
the same shape recorded one by one, as the import did before (`register_client`, then
`add_alias` per old code and other name: batches of one), in transactions of PEOPLE_BATCH,
into a team of its own so that both plan against an empty team.

    python -m bench.imports           # contacts and people: import_rows_per_s, import_people_rows_per_s, ...
    python -m bench.imports --people  # people only (the contacts' figures are left as they are)
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT
from psycopg2.sql import SQL, Identifier

from bench.run import DEVDB, ROOT, connect, database_url, django_env, say, write_results

DATABASE = "alongside_bench_import"
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
BASELINE_ROWS = int(os.environ.get("BENCH_IMPORT_BASELINE_ROWS", "3000"))
PEOPLE = 2000
TARGET_ROWS_PER_S = 2000.0
PEOPLE_ROWS = int(os.environ.get("BENCH_IMPORT_PEOPLE", "5000"))
PEOPLE_BASELINE_ROWS = int(os.environ.get("BENCH_IMPORT_PEOPLE_BASELINE", "500"))
NAMES = ["Rosalind", "Tomasz", "María José", "Dolores", "Kwame", "Ingrid", "Yusuf", "Aiyana", "Chen", "Nadia"]
GENDERS = ["mujer", "hombre", "no binario", ""]


def write_file(path: Path, codes: list[str], rows: int, *, first_year: int) -> None:
    """A daily log of `rows` contacts over two years from `first_year` (so that two files
    with different years share no row)."""
    with path.open("w", newline="") as out:
        sheet = csv.writer(out)
        sheet.writerow(["Fecha", "Sitio", "Código", "Personas", "Jeringas estériles", "Preservativos", "Nota"])
        for n in range(rows):
            day = 1 + n % 28
            month = 1 + (n // 28) % 12
            year = first_year + (n // 336) % 2
            person = codes[n % len(codes)] if n % 3 else ""
            sheet.writerow(
                [f"{day}/{month}/{year}", "Plaza" if n % 2 else "Estación", person, "" if person else 1 + n % 4,
                 1 + n % 20, n % 7, ""]
            )  # fmt: skip


def write_people(path: Path, rows: int, *, prefix: str) -> None:
    """A list of `rows` people with old codes `prefix`-n."""
    with path.open("w", newline="") as out:
        sheet = csv.writer(out)
        sheet.writerow(["Código", "Nombre", "Apodos", "Año de nacimiento", "Género"])
        for n in range(rows):
            sheet.writerow(
                [f"{prefix}-{n}", f"{NAMES[n % len(NAMES)]} {n}", f"Calle {n}, {prefix.lower()}{n}",
                 1950 + n % 55, GENDERS[n % len(GENDERS)]]
            )  # fmt: skip


def observed[T](run: Callable[[], T]) -> T:
    """The timed import, profiled with BENCH_PROFILE=1 or its statements summed by their
    start with BENCH_STATEMENTS=1 (to stderr: what the time went on)."""
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(run)
        order = os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(40)
        return result
    if os.environ.get("BENCH_STATEMENTS"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            result = run()
        spent: dict[str, float] = {}
        for query in captured.captured_queries:
            spent[query["sql"][:60]] = spent.get(query["sql"][:60], 0.0) + float(query["time"])
        for text, seconds in sorted(spent.items(), key=lambda item: -item[1])[:15]:
            print(f"{seconds:8.3f} s  {text}", file=sys.stderr)
        return result
    return run()


def measure_people() -> dict[str, Any]:
    """People: the list in batches, the same list again, and the baseline one by one."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.db import transaction

    from accounts.models import Membership, Team, User
    from clients.models import Client
    from clients.services.identity import add_alias
    from clients.services.registration import register_client
    from core.scope import EVERY_TEAM, team_scope
    from imports.people import plan_people
    from imports.reading import read_rows
    from imports.services import PEOPLE_BATCH, import_people

    with team_scope(EVERY_TEAM):
        team, _made = Team.objects.get_or_create(name="Bench people")
        other, _made = Team.objects.get_or_create(name="Bench people, one by one")
        user, _made = User.objects.get_or_create(username="bench-import-people")
        for each in (team, other):
            Membership.objects.get_or_create(user=user, team=each, role=Membership.Role.SUPERVISOR)
    folder = Path(tempfile.mkdtemp(prefix="alongside-bench-people-"))
    batch_file, single_file = folder / "people.csv", folder / "baseline.csv"
    write_people(batch_file, PEOPLE_ROWS, prefix="P")
    write_people(single_file, PEOPLE_BASELINE_ROWS, prefix="Q")

    def plan(path: Path, into: Any) -> Any:
        with team_scope([into.pk]):
            return plan_people(team=into, rows=read_rows(path))

    started = time.perf_counter()
    planned = plan(batch_file, team)
    planned_s = time.perf_counter() - started
    result = observed(lambda: import_people(actor=user, plan=planned, lookalikes="keep"))
    batch_s = time.perf_counter() - started
    if result.created != PEOPLE_ROWS or result.bad_rows:
        raise SystemExit(f"the import recorded {result.created} of {PEOPLE_ROWS} people ({result.bad_rows} bad rows)")
    started = time.perf_counter()
    again = import_people(actor=user, plan=plan(batch_file, team), lookalikes="keep")
    again_s = time.perf_counter() - started
    if again.created or again.already != PEOPLE_ROWS:
        raise SystemExit("the second import of the same list recorded someone")

    started = time.perf_counter()
    people = plan(single_file, other).new
    for start in range(0, len(people), PEOPLE_BATCH):
        with team_scope([other.pk]), transaction.atomic():
            for planned_person in people[start : start + PEOPLE_BATCH]:
                person = register_client(
                    actor=user,
                    home_team=other,
                    preferred_name=planned_person.name,
                    year_of_birth=planned_person.year_of_birth,
                    gender=planned_person.gender,
                )
                for name in [planned_person.old_code, *planned_person.aliases]:
                    add_alias(actor=user, client=person, name=name)
    single_s = time.perf_counter() - started
    with team_scope(EVERY_TEAM):
        stored = Client.objects.filter(home_team__in=[team, other]).count()
    if stored != PEOPLE_ROWS + PEOPLE_BASELINE_ROWS:
        raise SystemExit(f"{stored} people recorded, not {PEOPLE_ROWS + PEOPLE_BASELINE_ROWS}")
    return {
        "import_people_rows": PEOPLE_ROWS,
        "import_people_rows_per_s": round(PEOPLE_ROWS / batch_s, 1),
        "import_people_plan_s": round(planned_s, 1),
        "import_people_s": round(batch_s, 1),
        "import_people_again_rows_per_s": round(PEOPLE_ROWS / again_s, 1),
        "import_people_rows_per_s_one_by_one": round(PEOPLE_BASELINE_ROWS / single_s, 1),
        "import_people_one_by_one_rows": PEOPLE_BASELINE_ROWS,
        "import_people_batch_over_one_by_one": round((PEOPLE_ROWS / batch_s) / (PEOPLE_BASELINE_ROWS / single_s), 2),
        "import_people_load_average": round(os.getloadavg()[0], 1),
    }


def measure() -> dict[str, Any]:
    """In the benchmark's own database (DATABASE_URL): set up, then time both ways."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from datetime import datetime
    from datetime import time as clock

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Membership, Team, User
    from clients.models import Client, new_code
    from core.scope import EVERY_TEAM, team_scope
    from encounters.models import Encounter, Site
    from encounters.services.contacts import log_encounter
    from imports.planning import plan_contacts
    from imports.reading import read_rows
    from imports.services import BATCH, import_contacts

    with team_scope(EVERY_TEAM):
        team, _made = Team.objects.get_or_create(name="Bench import")
        user, _made = User.objects.get_or_create(username="bench-import")
        Membership.objects.get_or_create(user=user, team=team, role=Membership.Role.WORKER)
        for name in ("Plaza", "Estación"):
            Site.objects.get_or_create(team=team, name=name)
        if Client.objects.filter(home_team=team).count() < PEOPLE:
            Client.objects.bulk_create(
                Client(code=new_code(), home_team=team, preferred_name="", year_of_birth=1985) for _ in range(PEOPLE)
            )
        codes = list(Client.objects.filter(home_team=team).values_list("code", flat=True)[:PEOPLE])
    user = User.objects.get(pk=user.pk)  # its teams read afresh

    folder = Path(tempfile.mkdtemp(prefix="alongside-bench-import-"))
    batch_file, single_file = folder / "log.csv", folder / "baseline.csv"
    write_file(batch_file, codes, ROWS, first_year=2023)
    write_file(single_file, codes, BASELINE_ROWS, first_year=2021)

    def plan(path: Path) -> Any:
        with team_scope([team.pk]):
            return plan_contacts(team=team, rows=read_rows(path), date_order="dmy")

    started = time.perf_counter()
    planned = plan(batch_file)
    planned_s = time.perf_counter() - started
    result = observed(lambda: import_contacts(actor=user, plan=planned, repeats="keep"))
    batch_s = time.perf_counter() - started
    if result.created != ROWS or result.bad_rows:
        raise SystemExit(f"the import stored {result.created} of {ROWS} rows ({result.bad_rows} with problems)")
    started = time.perf_counter()
    again = import_contacts(actor=user, plan=plan(batch_file), repeats="keep")
    again_s = time.perf_counter() - started
    if again.created or again.already != ROWS:
        raise SystemExit("the second import of the same file stored something")

    started = time.perf_counter()
    baseline = plan(single_file)
    rows = baseline.good
    for start in range(0, len(rows), BATCH):
        with team_scope([team.pk]), transaction.atomic():
            for row in rows[start : start + BATCH]:
                log_encounter(
                    actor=user,
                    encounter_id=row.contact_id,
                    team=team,
                    client=row.person,
                    head_count=row.people,
                    happened_at=timezone.make_aware(datetime.combine(row.on, clock(12))),
                    site=row.site,
                    kind=row.kind,
                    services=row.services,
                    note=row.note,
                )
    single_s = time.perf_counter() - started
    with team_scope([team.pk]):
        stored = Encounter.objects.filter(team=team).count()
    if stored != ROWS + BASELINE_ROWS:
        raise SystemExit(f"{stored} contacts stored, not {ROWS + BASELINE_ROWS}")
    return {
        "import_rows": ROWS,
        "import_rows_per_s": round(ROWS / batch_s, 1),
        "import_plan_s": round(planned_s, 1),
        "import_s": round(batch_s, 1),
        "import_again_rows_per_s": round(ROWS / again_s, 1),
        "import_rows_per_s_one_by_one": round(BASELINE_ROWS / single_s, 1),
        "import_one_by_one_rows": BASELINE_ROWS,
        "import_batch_over_one_by_one": round((ROWS / batch_s) / (BASELINE_ROWS / single_s), 2),
        # How busy the machine was (other people's tests share its 2 cores): the 1-minute load.
        "import_load_average": round(os.getloadavg()[0], 1),
    }


def main() -> int:
    people_only = "--people" in sys.argv
    if "--measure" in sys.argv:
        print(json.dumps(measure_people() if people_only else {**measure(), **measure_people()}), flush=True)
        return 0
    url, started = database_url()
    try:
        server = connect(url, "postgres")
        server.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
        with server.cursor() as cur:
            cur.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(DATABASE)))
            cur.execute(SQL("CREATE DATABASE {}").format(Identifier(DATABASE)))
        server.close()
        from urllib.parse import urlsplit

        own = urlsplit(url)._replace(path=f"/{DATABASE}").geturl()
        env = django_env(own)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"], check=True, cwd=ROOT, env=env
        )
        if not people_only:
            say(f"importing {ROWS:,} contacts in batches, and {BASELINE_ROWS:,} one by one")
        say(f"importing {PEOPLE_ROWS:,} people in batches, and {PEOPLE_BASELINE_ROWS:,} one by one")
        done = subprocess.run(
            [sys.executable, "-m", "bench.imports", "--measure", *(["--people"] if people_only else [])],
            check=True,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        results = json.loads(done.stdout.strip().splitlines()[-1])
        say(
            f"  people: {results['import_people_rows_per_s']:,.0f} rows/s in batches ({results['import_people_s']} s,"
            f" planning {results['import_people_plan_s']} s); {results['import_people_rows_per_s_one_by_one']:,.0f}"
            f" rows/s one by one (x{results['import_people_batch_over_one_by_one']}); the same list again:"
            f" {results['import_people_again_rows_per_s']:,.0f} rows/s"
        )
        write_results(results)
        if people_only:
            return 0
        say(
            f"  {results['import_rows_per_s']:,.0f} rows/s in batches ({results['import_s']} s, planning"
            f" {results['import_plan_s']} s); {results['import_rows_per_s_one_by_one']:,.0f} rows/s one by one"
            f" (x{results['import_batch_over_one_by_one']}); the same file again:"
            f" {results['import_again_rows_per_s']:,.0f} rows/s"
        )
        if results["import_rows_per_s"] < TARGET_ROWS_PER_S:
            say(f"TARGET MISSED: import_rows_per_s {results['import_rows_per_s']} < {TARGET_ROWS_PER_S}")
            return 1
        return 0
    finally:
        if started:
            subprocess.run([*DEVDB, "stop"], check=False)


if __name__ == "__main__":
    raise SystemExit(main())
