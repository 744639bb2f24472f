"""The backup drill (scripts/backup.py, `make backup` / `make restore`) on demo data.

A database of its own on the test server (made by the owner role, dropped at the end) gets
the migrations, the demo data and a few audit events; the drill dumps it and restores the
dump into a fresh database, where counts and checksums must match and pg_amcheck must pass.
The audit chain must hold in the copy with the same head. Then a changed row and a missing
row in the copy must show up in the comparison (the control).
"""

import importlib.util
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connections
from psycopg2 import sql

from audit.roles import CREDENTIALS, owner_credentials

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent


def backup_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("alongside_backup", ROOT / "scripts" / "backup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def owner() -> dict[str, str]:
    settings_dict = connections["default"].settings_dict
    return owner_credentials() or {key: settings_dict.get(key, "") for key in CREDENTIALS}


def url(database: str) -> str:
    who = owner()
    user, password = quote(str(who["USER"]), safe=""), quote(str(who["PASSWORD"]), safe="")
    return f"postgres://{user}:{password}@{who['HOST'] or '127.0.0.1'}:{who['PORT'] or 5432}/{database}"


def admin(statement: sql.Composable) -> None:
    who = owner()
    conn = psycopg2.connect(
        dbname="postgres",
        user=who["USER"],
        password=who["PASSWORD"],
        host=who["HOST"] or None,
        port=who["PORT"] or None,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def run(*command: str, database: str, **extra: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": url(database),
        "DATABASE_MIGRATE_URL": "",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        **extra,
    }
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def manage(*args: str, database: str, **extra: str) -> str:
    return run(sys.executable, "manage.py", *args, database=database, **extra)


@pytest.fixture
def demo_database() -> Iterator[str]:
    name = f"test_alongside_drill_{secrets.token_hex(4)}"
    admin(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        manage("migrate", "--no-input", "--verbosity", "0", database=name)
        manage(
            "shell",
            "-c",
            "from django.core.management import call_command; from audit.models import AuditEvent as A\n"
            "from audit.services import record\nfrom core.context import SystemActor\n"
            "call_command('load_demo')\n"
            "for n in range(3): record(action=A.Action.CLIENT_VIEWED, actor=SystemActor(f'drill-{n}'))",
            database=name,
            ALONGSIDE_ALLOW_DEMO_DATA="1",
        )
        yield name
    finally:
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_the_drill_restores_demo_data_exactly(demo_database: str, tmp_path: Path) -> None:
    out = run(sys.executable, "scripts/backup.py", "backup", "--dir", str(tmp_path), database=demo_database)
    (dump,) = tmp_path.glob(f"{demo_database}-*.dump")
    assert f"Backup: {dump}" in out
    taken = json.loads(Path(f"{dump}.json").read_text())
    tables = taken["tables"]
    for table in ("clients_client", "encounters_encounter", "encounters_serviceprovided", "goals_goal"):
        assert tables[f"public.{table}"]["rows"] > 0, table
    # The drill's three events, and those the demo's audited services wrote (stock, a volunteer's contacts).
    events = tables["public.audit_auditevent"]["rows"]
    assert events >= 3
    assert oct(dump.stat().st_mode & 0o777) == "0o600"

    out = run(sys.executable, "scripts/backup.py", "restore", str(dump), database=demo_database)
    restored = re.search(r"The restored database is kept: (\S+)", out)
    assert restored is not None, out
    copy = restored.group(1)
    try:
        assert f"Row counts and checksums equal: {len(tables)} tables" in out
        assert "pg_amcheck: no corruption found." in out
        source_heads = [
            line for line in manage("verify_audit_chain", database=demo_database).splitlines() if "Head" in line
        ]
        copy_check = manage("verify_audit_chain", database=copy)
        assert f"Audit chain intact: {events} links in" in copy_check  # the key came with the copy
        assert [line for line in copy_check.splitlines() if "Head" in line] == source_heads != []

        backup = backup_module()
        conn = psycopg2.connect(url(copy))
        try:
            with conn.cursor() as cursor:
                assert backup.differences(taken, backup.manifest(cursor)) == []
                cursor.execute(
                    "UPDATE clients_client SET preferred_name = 'Changed'"
                    " WHERE id = (SELECT id FROM clients_client ORDER BY id LIMIT 1)"
                )
                cursor.execute("DELETE FROM goals_step WHERE id = (SELECT id FROM goals_step ORDER BY id DESC LIMIT 1)")
                found = backup.differences(taken, backup.manifest(cursor))
            conn.rollback()
        finally:
            conn.close()
        assert [line.split(":")[0] for line in found] == ["public.clients_client", "public.goals_step"]
        rows = tables["public.goals_step"]["rows"]
        assert f"'rows': {rows - 1}" in found[1]
    finally:
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))


def test_restore_refuses_a_dump_without_its_manifest(tmp_path: Path) -> None:
    dump = tmp_path / "stray.dump"
    dump.write_bytes(b"PGDMP")
    backup = backup_module()
    assert backup.restore("postgres://unused@127.0.0.1/unused", dump, drop=True) == 2
