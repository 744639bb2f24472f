"""`make cluster` / `make cluster-stop`: Alongside past one machine, every part on loopback.

    HAProxy :haproxy  --health checks on /health/-->  gunicorn app1, app2  (stateless)
                                                         |  writes, most reads
                                                         v
    db_worker (exports, rollups) -------------->  PgBouncer (transaction pooling)
                                                         |
                                                         v
                                          PostgreSQL primary --streaming--> replica
                                                                    ^
    dashboards, organisation view, exports read here (core/replica.py) unless it lags

Everything lives in var/cluster/ (data folders, configuration, logs, pid files) and is
reused by the next `make cluster`: the primary keeps its data, the replica is a
pg_basebackup of it made once (same binaries, so the same major version). PostgreSQL and
PgBouncer refuse to run as root: as root they run as the user scripts/devdb.py picks.

The primary is a real one: fsync and synchronous commit stay on (unlike the development
server), WAL for a replica, a replication slot so the replica catches up after an outage.

Usage: cluster.py start | stop | status | env | stop-apps
       cluster.py stop-node app1|app2 | start-node app1|app2 | stop-replica | start-replica
       cluster.py restart-primary      (the faults bench/loadtest.py plays; docs/scaling.md)
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import devdb  # noqa: E402 (scripts/ is not a package)

from config.database import connect_query  # noqa: E402

STATE = ROOT / "var" / "cluster"
FIRST_PORT = 55400
PORT_NAMES = ("primary", "replica", "pgbouncer", "app1", "app2", "haproxy")
APP_NODES = ("app1", "app2")
REPLICATION_USER = "alongside_replication"
SLOT = "alongside_replica"
PYTHON = sys.executable
# Per app node on this 2-core machine: four processes of one thread each. Threads share a
# process's interpreter lock, so a page being drawn held up the other threads' requests
# behind it; separate processes let the operating system share the cores between them.
# At 120 users on a quiet machine (bench/README.md, "The cluster under load"): p95 480 ms
# with 2 processes x 4 threads, 330 ms with 3 x 2, 210 ms with 4 x 1, the same requests/s.
GUNICORN_WORKERS = int(os.environ.get("CLUSTER_WORKERS", "4"))
GUNICORN_THREADS = int(os.environ.get("CLUSTER_THREADS", "1"))
# PgBouncer: client connections it accepts, and server connections per database and user.
POOL_CLIENTS = 500
POOL_SIZE = 20


def tool(name: str) -> str:
    """A Debian package's program (in /usr/sbin, which a plain user's PATH may lack)."""
    return shutil.which(name) or f"/usr/sbin/{name}"


def say(message: str) -> None:
    print(f"cluster: {message}", file=sys.stderr, flush=True)


def secret(name: str) -> str:
    """A password kept in var/cluster/<name> (made on first use, private to root)."""
    path = STATE / name
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def ports() -> dict[str, int]:
    """Ports chosen once (the first free ones from FIRST_PORT) and kept in var/cluster/ports.json."""
    path = STATE / "ports.json"
    if path.exists():
        return {name: int(port) for name, port in json.loads(path.read_text()).items()}
    chosen: dict[str, int] = {}
    port = FIRST_PORT
    for name in PORT_NAMES:
        while devdb.port_in_use(port) or port in chosen.values():
            port += 1
        chosen[name] = port
        port += 1
    STATE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(chosen, indent=2))
    return chosen


class Primary(devdb.Server):
    """devdb's server with the cluster's own folder, port and passwords, durable, with WAL
    for a streaming replica."""

    def __init__(self) -> None:
        super().__init__()
        base = devdb.state_dir(self.user) / "cluster"
        base.mkdir(exist_ok=True)
        devdb.chown(base, self.user)
        self.base = base
        self.datadir = base / "primary"
        self.logfile = base / "primary.log"
        self.password_file = STATE / "owner-password"
        self.app_password_file = STATE / "app-password"
        secret("owner-password")

    @property
    def port(self) -> int:  # type: ignore[override]
        return ports()["primary"]

    def server_options(self) -> str:
        return (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='' -c timezone=UTC "
            "-c wal_level=replica -c max_wal_senders=5 -c max_replication_slots=5 -c max_connections=150"
        )

    def psql(self, statements: str, database: str = "postgres") -> str:
        done = subprocess.run(
            [self.bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", devdb.DB_USER, "-d", database, "-qXtA"],
            input=statements,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PGPASSWORD": self.password},
        )
        return done.stdout.strip()

    def ensure_replication_role(self) -> None:
        password = secret("replication-password")  # url-safe: letters, digits, - and _
        self.psql(
            f"""
            SELECT 'CREATE ROLE {REPLICATION_USER}'
             WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{REPLICATION_USER}')
            \\gexec
            ALTER ROLE {REPLICATION_USER} WITH LOGIN REPLICATION PASSWORD '{password}';
            """  # noqa: S608 (constants and a url-safe token)
        )


class Replica:
    """A hot standby made by pg_basebackup from the primary, streaming through a slot."""

    def __init__(self, primary: Primary) -> None:
        self.primary = primary
        self.datadir = primary.base / "replica"
        self.logfile = primary.base / "replica.log"

    @property
    def port(self) -> int:
        return ports()["replica"]

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        command = [self.primary.bin("pg_ctl"), *args, "--pgdata", str(self.datadir)]
        quiet = args[0] == "status"
        return subprocess.run(
            devdb.as_user(self.primary.user, command),
            check=False,
            stdout=subprocess.DEVNULL if quiet else sys.stderr,
            stderr=subprocess.DEVNULL if quiet else None,
        )

    def is_running(self) -> bool:
        return (self.datadir / "PG_VERSION").exists() and self.pg_ctl("status").returncode == 0

    def create(self) -> None:
        if (self.datadir / "PG_VERSION").exists():
            return
        say(f"making the replica: pg_basebackup of the primary into {self.datadir}")
        self.primary.psql(
            f"SELECT pg_drop_replication_slot('{SLOT}') FROM pg_replication_slots WHERE slot_name = '{SLOT}'"  # noqa: S608
        )
        subprocess.run(
            devdb.as_user(
                self.primary.user,
                [
                    self.primary.bin("pg_basebackup"),
                    "--pgdata",
                    str(self.datadir),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.primary.port),
                    "--username",
                    REPLICATION_USER,
                    "--wal-method",
                    "stream",
                    "--create-slot",
                    "--slot",
                    SLOT,
                    "--write-recovery-conf",
                    "--checkpoint",
                    "fast",
                ],
            ),  # fmt: skip
            check=True,
            stdout=sys.stderr,
            env={**os.environ, "PGPASSWORD": secret("replication-password")},
        )

    def start(self) -> None:
        self.create()
        if self.is_running():
            return
        say(f"starting the replica on 127.0.0.1:{self.port}")
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='' -c timezone=UTC "
            "-c hot_standby=on -c hot_standby_feedback=on -c max_connections=150"
        )
        self.logfile.touch()
        devdb.chown(self.logfile, self.primary.user)
        done = self.pg_ctl("start", "--wait", "--log", str(self.logfile), "-o", options)
        if done.returncode != 0:
            raise SystemExit(f"the replica did not start; see {self.logfile}")

    def stop(self) -> None:
        if self.is_running():
            say("stopping the replica")
            self.pg_ctl("stop", "--wait", "--mode", "fast")


@dataclass
class Process:
    """A process of ours: its pid file and log in var/cluster/."""

    name: str

    @property
    def pidfile(self) -> Path:
        return STATE / f"{self.name}.pid"

    @property
    def log(self) -> Path:
        return STATE / f"{self.name}.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        except PermissionError:
            return pid
        return pid

    def spawn(self, command: list[str], env: dict[str, str]) -> None:
        if self.pid() is not None:
            return
        with self.log.open("ab") as log:
            child = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.pidfile.write_text(str(child.pid))

    def stop(self, timeout: float = 30) -> None:
        pid = self.pid()
        if pid is None:
            self.pidfile.unlink(missing_ok=True)
            return
        say(f"stopping {self.name} (pid {pid})")
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            reap(pid)
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pidfile.unlink(missing_ok=True)


def reap(pid: int) -> None:
    """Collect a child of ours that has exited (only the start of a session spawns them)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


