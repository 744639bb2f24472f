"""Database connection settings shared by the settings module and scripts/cluster.py.

Plain Python without Django, so the cluster script can write PgBouncer's configuration from
the very values the app would send itself.
"""

from __future__ import annotations

from typing import Any

# Fuzzy search by name (clients.models.ClientQuerySet.matching) and duplicate detection use
# pg_trgm's `%>` / `%` operators, which the GIN index client_search_names_trgm serves. Their
# default thresholds (0.6 / 0.3) miss a swapped letter: "Jhonny" is only 0.29 similar to
# "Johnny". Set on every connection, so the index still picks the candidates.
SESSION_SETTINGS = {
    "pg_trgm.word_similarity_threshold": "0.25",
    "pg_trgm.similarity_threshold": "0.25",
}
# A replica that does not answer must not hold a page up: give up connecting after this.
REPLICA_CONNECT_TIMEOUT = 2


def startup_options() -> str:
    """SESSION_SETTINGS as libpq's `options` (sent when the connection starts)."""
    return " ".join(f"-c {name}={value}" for name, value in SESSION_SETTINGS.items())


def connect_query() -> str:
    """SESSION_SETTINGS as SQL, for a pooler to run on each new server connection."""
    # pooling-safe: the pooler runs it on every new server connection, so every client sees it
    return "; ".join(f"SET {name} = {value}" for name, value in SESSION_SETTINGS.items())


def add_session_options(database: dict[str, Any]) -> None:
    """Send SESSION_SETTINGS when a direct (not pooled) connection starts."""
    options = database.setdefault("OPTIONS", {})
    options["options"] = " ".join([options.get("options", ""), startup_options()]).strip()


def replica_settings(replica: dict[str, Any], default: dict[str, Any]) -> dict[str, Any]:
    """The replica's DATABASES entry: its own server, the primary's habits, a short connect
    timeout, and in tests the same test database as the primary (it is a copy of it)."""
    entry = {
        **replica,
        "CONN_MAX_AGE": default.get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": default.get("CONN_HEALTH_CHECKS", False),
        "TEST": {"MIRROR": "default"},
    }
    add_session_options(entry)
    entry["OPTIONS"]["connect_timeout"] = REPLICA_CONNECT_TIMEOUT
    return entry
