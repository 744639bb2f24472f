"""`make bench-weight`: what Log a contact costs a phone in data, first load and repeat load.

Workers pay for mobile data, so DESIGN.md sets targets: at most 100 KB transferred
(compressed) on the first load of the page, at most 20 KB on a later load once the static
files are cached. Served as in production, the way `make run` serves it: gunicorn with
`config.settings.base` (through bench/weight_settings.py), static files collected by
CompressedManifestStaticFilesStorage into a temporary directory and served by WhiteNoise
(hashed names, far-future cache headers, gzip). Chromium on a 360 x 740 phone viewport
counts the bytes each response took on the wire (CDP `Network.loadingFinished`
`encodedDataLength`: headers and compressed body); a response from the browser's cache
takes none.

- first load: a fresh browser profile (empty cache), signed in by cookie, opens the page;
- repeat load: the same profile opens the page again (a new visit, not a reload, which
  would ask the server to revalidate every file).

Steps: a database of its own (`alongside_weight`, beside the one DATABASE_URL names, or on
the private server that scripts/devdb.py starts), migrated, with a team, a worker, a site
and 8 recently seen people (the picker's full list); collectstatic; gunicorn on a free
port; Chromium. The figures are printed and merged into bench/results.json as
`log_contact_first_kb` and `log_contact_repeat_kb` (1 KB = 1,000 bytes). Exit status 1
when a target is missed.

tests/e2e/test_page_weight.py runs the same measurement (`weigh`) in the browser tests.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DEVDB = [sys.executable, str(ROOT / "scripts" / "devdb.py")]
DATABASE = "alongside_weight"
LOG_CONTACT = "/contacts/log/"
FIRST_KB_MAX = 100.0
REPEAT_KB_MAX = 20.0
PHONE: ViewportSize = {"width": 360, "height": 740}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def say(message: str) -> None:
    print(message, flush=True)


@dataclass
class Load:
    """The responses of one page load: (url, bytes on the wire)."""

    responses: list[tuple[str, int]] = field(default_factory=list)

    @property
    def kb(self) -> float:
        return round(sum(size for _url, size in self.responses) / 1000, 1)


@dataclass
class Weight:
    first: Load
    repeat: Load

    def misses(self) -> list[str]:
        missed = []
        if self.first.kb > FIRST_KB_MAX:
            missed.append(f"first load {self.first.kb} KB > {FIRST_KB_MAX} KB")
        if self.repeat.kb > REPEAT_KB_MAX:
            missed.append(f"repeat load {self.repeat.kb} KB > {REPEAT_KB_MAX} KB")
        return missed


def load(page: Page, url: str) -> Load:
    """Open `url` and count every response's bytes on the wire until the network is quiet.

    A redirect keeps its request's id, so its response is counted when the next request of
    the chain is sent; the last response when it has finished loading.
    """
    cdp = page.context.new_cdp_session(page)
    urls: dict[str, str] = {}
    responses: list[tuple[str, int]] = []

    def sent(event: dict[str, Any]) -> None:
        redirect = event.get("redirectResponse")
        if redirect is not None:
            responses.append((redirect["url"], int(redirect["encodedDataLength"])))
        urls[event["requestId"]] = event["request"]["url"]

    def finished(event: dict[str, Any]) -> None:
        responses.append((urls.get(event["requestId"], "?"), int(event["encodedDataLength"])))

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    cdp.send("Network.enable")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    cdp.detach()
    return Load(responses)


def weigh(page: Page, url: str, *, after_first: Callable[[], None] | None = None) -> Weight:
    """First load in `page`'s (fresh) profile, then a repeat load with what it cached."""
    first = load(page, url)
    if after_first is not None:
        after_first()
    return Weight(first=first, repeat=load(page, url))


def print_weight(weight: Weight) -> None:
    for name, part in (("first load", weight.first), ("repeat load", weight.repeat)):
        say(f"{name}: {part.kb} KB")
        for url, size in sorted(part.responses, key=lambda row: -row[1]):
            say(f"  {size:>8,} B  {urlsplit(url).path}")