class Cluster:
    def __init__(self) -> None:
        STATE.mkdir(parents=True, exist_ok=True)
        self.primary = Primary()
        self.replica = Replica(self.primary)
        self.ports = ports()

    # Connection strings -----------------------------------------------------------------

    def owner_url(self) -> str:
        return self.primary.url()

    def app_url(self, *, port: int, database: str = devdb.DB_NAME) -> str:
        return f"postgres://{devdb.APP_USER}:{self.primary.app_password}@127.0.0.1:{port}/{database}"

    def app_env(self) -> dict[str, str]:
        """The environment of every app node and the worker: primary through PgBouncer, the
        replica directly (it takes only short reads; a dead one refuses at once)."""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": self.app_url(port=self.ports["pgbouncer"]),
            "DATABASE_TRANSACTION_POOLING": "1",
            "DATABASE_REPLICA_URL": self.app_url(port=self.ports["replica"]),
            "DATABASE_MIGRATE_URL": self.owner_url(),
            "DJANGO_SECRET_KEY": secret("secret-key"),
            # Served on plain http on loopback, as `make run` is.
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_HSTS_SECONDS": "0",
            # INFO: each replica-or-primary choice is logged (bench/loadtest.py counts them).
            "DJANGO_LOG_LEVEL": "INFO",
            "ALONGSIDE_ALLOW_DEMO_DATA": "1",
            # Exports where every node reaches them (docs/scaling.md: on shared storage).
            "ALONGSIDE_EXPORT_ROOT": str(STATE / "exports"),
        }

    # PgBouncer ----------------------------------------------------------------------------

    def pgbouncer_folder(self) -> Path:
        return self.primary.base / "pgbouncer"

    def write_pgbouncer_config(self) -> Path:
        folder = self.pgbouncer_folder()
        folder.mkdir(exist_ok=True)
        devdb.chown(folder, self.primary.user)
        users = folder / "userlist.txt"
        users.write_text(
            f'"{devdb.APP_USER}" "{self.primary.app_password}"\n"{devdb.DB_USER}" "{self.primary.password}"\n'
        )
        users.chmod(0o600)
        devdb.chown(users, self.primary.user)
        config = folder / "pgbouncer.ini"
        config.write_text(
            f"""; Written by scripts/cluster.py: PgBouncer in transaction mode in front of the primary.
[databases]
{devdb.DB_NAME} = host=127.0.0.1 port={self.ports["primary"]} dbname={devdb.DB_NAME} connect_query='{connect_query()}'

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.ports["pgbouncer"]}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {users}
admin_users = {devdb.DB_USER}
pool_mode = transaction
max_client_conn = {POOL_CLIENTS}
default_pool_size = {POOL_SIZE}
reserve_pool_size = 5
reserve_pool_timeout = 2
; a server connection that stops answering is dropped, and a client waiting for a
; connection while the primary restarts waits this long before it gets an error
query_wait_timeout = 15
server_connect_timeout = 3
server_login_retry = 1
log_connections = 0
log_disconnections = 0
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
"""
        )
        devdb.chown(config, self.primary.user)
        return config

    def pgbouncer_pid(self) -> int | None:
        try:
            pid = int((self.pgbouncer_folder() / "pgbouncer.pid").read_text().strip())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        return pid

    def start_pgbouncer(self) -> None:
        if self.pgbouncer_pid() is not None:
            return
        config = self.write_pgbouncer_config()
        say(f"starting PgBouncer on 127.0.0.1:{self.ports['pgbouncer']}")
        subprocess.run(devdb.as_user(self.primary.user, [tool("pgbouncer"), "--daemon", str(config)]), check=True)
        wait_for_port(self.ports["pgbouncer"], "PgBouncer")

    def stop_pgbouncer(self) -> None:
        pid = self.pgbouncer_pid()
        if pid is not None:
            say(f"stopping PgBouncer (pid {pid})")
            os.kill(pid, signal.SIGINT)  # "safe shutdown": waits for transactions to end
            wait_gone(pid, timeout=15)

    # App nodes, worker, HAProxy -----------------------------------------------------------

    def start_node(self, name: str) -> None:
        port = self.ports[name]
        say(f"starting app node {name} (gunicorn) on 127.0.0.1:{port}")
        command = [
            # config/gunicorn.py: the garbage collector tuned once the app is loaded.
            PYTHON, "-m", "gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(GUNICORN_WORKERS), "--threads", str(GUNICORN_THREADS), "--worker-class", "gthread",
            "--graceful-timeout", "10", "--timeout", "60", "--access-logfile", str(STATE / f"{name}.access.log"),
            # Longer than HAProxy keeps an idle connection to a node (pool-purge-delay, 5 s), so
            # HAProxy, not gunicorn, closes it: never a request sent on a connection being closed.
            "--keep-alive", "75",
        ]  # fmt: skip
        Process(name).spawn(command, self.app_env())
        wait_for_port(port, name)

    def start_worker(self) -> None:
        say("starting the background worker (db_worker)")
        Process("worker").spawn([PYTHON, "manage.py", "db_worker"], self.app_env())

    def write_haproxy_config(self) -> Path:
        servers = "\n".join(f"    server {name} 127.0.0.1:{self.ports[name]} check" for name in APP_NODES)
        config = STATE / "haproxy.cfg"
        config.write_text(
            f"""# Written by scripts/cluster.py: HAProxy in front of the app nodes.
global
    maxconn 2000

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    # A phone thinks between taps: keep its connection open across the pause.
    timeout http-keep-alive 30s
    # A request that could not reach a node (connection refused or timed out) goes to the
    # other one: it was never processed, so this is safe for every POST. A request a node
    # dropped part-way is not replayed here (registering a person twice would be worse than
    # an error page); the person retries, and a contact's own id keeps it stored once.
    retries 2
    option redispatch 1
    retry-on conn-failure

frontend web
    bind 127.0.0.1:{self.ports["haproxy"]}
    default_backend app

backend app
    balance leastconn
    option httpchk
    http-check send meth GET uri /health/ ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
{servers}
"""
        )
        return config

    def start_haproxy(self) -> None:
        if Process("haproxy").pid() is not None:
            return
        config = self.write_haproxy_config()
        say(f"starting HAProxy on 127.0.0.1:{self.ports['haproxy']}")
        subprocess.run([tool("haproxy"), "-D", "-f", str(config), "-p", str(STATE / "haproxy.pid")], check=True)
        wait_for_port(self.ports["haproxy"], "HAProxy")

    # The whole ----------------------------------------------------------------------------

    def manage(self, *args: str) -> None:
        env = {**self.app_env(), "DATABASE_URL": self.app_url(port=self.ports["primary"])}
        env.pop("DATABASE_TRANSACTION_POOLING")
        subprocess.run([PYTHON, "manage.py", *args], check=True, cwd=ROOT, env=env)

    def start(self) -> None:
        self.primary.start()
        self.primary.ensure_replication_role()
        # Before the replica is made, so it starts with the schema and the demo data.
        say("migrating, collecting static files, loading the demo data")
        self.manage("migrate", "--no-input", "--verbosity", "0")
        self.manage("collectstatic", "--no-input", "--verbosity", "0")
        self.manage("load_demo")
        self.manage("refresh_rollups", "--schedule")
        self.replica.start()
        self.start_pgbouncer()
        for name in APP_NODES:
            self.start_node(name)
        self.start_worker()
        self.start_haproxy()
        wait_for_health(self.ports["haproxy"])
        self.print_status()

    def stop(self) -> None:
        Process("haproxy").stop()
        for name in APP_NODES:
            Process(name).stop()
        Process("worker").stop()
        self.stop_pgbouncer()
        self.replica.stop()
        self.primary.stop()

    def print_status(self) -> None:
        rows = [
            ("HAProxy (open this)", f"http://127.0.0.1:{self.ports['haproxy']}/", Process("haproxy").pid()),
            *(
                (f"app node {name} (gunicorn)", f"http://127.0.0.1:{self.ports[name]}/", Process(name).pid())
                for name in APP_NODES
            ),
            ("background worker (db_worker)", "-", Process("worker").pid()),
            ("PgBouncer (transaction mode)", f"127.0.0.1:{self.ports['pgbouncer']}", self.pgbouncer_pid()),
            ("PostgreSQL primary", f"127.0.0.1:{self.ports['primary']}", self.primary.is_running()),
            ("PostgreSQL replica (streaming)", f"127.0.0.1:{self.ports['replica']}", self.replica.is_running()),
        ]
        print("")
        print(f"  Alongside cluster (state in {STATE.relative_to(ROOT)}/, logs there too):")
        for what, where, pid in rows:
            state = "down" if pid in (None, False) else ("up" if pid is True else f"pid {pid}")
            print(f"    {what:<32} {where:<28} {state}")
        print("  Demo sign-ins as for `make run` (README). Stop everything: make cluster-stop")
        print("")


