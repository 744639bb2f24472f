"""`make run` says what it is doing (issue 13, point 12): one line per step with its time,
then the address and a sign-in per role, and the app answers there.

Runs the real `scripts/dev.py run` (what `make run` calls once the virtualenv is there)
against a database of its own on the test server, on a free port, and stops it with Ctrl+C.
The virtualenv's own steps ("creating the virtualenv", "installing the pinned packages")
are printed by the Makefile before this and show in every CI log.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from demo.logins import SIGN_INS

ROOT = Path(__file__).resolve().parents[2]
STEP = re.compile(r"^alongside: (?P<what>.+) \.\.\. (?P<seconds>\d+\.\d) s$")
STEPS = [
    "migrating the database",
    "collecting static files",
    "loading demo data",
    "refreshing the dashboards' figures",
    "serving on http://127.0.0.1:{port}/ (gunicorn, and the background worker)",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_as_owner(statement: sql.Composable) -> None:
    """CREATE or DROP DATABASE as the tables' owner (outside a transaction)."""
    connection = psycopg2.connect(os.environ.get("DATABASE_MIGRATE_URL") or os.environ["DATABASE_URL"])
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def with_dbname(url: str, name: str) -> str:
    """`url` with its database name replaced (postgres://user:pw@host:port/NAME?options)."""
    head, _, tail = url.partition("://")
    authority, _, rest = tail.partition("/")
    _, query_mark, query = rest.partition("?")
    return f"{head}://{authority}/{name}{query_mark}{query}"


@pytest.fixture
def scratch_database() -> Iterator[str]:
    name = f"alongside_make_run_{secrets.token_hex(4)}"
    run_as_owner(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    run_as_owner(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def read_until(process: subprocess.Popen[str], marker: str, budget_s: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + budget_s
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if marker in line:
            return lines
    pytest.fail("make run never said it was running:\n" + "\n".join(lines))


@pytest.mark.slow
def test_make_run_prints_one_timed_line_per_step_then_the_address_and_sign_ins(scratch_database: str) -> None:
    app_url = os.environ["DATABASE_URL"]
    owner_url = os.environ.get("DATABASE_MIGRATE_URL") or app_url
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": with_dbname(app_url, scratch_database),
        "DATABASE_MIGRATE_URL": with_dbname(owner_url, scratch_database),
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "scripts/dev.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        lines = read_until(process, "Press Ctrl+C to stop", budget_s=300)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/sign-in/", timeout=120) as answer:  # noqa: S310
            assert answer.status == 200
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    steps = [match["what"] for line in lines if (match := STEP.match(line))]
    assert steps == [step.format(port=port) for step in STEPS], "\n".join(lines)
    assert f"  Alongside is running: http://127.0.0.1:{port}/" in lines
    printed = "\n".join(lines)
    for role, username in SIGN_INS:
        assert re.search(rf"^\s+{re.escape(role)}\s+{re.escape(username)}$", printed, re.MULTILINE), role
