"""Safe behind PgBouncer in transaction mode (docs/scaling.md): no state outlives a transaction.

PgBouncer lends a server connection for one transaction at a time, so anything the app
leaves on a connection (a session-level SET, a session advisory lock, a held cursor,
LISTEN) would reach whichever client gets that connection next. These tests read the app's
own code (not the scripts, benchmarks or tests, which connect directly) for such statements.
"""

import re
from pathlib import Path

from config.database import SESSION_SETTINGS, connect_query, replica_settings, startup_options

ROOT = Path(__file__).resolve().parent.parent.parent
NOT_APP = {"tests", "bench", "scripts", "var", ".venv", "migrations", "node_modules"}
# A SET that is not LOCAL (SET LOCAL, SET CONSTRAINTS and SET TRANSACTION end with the
# transaction), session advisory locks, set_config(..., false), LISTEN, cursors WITH HOLD.
SESSION_STATE = re.compile(
    r"""["']\s*SET\s+(?!LOCAL\b|CONSTRAINTS\b|TRANSACTION\b)"""
    r"""|pg_(?:try_)?advisory_lock(?:_shared)?\s*\("""
    r"""|set_config\s*\([^)]*,\s*false\s*\)"""
    r"""|["']\s*LISTEN\s|WITH\s+HOLD""",
)  # case-sensitive: the app writes SQL keywords in capitals ("Set aside" is not SQL)


def app_sources() -> list[Path]:
    return [path for path in ROOT.rglob("*.py") if not NOT_APP.intersection(path.relative_to(ROOT).parts)]


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_the_app_leaves_no_state_on_a_pooled_connection() -> None:
    """A line may be excused by a comment above it starting `# pooling-safe:` with the reason."""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in app_sources()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if SESSION_STATE.search(line) and not (number > 1 and "pooling-safe:" in lines(path)[number - 2])
    ]
    assert found == []


def test_the_check_finds_what_it_looks_for() -> None:
    """The control: each kind of leak is caught, the transaction-scoped forms are not."""
    leaks = [
        'cursor.execute("SET work_mem = 1")',
        'cursor.execute("SELECT pg_advisory_lock(1)")',
        "cursor.execute(\"SELECT set_config('app.team', %s, false)\")",
        'cursor.execute("LISTEN changes")',
        'cursor.execute("DECLARE c CURSOR WITH HOLD FOR SELECT 1")',
    ]
    fine = [
        'cursor.execute("SET LOCAL jit = off")',
        'cursor.execute("SELECT pg_advisory_xact_lock(1)")',
        "cursor.execute(\"SELECT set_config('app.team', %s, true)\")",
        'cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")',
    ]
    assert all(SESSION_STATE.search(line) for line in leaks)
    assert not any(SESSION_STATE.search(line) for line in fine)
    assert len(app_sources()) > 100


def test_a_pooler_sets_what_a_direct_connection_sends() -> None:
    """PgBouncer's connect_query and the startup options carry the same settings."""
    for name, value in SESSION_SETTINGS.items():
        assert f"-c {name}={value}" in startup_options()
        assert f"SET {name} = {value}" in connect_query()


def test_the_replica_is_a_mirror_in_tests_with_a_short_connect_timeout() -> None:
    entry = replica_settings({"NAME": "alongside", "HOST": "replica"}, {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True})
    assert entry["TEST"] == {"MIRROR": "default"}
    assert entry["OPTIONS"]["connect_timeout"] == 2
    assert (entry["CONN_MAX_AGE"], entry["CONN_HEALTH_CHECKS"]) == (60, True)
    assert startup_options() in entry["OPTIONS"]["options"]
