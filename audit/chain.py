"""The audit trail's hash chain: each event is a link whose keyed hash covers the link before it.

Why a chain as well as the append-only trigger and the application role's missing UPDATE
privilege: those stop the application from rewriting history, but not someone holding the
table owner's password (a database administrator, a stolen backup restored and edited).
With the chain, any change, removal or insertion in the middle of the history breaks every
later link, and `manage.py verify_audit_chain` finds the first broken one; recording the
heads it prints somewhere else (`--anchor`) also catches a rewritten or cut-off tail.

Why keyed (issue 20): with a plain sha256 anyone who can read the table can compute a valid
link. Each link is HMAC-SHA256 under a key in `audit_chain_key`, a table only the owner can
read; the application's role can neither read the key nor call the function that uses it
(`audit_chain_mac`). It writes an event only by calling `audit_append` (it has no INSERT on
the table, and a trigger refuses an INSERT by anyone but the owner), and the database links
the row itself. So the application's role cannot make a valid link: a row it got in any
other way, even with a hash computed as the old chain did, fails verification. The
verifier asks the database yes-or-no per link (`audit_link_valid`), never for a hash.

Where and when the link is made: by a deferred constraint trigger when the inserting
transaction COMMITS (not at INSERT time, not in Python):

- every insert is linked, whatever wrote it (audit_append, the owner's console);
- the lock is held for the last moments of the commit only, not from the first audit event
  of a transaction to its end: a long transaction that records an event early (an export,
  a merge) never makes every other page view wait, and since nothing else is locked after
  the chain, it cannot deadlock with row locks taken later in the transaction;
- each lane is a line in commit order: its lock is released right after the commit, so the
  next writer reads a head that is already committed, and a unique index on (lane, place)
  turns any fork into an error, never a silent second branch (a REPEATABLE READ transaction
  that could not see its lane's latest link fails at commit instead of linking after a
  stale one).

Lanes (issue 14): one chain needs one lock, and a commit holds it until its WAL record is
flushed, so audited commits went one at a time however many cores and disks the server
had. The chain is now `audit_chain_key.lanes` chains (8) written side by side: a
transaction's events go into lane (transaction id mod lanes), each lane with its own lock.
Each lane is exactly as tamper-evident as the single chain was (every event is in exactly
one lane, with its lane and place inside its keyed hash, so it cannot be moved between
lanes either); the verifier checks every lane, and the anchor is the set of lane heads.
bench/audit_writes.py measures 8 writers with 1 lane and with 8 (docs/security.md).

The canonical form of an event is a JSON array of its fields (UTC time with microseconds,
the JSON of `details` as PostgreSQL normalises it), built by the SQL function
`audit_event_canonical`. The SQL itself is in migration 0012.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.backends.base.base import BaseDatabaseWrapper

GENESIS = "0" * 64

# (lane, place) -> hash, as printed by an earlier run of verify_audit_chain.
Anchors = dict[tuple[int, int], str]


@dataclass(frozen=True)
class Verdict:
    """What the verifier found: `broken` is None when every link holds."""

    links: int
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)  # lane -> (place, hash)
    broken: str | None = None
    broken_lane: int | None = None
    broken_seq: int | None = None

    def head_lines(self) -> list[str]:
        return [f"{lane}:{seq}:{digest}" for lane, (seq, digest) in sorted(self.heads.items())]


def verify(connection: BaseDatabaseWrapper, *, anchors: Anchors | None = None) -> Verdict:
    """Walk every lane from its first link and stop at the first one that does not hold.

    Reads one snapshot in lane and chain order with a server-side cursor, so memory stays
    flat however long the history is. `anchors` maps (lane, place) to hashes recorded
    earlier somewhere else: a missing or different one means a tail was rewritten or cut.
    """
    anchors = dict(anchors or {})
    heads: dict[int, tuple[int, str]] = {}
    links = 0

    def broken(reason: str, lane: int | None = None, seq: int | None = None) -> Verdict:
        return Verdict(links=links, heads=heads, broken=reason, broken_lane=lane, broken_seq=seq)

    for event_id, lane, seq, stored, valid in _rows(connection):
        if lane is None or seq is None:
            return broken(f"event {event_id} is not linked (written with the chain trigger off)")
        expected = heads.get(lane, (0, GENESIS))[0] + 1
        if seq != expected:
            return broken(f"link {lane}:{expected} is missing (the next one is {seq}): events removed", lane, seq)
        if not valid:
            reason = (
                f"link {lane}:{seq} (event {event_id}) does not match its hash: the event or a link before it changed"
            )
            return broken(reason, lane, seq)
        if (lane, seq) in anchors and anchors.pop((lane, seq)) != stored:
            return broken(f"link {lane}:{seq} differs from its recorded anchor", lane, seq)
        heads[lane] = (seq, stored)
        links += 1
    if anchors:
        lane, seq = min(anchors)
        return broken(f"link {lane}:{seq} of a recorded anchor is gone: the end was cut off", lane, seq)
    return Verdict(links=links, heads=heads)


def _rows(connection: BaseDatabaseWrapper) -> Iterator[tuple[int, int | None, int | None, str, bool]]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.chain_lane, e.chain_seq, e.chain_hash, audit_link_valid("
            "  coalesce(lag(e.chain_hash) OVER (PARTITION BY e.chain_lane ORDER BY e.chain_seq), %s), e)"
            " FROM audit_auditevent e ORDER BY e.chain_lane NULLS LAST, e.chain_seq, e.id",
            [GENESIS],
        )
        while rows := cursor.fetchmany(2000):
            yield from rows
