"""`make run` and `make test` survive the private PostgreSQL's remembered port being taken
(issue 13): another server (another clone's PostgreSQL, anything) listens there since.

The port is really taken: a socket is bound and listening on it while devdb starts.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


@pytest.fixture
def checkout() -> Iterator[Path]:
    """A checkout of its own: scripts/devdb.py and a var/ folder, readable by the server's
    user when the tests run as root (devdb runs PostgreSQL as `postgres` then)."""
    folder = Path(tempfile.mkdtemp(prefix="devdb-", dir="/tmp"))  # noqa: S108 (a private temporary folder)
    folder.chmod(0o755)
    (folder / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "devdb.py", folder / "scripts" / "devdb.py")
    (folder / "var").mkdir()
    yield folder
    subprocess.run([sys.executable, str(folder / "scripts" / "devdb.py"), "stop"], check=False, capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


def devdb(checkout: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DEVDB_PORT"}
    script = str(checkout / "scripts" / "devdb.py")
    return subprocess.run([sys.executable, script, command], env=env, capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_a_taken_port_is_left_for_a_free_one_that_is_remembered_and_told(checkout: Path) -> None:
    taken = listening_socket()
    with taken:
        port = taken.getsockname()[1]
        (checkout / "var" / "postgres-port").write_text(str(port))

        started = devdb(checkout, "start")

        assert started.returncode == 0, started.stderr
        moved_to = int((checkout / "var" / "postgres-port").read_text())
        assert moved_to != port
        assert f"port {port} is taken by another server; using port {moved_to} from now on" in started.stderr
        assert f"@127.0.0.1:{moved_to}/" in started.stdout  # the URL make run and make test use
        with socket.create_connection(("127.0.0.1", moved_to), timeout=5):
            pass  # PostgreSQL listens there

    # Next time the moved-to port is used, and nothing more is said about ports.
    assert devdb(checkout, "stop").returncode == 0
    again = devdb(checkout, "start")
    assert again.returncode == 0, again.stderr
    assert f"@127.0.0.1:{moved_to}/" in again.stdout
    assert "taken" not in again.stderr


def test_a_port_in_use_is_seen_whether_listening_or_only_bound() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import devdb as script  # type: ignore[import-not-found]

    with listening_socket() as listening:
        assert script.port_in_use(listening.getsockname()[1])
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        assert script.port_in_use(bound.getsockname()[1])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert not script.port_in_use(free)
    assert script.free_port(after=free - 1) >= free
