"""The audit trail's hash chain: each event is a link whose hash covers the link before it.

Why a chain as well as the append-only trigger and the application role's missing UPDATE
privilege: those stop the application from rewriting history, but not someone holding the
table owner's password (a database administrator, a stolen backup restored and edited).
With the chain, any change, removal or insertion in the middle of the history breaks every
later link, and `manage.py verify_audit_chain` finds the first broken one; recording the
head it prints somewhere else (an `--anchor`) also catches a rewritten or cut-off tail.

Where the hash is computed, and when: in the database, by a deferred constraint trigger
that runs when the inserting transaction COMMITS (not at INSERT time, not in Python):

- every insert is linked, whatever wrote it (audit.services.record, raw SQL, a console);
- the chain is one line however many requests write at once: the trigger takes a
  transaction-level advisory lock, reads the last link and appends after it, and the lock
  is released right after the commit, so the next writer reads a head that is already
  committed. A unique index on `chain_seq` turns any fork into an error, never a silent
  second branch (a REPEATABLE READ transaction that could not see the latest link fails
  at commit instead of linking after a stale one);
- the lock is held for the last moments of the commit only, not from the first audit event
  of a transaction to its end: a long transaction that records an event early (an export,
  a merge) never makes every other page view wait, and since nothing else is locked after
  the chain, it cannot deadlock with row locks taken later in the transaction;
- the chain follows commit order, the order in which events became visible.

The trigger writes the two chain columns of the row just inserted; the append-only trigger
lets exactly that change through (both columns empty before, every other column unchanged)
and refuses every other UPDATE. It runs as the table's owner (SECURITY DEFINER), because the
application's role has no UPDATE privilege on the table at all.

The canonical form of an event is a JSON array of its fields (UTC time with microseconds,
the JSON of `details` as PostgreSQL normalises it), built by the SQL function
`audit_event_canonical`; the verifier recomputes each sha256 in Python from that text.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

GENESIS = "0" * 64
# pg_advisory_xact_lock(int, int): a class id of our own, so no other advisory lock collides.
LOCK_CLASS, LOCK_OBJECT = 20261129, 1


def link_hash(previous: str, canonical: str) -> str:
    return hashlib.sha256((previous + canonical).encode()).hexdigest()


def install_sql(schema: str) -> str:
    """Functions and triggers of the chain, in `schema` (the one the tables live in)."""
    path = f"{quote(schema)}, pg_temp"
    return f"""
CREATE OR REPLACE FUNCTION audit_event_canonical(e audit_auditevent) RETURNS text
LANGUAGE sql STABLE SET search_path = {path} AS $$
    SELECT jsonb_build_array(
        e.id, e.chain_seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_id, e.action, e.object_type, e.object_id, e.client_id, e.request_id,
        host(e.ip), e.details
    )::text
$$;

-- Append-only, except the chain trigger's one write: both chain columns filled, nothing else.
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = {path} AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND OLD.chain_hash = ''
       AND NEW.chain_seq IS NOT NULL AND NEW.chain_hash <> ''
       AND to_jsonb(NEW) - 'chain_seq' - 'chain_hash' = to_jsonb(OLD) - 'chain_seq' - 'chain_hash' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- The chain columns are the database's to fill: an INSERT that sets them is refused.
CREATE OR REPLACE FUNCTION audit_chain_unset() RETURNS trigger
LANGUAGE plpgsql SET search_path = {path} AS $$
BEGIN
    IF NEW.chain_seq IS NOT NULL OR NEW.chain_hash <> '' THEN
        RAISE EXCEPTION 'audit_auditevent: the hash chain is filled by the database'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path} AS $$