def wait_for_port(port: int, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not listen on port {port}; see var/cluster/")


def wait_for_health(port: int, timeout: float = 60) -> None:
    """Until HAProxy answers /health/ with 200 (a node has passed its checks)."""
    from urllib.error import URLError
    from urllib.request import urlopen

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit("HAProxy found no healthy app node; see var/cluster/*.log")


def wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    argument = sys.argv[2] if len(sys.argv) > 2 else ""
    cluster = Cluster()
    if command == "start":
        cluster.start()
    elif command == "stop":
        cluster.stop()
    elif command == "status":
        cluster.print_status()
    elif command == "env":
        print(json.dumps({"ports": cluster.ports, "owner_url": cluster.owner_url(), "app": cluster.app_env()}))
    elif command == "stop-apps":  # the app nodes and the worker (bench/loadtest.py, before a reseed)
        for name in (*APP_NODES, "worker"):
            Process(name).stop()
    elif command == "stop-node" and argument in APP_NODES:
        Process(argument).stop()
    elif command == "start-node" and argument in APP_NODES:
        cluster.start_node(argument)
    elif command == "stop-replica":
        cluster.replica.stop()
    elif command == "start-replica":
        cluster.replica.start()
    elif command == "restart-primary":
        say("restarting the primary (fast shutdown: every connection is cut)")
        cluster.primary.stop()
        cluster.primary.start()
    else:
        say(f"unknown command {' '.join(sys.argv[1:])!r}")
        raise SystemExit(2)


if __name__ == "__main__":
    main()