# --- Serving as in production -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, static_root: Path, secret_key: str) -> dict[str, str]:
    """As `make run` (scripts/dev.py), with the static files in `static_root`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.weight_settings",
        "ALONGSIDE_STATIC_ROOT": str(static_root),
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def collect_static(env: dict[str, str], *, ignore: tuple[str, ...] = ()) -> None:
    manage = [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"]
    subprocess.run([*manage, *(f"--ignore={pattern}" for pattern in ignore)], cwd=ROOT, env=env, check=True)


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """gunicorn as `make run` starts it; yields its base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# --- The standalone run -------------------------------------------------------------------


def database_url() -> tuple[str, bool]:
    """(url, started_here): DATABASE_URL's server, or the private one (as bench/run.py)."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return configured, False
    already_running = subprocess.run([*DEVDB, "running"], check=False).returncode == 0
    url = subprocess.run([*DEVDB, "start"], check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
    return url, not already_running


def recreate_database(url: str) -> str:
    import psycopg2
    from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT
    from psycopg2.sql import SQL, Identifier

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=parts.path.lstrip("/"),
    )
    connection.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with connection.cursor() as cursor:
        cursor.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(DATABASE)))
        cursor.execute(SQL("CREATE DATABASE {}").format(Identifier(DATABASE)))
    connection.close()
    return parts._replace(path=f"/{DATABASE}").geturl()


def seed() -> dict[str, str]:
    """Run inside Django (`python -m bench.page_weight seed`): a worker's session cookie."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client as HttpClient
    from django.utils import timezone

    from accounts.models import Membership, Team, User
    from accounts.sessions import stamp
    from clients.models import Client, new_code, normalise_name
    from encounters.models import Site

    team = Team.objects.create(name="North")
    worker = User.objects.create_user(username="weigh-worker", password=secrets.token_urlsafe(24))
    Membership.objects.create(user=worker, team=team, role=Membership.Role.WORKER)
    Site.objects.create(team=team, name="Bus station", area="Centre")
    names = ["Robin", "Sasha", "Noor", "Alex", "Jo", "Kim", "Ari", "Dee"]
    Client.objects.bulk_create(
        Client(code=new_code(), preferred_name=name, search_names=normalise_name(name), home_team=team)
        for name in names
    )
    Client.objects.update(last_seen_at=timezone.now())
    http = HttpClient()
    http.force_login(worker)
    session = http.session
    stamp(session, second_factor="")  # as the sign-in page does for a worker
    session.save()
    return {"name": settings.SESSION_COOKIE_NAME, "value": http.cookies[settings.SESSION_COOKIE_NAME].value}


def write_results(weight: Weight) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update({"log_contact_first_kb": weight.first.kb, "log_contact_repeat_kb": weight.repeat.kb})
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


def main() -> int:
    from playwright.sync_api import sync_playwright

    url, started = database_url()
    static_root = Path(tempfile.mkdtemp(prefix="alongside-static-"))
    try:
        env = server_env(recreate_database(url), static_root, secrets.token_urlsafe(50))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"], cwd=ROOT, env=env, check=True
        )
        collect_static(env)
        seeded = subprocess.run(
            [sys.executable, "-m", "bench.page_weight", "seed"], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE
        )
        cookie = json.loads(seeded.stdout)
        with serving(env) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=PHONE, screen=PHONE, is_mobile=True, has_touch=True, locale="en")
            context.add_cookies([{**cookie, "url": base_url}])
            weight = weigh(context.new_page(), base_url + LOG_CONTACT)
            browser.close()
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if started:
            subprocess.run([*DEVDB, "stop"], check=False)
    print_weight(weight)
    write_results(weight)
    missed = weight.misses()
    for miss in missed:
        say(f"TARGET MISSED: {miss}")
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["seed"]:
        print(json.dumps(seed()))
    else:
        raise SystemExit(main())
