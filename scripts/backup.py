"""The backup drill: `make backup` and `make restore FILE=...`.

backup   A custom-format pg_dump into var/backups/ (or --dir), named after the database and
         the UTC time, with a manifest beside it (<dump>.json): each table's row count and
         checksum (md5 over the md5 of every row, in order) and each sequence's position.
         The manifest is computed inside the very snapshot pg_dump copies (pg_export_snapshot
         and pg_dump --snapshot), so it matches the dump exactly even while people keep
         working.
restore  Restores a dump into a fresh database on the same server (<database>_restore_<time>),
         recomputes the manifest there and compares it with the one taken at backup time,
         then runs pg_amcheck (heap and B-tree checks, every heap tuple found in its
         indexes) on the restored database. Exit status 1 when anything differs or is
         corrupt. The restored database is kept (its name is printed) unless --drop.

Connection: DATABASE_MIGRATE_URL (the owner role), else DATABASE_URL, else the private
development server (scripts/devdb.py). Binaries: the ones devdb.py finds (`bindir`), so the
dump and restore tools match the server in development and CI. Passwords go through the
environment (PGPASSWORD), never the command line.

Restore keeps no owners or grants (--no-owner --no-privileges): the restoring role owns the
copy. To put a restored database into service, point DATABASE_MIGRATE_URL and DATABASE_URL at
it and run `manage.py migrate`, which grants the application's role again (audit/roles.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from devdb import Server, find_bindir  # noqa: E402 (scripts/ is not a package)

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


def say(message: str) -> None:
    print(message, flush=True)


def source_url() -> str:
    configured = os.environ.get("DATABASE_MIGRATE_URL") or os.environ.get("DATABASE_URL")
    if configured:
        return configured
    server = Server()
    server.start()
    return server.url()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(name)))


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def connect(url: str) -> Any:
    parts = urlsplit(url)
    return psycopg2.connect(
        dbname=unquote(parts.path.lstrip("/")),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )


def libpq_environment(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    return {
        **os.environ,
        "PGHOST": parts.hostname or "127.0.0.1",
        "PGPORT": str(parts.port or 5432),
        "PGUSER": unquote(parts.username or ""),
        "PGPASSWORD": unquote(parts.password or ""),
        "PGDATABASE": unquote(parts.path.lstrip("/")),
    }


def tool(name: str) -> str:
    return str(Path(find_bindir()) / name)


def manifest(cursor: Any) -> dict[str, Any]:
    """Row counts and checksums of every table, positions of every sequence, as this snapshot sees them."""
    cursor.execute("SET TIME ZONE 'UTC'")  # rows as text: the same text on both sides
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname <> ALL(%s) ORDER BY 1, 2",
        [list(SYSTEM_SCHEMAS)],
    )
    tables = {}
    for schema, table in cursor.fetchall():
        cursor.execute(
            sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), ''))"
                " FROM (SELECT md5(t::text) AS h FROM {}.{} AS t) AS rows"
            ).format(sql.Identifier(schema), sql.Identifier(table))
        )
        rows, checksum = cursor.fetchone()
        tables[f"{schema}.{table}"] = {"rows": rows, "md5": checksum}
    cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences ORDER BY 1")
    sequences = dict(cursor.fetchall())
    return {"tables": tables, "sequences": sequences}


def backup(url: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dump = folder / f"{database_name(url)}-{stamp}.dump"
    with connect(url) as conn, conn.cursor() as cursor:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, version = cursor.fetchone()
        subprocess.run(
            [tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", "--no-password"],
            check=True,
            env=libpq_environment(url),
        )
        contents = manifest(cursor)
    conn.close()
    dump.chmod(0o600)
    record = {"database": database_name(url), "taken_at": stamp, "server_version": version, **contents}
    manifest_file = Path(f"{dump}.json")
    manifest_file.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    manifest_file.chmod(0o600)
    rows = sum(table["rows"] for table in contents["tables"].values())
    say(f"Backup: {dump} ({dump.stat().st_size:,} bytes; {len(contents['tables'])} tables, {rows:,} rows)")
    return dump


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What the restored database has that the backup did not, and the other way round."""
    found = []
    for kind in ("tables", "sequences"):
        want, have = expected[kind], actual[kind]
        for name in sorted(set(want) | set(have)):
            if name not in have:
                found.append(f"{name}: missing after restore")
            elif name not in want:
                found.append(f"{name}: not in the backup")
            elif want[name] != have[name]:
                found.append(f"{name}: backup {want[name]}, restored {have[name]}")
    return found


def restore(url: str, dump: Path, *, drop: bool) -> int:
    manifest_file = Path(f"{dump}.json")
    if not manifest_file.exists():
        say(f"No manifest beside the dump ({manifest_file}): take backups with `make backup`.")
        return 2
    expected = json.loads(manifest_file.read_text())
    target = f"{expected['database']}_restore_{datetime.now(UTC):%Y%m%d%H%M%S}"
    target_url = with_database(url, target)
    admin = connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(target)))
    try:
        say(f"Restoring {dump.name} into a fresh database {target}")
        subprocess.run(
            [tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--jobs=2", "--no-password",
             f"--dbname={target}", str(dump)],
            check=True,
            env=libpq_environment(target_url),
        )  # fmt: skip
        with connect(target_url) as conn, conn.cursor() as cursor:
            actual = manifest(cursor)
        conn.close()
        found = differences(expected, actual)
        rows = sum(table["rows"] for table in actual["tables"].values())
        if found:
            say(f"Restore DIFFERS from the backup in {len(found)} places:")
            for line in found:
                say(f"  {line}")
        else:
            tables, sequences = len(actual["tables"]), len(actual["sequences"])
            say(f"Row counts and checksums equal: {tables} tables ({rows:,} rows), {sequences} sequences.")
        checked = subprocess.run(
            [tool("pg_amcheck"), "--install-missing", "--heapallindexed", "--no-password", target],
            check=False,
            env=libpq_environment(target_url),
        )
        say("pg_amcheck: no corruption found." if checked.returncode == 0 else "pg_amcheck: CORRUPTION found (above).")
        failed = bool(found) or checked.returncode != 0
        if not drop:
            say(f"The restored database is kept: {target} (drop it with: DROP DATABASE {target};)")
        return 1 if failed else 0
    finally:
        if drop:
            with admin.cursor() as cursor:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
        admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("backup", help="dump the database and its manifest")
    take.add_argument("--dir", type=Path, default=ROOT / "var" / "backups")
    back = commands.add_parser("restore", help="restore a dump into a fresh database and check it")
    back.add_argument("file", type=Path)
    back.add_argument("--drop", action="store_true", help="drop the restored database after the checks")
    args = parser.parse_args(argv)
    url = source_url()
    if args.command == "backup":
        backup(url, args.dir)
        return 0
    if not args.file.is_file():
        say(f"No such dump: {args.file}")
        return 2
    return restore(url, args.file, drop=args.drop)


if __name__ == "__main__":
    raise SystemExit(main())