DECLARE
    head record;
    event audit_auditevent := NEW;
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_CLASS}, {LOCK_OBJECT});
    SELECT chain_seq, chain_hash INTO head FROM audit_auditevent
        WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
    event.chain_seq := coalesce(head.chain_seq, 0) + 1;
    event.chain_hash := encode(
        sha256(convert_to(coalesce(head.chain_hash, '{GENESIS}') || audit_event_canonical(event), 'UTF8')), 'hex'
    );
    UPDATE audit_auditevent SET chain_seq = event.chain_seq, chain_hash = event.chain_hash WHERE id = NEW.id;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS audit_auditevent_chain_unset ON audit_auditevent;
CREATE TRIGGER audit_auditevent_chain_unset
    BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_chain_unset();
DROP TRIGGER IF EXISTS audit_auditevent_chain ON audit_auditevent;
CREATE CONSTRAINT TRIGGER audit_auditevent_chain
    AFTER INSERT ON audit_auditevent
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_chain_link();
"""  # noqa: S608 (constants and a quoted identifier)


# Events already stored when the chain arrives are linked in id order, once.
FILL_SQL = f"""
DO $$
DECLARE
    event audit_auditevent;
    previous text := '{GENESIS}';
    seq bigint := 0;
BEGIN
    FOR event IN SELECT * FROM audit_auditevent WHERE chain_seq IS NULL ORDER BY id LOOP
        seq := seq + 1;
        event.chain_seq := seq;
        previous := encode(sha256(convert_to(previous || audit_event_canonical(event), 'UTF8')), 'hex');
        UPDATE audit_auditevent SET chain_seq = seq, chain_hash = previous WHERE id = event.id;
    END LOOP;
END;
$$;
"""  # noqa: S608 (a constant)

UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS audit_auditevent_chain ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_chain_unset ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_chain_link();
DROP FUNCTION IF EXISTS audit_chain_unset();
DROP FUNCTION IF EXISTS audit_event_canonical(audit_auditevent);
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class Verdict:
    """What the verifier found: `broken` is None when every link holds."""

    links: int
    head_seq: int
    head_hash: str
    broken: str | None = None
    broken_seq: int | None = None


def verify(connection: BaseDatabaseWrapper, *, anchors: dict[int, str] | None = None) -> Verdict:
    """Walk the chain from the first link and stop at the first one that does not hold.

    Reads one snapshot in chain order with a server-side cursor, so memory stays flat
    however long the history is. `anchors` maps places in the chain to hashes recorded
    earlier somewhere else: a missing or different one means the tail was rewritten.
    """
    anchors = dict(anchors or {})
    previous, expected, links = GENESIS, 1, 0
    for event_id, seq, stored, canonical in _rows(connection):
        if seq is None:
            return _broken(links, previous, f"event {event_id} is not linked (written with the chain trigger off)")
        if seq != expected:
            return _broken(links, previous, f"link {expected} is missing (the next one is {seq}): events removed", seq)
        if stored != link_hash(previous, canonical):
            reason = f"link {seq} (event {event_id}) does not match its hash: the event or a link before it changed"
            return _broken(links, previous, reason, seq)
        if seq in anchors and anchors.pop(seq) != stored:
            return _broken(links, previous, f"link {seq} differs from its recorded anchor", seq)
        previous, expected, links = stored, expected + 1, links + 1
    if anchors:
        seq = min(anchors)
        return _broken(links, previous, f"link {seq} of a recorded anchor is gone: the end was cut off", seq)
    return Verdict(links=links, head_seq=links, head_hash=previous)


def _broken(links: int, previous: str, reason: str, seq: int | None = None) -> Verdict:
    return Verdict(links=links, head_seq=links, head_hash=previous, broken=reason, broken_seq=seq)


def _rows(connection: BaseDatabaseWrapper) -> Iterator[tuple[int, int | None, str, str]]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.chain_seq, e.chain_hash, audit_event_canonical(e) FROM audit_auditevent e "
            "ORDER BY e.chain_seq NULLS LAST, e.id"
        )
        while rows := cursor.fetchmany(2000):
            yield from rows
