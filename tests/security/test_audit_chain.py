"""The audit trail's keyed hash chain (audit/chain.py) and `manage.py verify_audit_chain`.

Tampering is done the only ways it can be: as the table's owner, with the append-only
trigger switched off for the moment (the application's role cannot do even that), or as
the application's role after the owner has opened a door for it by mistake.
The chain is linked when a transaction commits, so most of these tests commit for real
(transactional_db; the database is emptied after each). Most run with one lane, so the
events line up 1, 2, 3; the lane tests use the production setting (8).
"""

import hashlib
import hmac
import json
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import closing
from io import StringIO
from typing import Any

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from accounts.models import User
from audit.chain import GENESIS, verify
from audit.models import AuditEvent
from audit.services import record
from tests.db_roles import owner_connection, running_as_app_role

OFF = "ALTER TABLE audit_auditevent DISABLE TRIGGER {}"
ON = "ALTER TABLE audit_auditevent ENABLE TRIGGER {}"
LANES = 8


def events(count: int) -> list[AuditEvent]:
    """`count` events, each committed on its own (as separate requests would)."""
    made = [
        record(action=AuditEvent.Action.CLIENT_VIEWED, actor=User(pk=n), details={"fields": ["n", str(n)]})
        for n in range(1, count + 1)
    ]
    return list(AuditEvent.objects.filter(pk__in=[event.pk for event in made]).order_by("pk"))


def as_owner(*statements: str, trigger: str = "audit_auditevent_append_only") -> None:
    """Run `statements` as the owner with `trigger` off, and commit: a tamperer's session."""
    with closing(owner_connection()) as owner, owner.cursor() as cursor:
        cursor.execute(OFF.format(trigger))
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(ON.format(trigger))
        owner.commit()


def set_lanes(count: int) -> None:
    with closing(owner_connection()) as owner, owner.cursor() as cursor:
        cursor.execute("UPDATE audit_chain_key SET lanes = %s", [count])
        owner.commit()


def chain_key() -> bytes:
    """The key, read as the owner (HMAC's inner pad is the key, zero-padded, XOR 0x36)."""
    with closing(owner_connection()) as owner, owner.cursor() as cursor:
        cursor.execute("SELECT inner_pad FROM audit_chain_key")
        (inner_pad,) = cursor.fetchone()
    return bytes(byte ^ 0x36 for byte in bytes(inner_pad)).rstrip(b"\0")


