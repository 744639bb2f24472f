"""`make run` and `make test`: set up the database, then serve the app or run the suite.

When DATABASE_URL is unset, a private PostgreSQL is started (scripts/devdb.py) and
stopped again on exit; when it is set, that server is used and left alone.

With the private server the app runs as production should: as the `alongside_app` role,
which cannot change the audit trail, with migrations run as the owner (DATABASE_MIGRATE_URL).
The tests create, migrate and empty their database as the owner and run as the app's role
(tests/db_roles.py).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEVDB = [PYTHON, str(ROOT / "scripts" / "devdb.py")]


def say(message: str) -> None:
    print(message, flush=True)


@contextmanager
def step(what: str) -> Iterator[list[str]]:
    """One line per step with its time: `alongside: migrating the database ... 2.1 s`.

    The step's name shows as it starts, so a long step is never silent. What a step has to
    tell (a port that moved) is added to the list it is given and printed under its line;
    the commands' own chatter is kept back and shown only if they fail.
    """
    print(f"alongside: {what} ...", end="", flush=True)
    started = time.monotonic()
    notes: list[str] = []
    try:
        yield notes
    except BaseException:
        print(" failed", flush=True)
        raise
    print(f" {time.monotonic() - started:.1f} s", flush=True)
    for note in notes:
        say(f"  {note}")


def quietly(command: list[str], *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command, keeping its output; on failure show it all and stop."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print("", flush=True)
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(done.returncode)
    return done


def database_urls() -> tuple[dict[str, str], bool]:
    """({DATABASE_URL, DATABASE_MIGRATE_URL}, started_here): the configured server, or the private one.

    A private server that was already running (another terminal's `make run`) is reused
    and left running on exit.
    """
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return {"DATABASE_URL": configured, "DATABASE_MIGRATE_URL": os.environ.get("DATABASE_MIGRATE_URL", "")}, False
    already_running = subprocess.run([*DEVDB, "running"], check=False).returncode == 0
    doing = "using the private PostgreSQL (running)" if already_running else "starting the private PostgreSQL"
    with step(doing) as notes:
        started = quietly([*DEVDB, "start"])
        owner = started.stdout.strip()
        app = quietly([*DEVDB, "app-url"]).stdout.strip()
        # devdb's own lines: where the data is, the port (and a port that had to move).
        notes += [line for line in started.stderr.splitlines() if line.startswith("devdb:")]
    return {"DATABASE_URL": app, "DATABASE_MIGRATE_URL": owner}, not already_running


def stop_database() -> None:
    subprocess.run([*DEVDB, "stop"], check=False)


def manage(*args: str, env: dict[str, str]) -> None:
    quietly([PYTHON, "manage.py", *args], env=env)


def secret_key() -> str:
    path = ROOT / "var" / "secret-key"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def run() -> int:
    urls, started = database_urls()
    port = os.environ.get("PORT", "8000")
    env = {
        **os.environ,
        **urls,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secret_key(),
        # Served on plain http on this machine: no https-only cookies or redirects.
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "ALONGSIDE_ALLOW_DEMO_DATA": "1",
    }
    children: list[subprocess.Popen[bytes]] = []

    def stop_children() -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        if started:
            stop_database()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        with step("migrating the database"):
            manage("migrate", "--no-input", env=env)
        with step("collecting static files"):
            manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
        with step("loading demo data"):
            manage("load_demo", env=env)
        # The dashboards' rollups: take in what is there, then refresh every minute (db_worker).
        with step("refreshing the dashboards' figures"):
            manage("refresh_rollups", "--schedule", env=env)
        with step(f"serving on http://127.0.0.1:{port}/ (gunicorn, and the background worker)"):
            children.append(subprocess.Popen([PYTHON, "manage.py", "db_worker"], cwd=ROOT, env=env))
            gunicorn = [
                PYTHON, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", "-", "--log-level", "warning",
            ]  # fmt: skip
            children.append(subprocess.Popen(gunicorn, cwd=ROOT, env=env))
            wait_for_http(int(port))
        print_welcome(port)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        say("A server process stopped; shutting down.")
    finally:
        stop_children()
    return 1


def wait_for_http(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)


def print_welcome(port: str) -> None:
    sys.path.insert(0, str(ROOT))
    from demo.logins import API_TOKENS, DEMO_PASSWORD, SIGN_INS
    from demo.totp import NEEDS_CODE, demo_key_text

    say("")
    say(f"  Alongside is running: http://127.0.0.1:{port}/")
    say(f"  Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for role, username in SIGN_INS:
        say(f"    {role:<40} {username}")
    say("  Supervisors, the data admin and the system admin also type a code from an authenticator")
    say("  app: `.venv/bin/python -m demo.totp` prints their codes now. Or add their keys to an app:")
    for username in NEEDS_CODE:
        say(f"    {username:<40} {demo_key_text(username)}")
    say(f"  The API (http://127.0.0.1:{port}/api/v1/docs), with demo tokens:")
    for username, scope, secret in API_TOKENS:
        say(f"    {username} ({scope}): {secret}")
    say(f"    curl -H 'Authorization: Bearer {API_TOKENS[0][2]}' http://127.0.0.1:{port}/api/v1/people")
    say("  Press Ctrl+C to stop (the database stops too).")
    say("")


def test(pytest_args: list[str]) -> int:
    urls, started = database_urls()
    env = {**os.environ, **urls, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    try:
        return subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT, env=env, check=False).returncode
    finally:
        if started:
            stop_database()


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    if command == "run":
        return run()
    if command == "test":
        return test(sys.argv[2:])
    say(f"unknown command {command!r}: use run or test")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
