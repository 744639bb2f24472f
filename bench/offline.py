"""`make bench-offline`: what offline use costs a phone, and how long a day's outbox takes to send.

Served as in production (gunicorn, `config.settings.base` through bench/weight_settings.py,
static files collected and compressed, WhiteNoise), driven by Debian's Chromium on a phone
viewport, the way a worker does it:

1. signed in by cookie, the worker opens Home → Offline use and turns it on with a PIN
   (600,000 PBKDF2 iterations in the browser);
2. `offline_shell_kb`: what the service worker downloaded for the shell, as it travels (the
   same URLs fetched with the browser's Accept-Encoding: gzip or brotli where the server has
   it), at most 300 KB; `offline_shell_stored_kb`: what the Cache Storage then holds
   (uncompressed bodies);
3. the context goes offline; 100 contacts are logged on the offline page (half for cached
   people, half anonymous), each encrypted and sealed;
4. the link is throttled through the Chrome DevTools protocol to 400 kbit/s each way and
   400 ms latency, the page is told the signal is back, and `sync_100_contacts_s` is the
   time until the page says nothing is waiting (target at most 30 s). The contacts stored
   are counted in the database (`sync_100_contacts_stored`, must be 100).

A database of its own (`alongside_offline`), as bench/page_weight.py does. Exit status 1 when
a target is missed. Figures are merged into bench/results.json.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bench.page_weight import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEVDB,
    PHONE,
    RESULTS,
    ROOT,
    collect_static,
    database_url,
    say,
    server_env,
    serving,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

DATABASE = "alongside_offline"
PIN = "482916"
CONTACTS = 100
SHELL_KB_MAX = 300.0
SYNC_S_MAX = 30.0
# 400 kbit/s each way, 400 ms latency (Chrome DevTools protocol: bytes per second, ms).
THROTTLE = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
ACCEPT_ENCODING = "gzip, deflate, br"


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


def stored_contacts(url: str) -> int:
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=parts.path.lstrip("/"),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM encounters_encounter")
        count = int(cursor.fetchone()[0])
    connection.close()
    return count


def seed() -> dict[str, str]:
    """Inside Django (`python -m bench.offline seed`): a worker, a site, 20 people; a session."""
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
    worker = User.objects.create_user(username="offline-worker", password=secrets.token_urlsafe(24))
    Membership.objects.create(user=worker, team=team, role=Membership.Role.WORKER)
    Site.objects.create(team=team, name="Bus station", area="Centre")
    names = ["Robin", "Sasha", "Noor", "Alex", "Jo", "Kim", "Ari", "Dee", "Lou", "Max"] * 2
    Client.objects.bulk_create(
        Client(code=new_code(), preferred_name=name, search_names=normalise_name(name), home_team=team)
        for name in names
    )
    Client.objects.update(last_seen_at=timezone.now())
    http = HttpClient()
    http.force_login(worker)
    session = http.session
    stamp(session, second_factor="")
    session.save()
    return {"name": settings.SESSION_COOKIE_NAME, "value": http.cookies[settings.SESSION_COOKIE_NAME].value}


def shell_on_the_wire(base_url: str, cookie: dict[str, str], shell: list[str]) -> float:
    """KB the shell's URLs take on the wire: bodies as served to a browser that accepts gzip and brotli."""
    total = 0
    for path in shell:
        request = urllib.request.Request(  # noqa: S310 (the bench's own local server)
            base_url + path,
            headers={"Accept-Encoding": ACCEPT_ENCODING, "Cookie": f"{cookie['name']}={cookie['value']}"},
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310
            body = response.read()
            total += len(body) + sum(len(k) + len(v) + 4 for k, v in response.getheaders())
    return round(total / 1000, 1)


STORED_JS = """async () => {
  let total = 0; const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      urls.push(new URL(request.url).pathname);
      total += (await (await cache.match(request)).blob()).size;
    }
  }
  return [total, urls];
}"""


def turn_on(page: Page, base_url: str) -> None:
    page.goto(base_url + "/offline/")
    page.get_by_label("Choose an offline PIN").fill(PIN)
    page.get_by_label("The same PIN again").fill(PIN)
    page.get_by_role("button", name="Turn on offline use").click()
    page.get_by_text("Offline use is on for this browser.").wait_for(timeout=120_000)


def queue(page: Page, base_url: str, count: int) -> None:
    page.goto(base_url + "/contacts/log/")
    page.get_by_label("Offline PIN").fill(PIN)
    page.get_by_role("button", name="Unlock").click()
    options = page.locator("#offline-picker label.picker-option")
    options.first.wait_for()
    people = options.count() - 1  # the last is Anonymous
    for number in range(count):
        if number % 2:
            page.locator("label[for='who-anonymous']").click()
        else:
            options.nth(number // 2 % people).click()
        page.get_by_role("button", name="One more: Sterile syringes").click()
        page.get_by_role("button", name="Save contact").click()
        page.locator("#offline-state").filter(has_text=f"{number + 1} contact").wait_for()


def sync_time(page: Page) -> float:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    page.context.set_offline(False)
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    started = time.monotonic()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#offline-state").filter(has_text="Nothing waiting to be sent.").wait_for(timeout=300_000)
    return round(time.monotonic() - started, 1)


def measure(base_url: str, cookie: Any, shell: list[str]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, screen=PHONE, is_mobile=True, has_touch=True, locale="en")
        context.add_cookies([{**cookie, "url": base_url}])
        page = context.new_page()
        turn_on(page, base_url)
        stored, cached = page.evaluate(STORED_JS)
        context.set_offline(True)
        queue(page, base_url, CONTACTS)
        seconds = sync_time(page)
        browser.close()
    return {
        "offline_shell_kb": shell_on_the_wire(base_url, cookie, cached or shell),
        "offline_shell_stored_kb": round(stored / 1000, 1),
        "offline_shell_files": len(cached),
        "sync_100_contacts_s": seconds,
    }


def main() -> int:
    url, started = database_url()
    static_root = Path(tempfile.mkdtemp(prefix="alongside-static-"))
    try:
        env = server_env(recreate_database(url), static_root, secrets.token_urlsafe(50))
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--no-input", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
        collect_static(env)
        seeded = subprocess.run(
            [sys.executable, "-m", "bench.offline", "seed"], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE
        )
        cookie = json.loads(seeded.stdout)
        with serving(env) as base_url:
            figures = measure(base_url, cookie, [])
        figures["sync_100_contacts_stored"] = stored_contacts(env["DATABASE_URL"])
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if started:
            subprocess.run([*DEVDB, "stop"], check=False)
    for name, value in figures.items():
        say(f"{name}: {value}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(figures)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    missed = []
    if figures["offline_shell_kb"] > SHELL_KB_MAX:
        missed.append(f"offline shell {figures['offline_shell_kb']} KB > {SHELL_KB_MAX} KB")
    if figures["sync_100_contacts_s"] > SYNC_S_MAX:
        missed.append(f"sync of 100 contacts {figures['sync_100_contacts_s']} s > {SYNC_S_MAX} s")
    if figures["sync_100_contacts_stored"] != CONTACTS:
        missed.append(f"{figures['sync_100_contacts_stored']} contacts stored, not {CONTACTS}")
    for miss in missed:
        say(f"TARGET MISSED: {miss}")
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["seed"]:
        print(json.dumps(seed()))
    else:
        raise SystemExit(main())