def canonical(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_event_canonical(e) FROM audit_auditevent e WHERE id = %s", [event_id])
        return str(cursor.fetchone()[0])


def verify_command(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def one_lane(transactional_db: None) -> Iterator[None]:
    set_lanes(1)
    yield
    set_lanes(LANES)


@pytest.fixture
def three(one_lane: None) -> list[AuditEvent]:
    return events(3)


def test_each_event_is_linked_to_the_one_before_with_a_keyed_hash(three: list[AuditEvent]) -> None:
    assert [(event.chain_lane, event.chain_seq) for event in three] == [(0, 1), (0, 2), (0, 3)]
    key, previous = chain_key(), GENESIS
    assert len(key) == 32
    for event in three:
        text = canonical(event.pk)
        assert text.startswith(f"[{event.pk}, 0, {event.chain_seq}, ")  # a JSON array: id, lane, place, ...
        assert f'{{"fields": ["n", "{event.actor_id}"]}}' in text
        message = (previous + text).encode()
        assert event.chain_hash == hmac.new(key, message, hashlib.sha256).hexdigest()
        assert event.chain_hash != hashlib.sha256(message).hexdigest()  # not the old, unkeyed link
        previous = event.chain_hash
    output = verify_command()
    assert "Audit chain intact: 3 links in 1 lanes." in output
    assert f"Head: 0:3:{three[-1].chain_hash}" in output


def test_an_event_is_linked_only_when_its_transaction_commits(transactional_db: None) -> None:
    with transaction.atomic():
        event = record(action=AuditEvent.Action.SIGN_IN, actor=User(pk=1))
        assert AuditEvent.objects.values_list("chain_seq", "chain_hash").get(pk=event.pk) == (None, "")
    assert AuditEvent.objects.values_list("chain_seq", flat=True).get(pk=event.pk) == 1


def test_a_rolled_back_event_leaves_no_gap(one_lane: None) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action=AuditEvent.Action.SIGN_IN, actor=User(pk=1))
        raise RuntimeError
    record(action=AuditEvent.Action.SIGN_OUT, actor=User(pk=1))
    assert list(AuditEvent.objects.values_list("chain_seq", "action")) == [(1, "sign_out")]
    assert verify(connection).broken is None


def test_a_changed_event_breaks_its_link(three: list[AuditEvent]) -> None:
    as_owner(f"""UPDATE audit_auditevent SET details = '{{"fields": []}}' WHERE id = {three[1].pk}""")  # noqa: S608
    verdict = verify(connection)
    assert (verdict.broken_lane, verdict.broken_seq, verdict.links) == (0, 2, 1)
    with pytest.raises(CommandError, match=rf"BROKEN: link 0:2 \(event {three[1].pk}\) does not match its hash"):
        verify_command()


CHANGES = ["at = at - interval '1 day'", "actor_id = 99", "action = 'sign_out'", "ip = '10.0.0.9'"]


@pytest.mark.parametrize("column", [*CHANGES, "client_id = gen_random_uuid()"])
def test_any_changed_field_is_caught(three: list[AuditEvent], column: str) -> None:
    as_owner(f"UPDATE audit_auditevent SET {column} WHERE id = {three[2].pk}")  # noqa: S608 (test constants)
    assert verify(connection).broken_seq == 3


def test_moving_an_event_to_another_lane_is_caught(three: list[AuditEvent]) -> None:
    as_owner(f"UPDATE audit_auditevent SET chain_lane = 5, chain_seq = 1 WHERE id = {three[2].pk}")  # noqa: S608
    assert verify(connection).broken is not None


def test_rehashing_a_changed_event_with_the_key_moves_the_break_to_the_next_link(three: list[AuditEvent]) -> None:
    """Even the owner, who can read the key, breaks the link after the one they rewrote."""
    forged_text = canonical(three[1].pk).replace('"client_viewed"', '"sign_out"')
    forged = hmac.new(chain_key(), (three[0].chain_hash + forged_text).encode(), hashlib.sha256).hexdigest()
    as_owner(f"UPDATE audit_auditevent SET action = 'sign_out', chain_hash = '{forged}' WHERE id = {three[1].pk}")  # noqa: S608
    verdict = verify(connection)
    assert (verdict.broken_seq, verdict.links) == (3, 2)


def test_a_removed_event_is_a_missing_link(three: list[AuditEvent]) -> None:
    as_owner(f"DELETE FROM audit_auditevent WHERE id = {three[1].pk}")  # noqa: S608 (test constants)
    with pytest.raises(CommandError, match="link 0:2 is missing"):
        verify_command()


def test_an_event_slipped_in_with_the_chain_off_is_found(three: list[AuditEvent]) -> None:
    as_owner(
        "INSERT INTO audit_auditevent (at, action, object_type, object_id, request_id, details)"
        " VALUES (now() - interval '1 hour', 'sign_in', '', '', '', '{}')",
        trigger="audit_auditevent_chain",
    )
    with pytest.raises(CommandError, match="is not linked"):
        verify_command()


def test_a_cut_off_end_is_caught_by_a_recorded_anchor(three: list[AuditEvent]) -> None:
    head = verify_command().splitlines()[-1].removeprefix("Head: ")
    assert head == f"0:3:{three[2].chain_hash}"
    as_owner(f"DELETE FROM audit_auditevent WHERE id = {three[2].pk}")  # noqa: S608 (test constants)
    assert "intact: 2 links" in verify_command()  # the chain alone cannot know what came after its end
    with pytest.raises(CommandError, match="link 0:3 of a recorded anchor is gone"):
        verify_command("--anchor", head)
    assert "intact" in verify_command("--anchor", f"0:2:{three[1].chain_hash}")
    assert "intact" in verify_command("--anchor", f"2:{three[1].chain_hash}")  # an anchor from before lanes
    with pytest.raises(CommandError, match="link 0:2 differs from its recorded anchor"):
        verify_command("--anchor", f"0:2:{'f' * 64}")


def test_a_malformed_anchor_is_refused(three: list[AuditEvent]) -> None:
    with pytest.raises(CommandError, match="anchor"):
        verify_command("--anchor", "0:3:short")


@pytest.mark.django_db
def test_an_insert_cannot_set_its_own_link() -> None:
    """Not even the owner's: the chain columns are the linking trigger's."""
    with closing(owner_connection()) as owner, owner.cursor() as cursor:
        with pytest.raises(psycopg2.Error, match="filled by the database"):
            cursor.execute(
                "INSERT INTO audit_auditevent (at, action, object_type, object_id, request_id, details,"
                " chain_lane, chain_seq, chain_hash) VALUES (now(), 'sign_in', '', '', '', '{}', 0, 1, %s)",
                ["0" * 64],
            )
        owner.rollback()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_link_is_the_one_change_the_append_only_trigger_allows() -> None:
    """Filling the chain columns of an unlinked row, and nothing else, once (all rolled back)."""
    update = "UPDATE audit_auditevent SET {} WHERE id = %s"
    with closing(owner_connection()) as owner, owner.cursor() as cursor:
        cursor.execute(OFF.format("audit_auditevent_chain"))
        cursor.execute(
            "INSERT INTO audit_auditevent (at, action, object_type, object_id, request_id, details)"
            " VALUES (now(), 'sign_in', '', '', '', '{}') RETURNING id"
        )
        (unlinked,) = cursor.fetchone()
        for refused in (
            "actor_id = 5, chain_lane = 0, chain_seq = 7, chain_hash = %s",
            "chain_lane = 0, chain_seq = 7, chain_hash = ''",
            "chain_seq = 7, chain_hash = %s",
        ):
            cursor.execute("SAVEPOINT attempt")
            with pytest.raises(psycopg2.Error, match="append-only"):
                cursor.execute(update.format(refused), ["a" * 64, unlinked][-refused.count("%s") - 1 :])
            cursor.execute("ROLLBACK TO SAVEPOINT attempt")
        cursor.execute(update.format("chain_lane = 0, chain_seq = 7, chain_hash = %s"), ["a" * 64, unlinked])
        with pytest.raises(psycopg2.Error, match="append-only"):  # linked once, never again
            cursor.execute(update.format("chain_hash = %s"), ["b" * 64, unlinked])
        owner.rollback()


@pytest.fixture
def as_app_role() -> None:
    """These tests need the suite to run as the application's role (make test and CI do)."""
    if not running_as_app_role():
        pytest.skip("needs DATABASE_MIGRATE_URL: the suite then runs as the application's role")


@pytest.mark.django_db
def test_the_app_role_can_neither_insert_nor_read_the_key_nor_make_a_link(as_app_role: None) -> None:
    statements = {
        "INSERT INTO audit_auditevent (at, action, object_type, object_id, request_id, details)"
        " VALUES (now(), 'sign_in', '', '', '', '{}')": "permission denied for table audit_auditevent",
        "SELECT * FROM audit_chain_key": "permission denied for table audit_chain_key",
        "SELECT audit_chain_mac('anything')": "permission denied for function audit_chain_mac",
        "UPDATE audit_chain_key SET lanes = 1": "permission denied for table audit_chain_key",
    }
    for statement, refusal in statements.items():
        with pytest.raises(DatabaseError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        AuditEvent.objects.create(action=AuditEvent.Action.SIGN_IN)
    # What it may do: append through the function, and ask yes or no about a stored link.
    event = record(action=AuditEvent.Action.SIGN_IN, actor=User(pk=1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_link_valid(%s, e) FROM audit_auditevent e WHERE id = %s", [GENESIS, event.pk])
        assert cursor.fetchone() == (False,)  # not linked yet (linked at commit), and only a yes or no


def test_a_row_forged_by_the_app_role_is_detected(as_app_role: None, one_lane: None) -> None:
    """The attack of issue 20: the application's role writes an event with a link it computed.

    The owner opens every door for the test (INSERT granted, the owner-only and linking
    triggers off), as a mistaken grant or a compromised migration might. The forged row
    follows the head, backdated, with a link made exactly as the old, unkeyed chain made it
    (the canonical text from the database's own function); the verifier finds it.
    """
    three = events(3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (app_role,) = cursor.fetchone()
    doors = ("audit_auditevent_chain_unset", "audit_auditevent_chain")
    with closing(owner_connection()) as owner, owner.cursor() as cursor:
        cursor.execute(f'GRANT INSERT ON audit_auditevent TO "{app_role}"')
        for trigger in doors:
            cursor.execute(OFF.format(trigger))
        owner.commit()
    forged: dict[str, Any] = {
        "at": "2026-01-05T10:00:00+00:00",  # backdated
        "actor_id": 7,
        "action": "client_viewed",
        "object_type": "",
        "object_id": "",
        "request_id": "",
        "details": {},
        "chain_lane": 0,
        "chain_seq": 4,  # right after the head
    }
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))")
            (forged["id"],) = cursor.fetchone()
            cursor.execute(
                "SELECT audit_event_canonical(jsonb_populate_record(NULL::audit_auditevent, %s::jsonb))",
                [json.dumps(forged)],
            )
            (text,) = cursor.fetchone()
            forged["chain_hash"] = hashlib.sha256((three[2].chain_hash + text).encode()).hexdigest()
            cursor.execute(
                "INSERT INTO audit_auditevent SELECT * FROM jsonb_populate_record(NULL::audit_auditevent, %s::jsonb)",
                [json.dumps(forged)],
            )
    finally:
        with closing(owner_connection()) as owner, owner.cursor() as cursor:
            for trigger in doors:
                cursor.execute(ON.format(trigger))
            cursor.execute(f'REVOKE INSERT ON audit_auditevent FROM "{app_role}"')
            owner.commit()
    record(action=AuditEvent.Action.SIGN_OUT, actor=User(pk=1))  # a real event after it
    assert AuditEvent.objects.filter(pk=forged["id"], chain_seq=4).exists()  # the forged row is in
    with pytest.raises(CommandError, match=rf"BROKEN: link 0:4 \(event {forged['id']}\) does not match its hash"):
        verify_command()


def test_a_transaction_s_events_share_a_lane_in_order(transactional_db: None) -> None:
    with transaction.atomic():
        made = [record(action=AuditEvent.Action.CLIENT_VIEWED, actor=User(pk=n)) for n in range(5)]
    rows = list(
        AuditEvent.objects.filter(pk__in=[e.pk for e in made]).order_by("pk").values_list("chain_lane", "chain_seq")
    )
    assert len({lane for lane, _ in rows}) == 1
    assert [seq for _, seq in rows] == [1, 2, 3, 4, 5]


def test_writers_at_the_same_time_make_one_unbroken_chain_per_lane(transactional_db: None) -> None:
    """Eight threads, each with its own connection and transactions, record 10 events each."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    record(action=AuditEvent.Action.CLIENT_VIEWED, actor=User(pk=n), details={"i": i})
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    places: dict[int, list[int]] = defaultdict(list)
    for lane, seq in AuditEvent.objects.order_by("chain_lane", "chain_seq").values_list("chain_lane", "chain_seq"):
        assert lane is not None and seq is not None
        places[lane].append(seq)
    assert set(places) <= set(range(LANES)) and len(places) > 1
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in places.values())
    verdict = verify(connection)
    assert (verdict.broken, verdict.links, len(verdict.heads)) == (None, 80, len(places))
