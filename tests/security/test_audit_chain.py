"""The audit trail's hash chain (audit/chain.py) and `manage.py verify_audit_chain`.

Tampering is done the only way it can be: as the table's owner, with the append-only
trigger switched off for the moment (the application's role cannot do even that).
The chain is linked when a transaction commits, so most of these tests commit for real
(transactional_db; the database is emptied after each).
"""

import threading
from collections.abc import Iterator
from contextlib import closing
from io import StringIO
from typing import Any

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from accounts.models import User
from audit.chain import GENESIS, link_hash, verify
from audit.models import AuditEvent
from audit.services import record
from tests.db_roles import owner_connection

OFF = "ALTER TABLE audit_auditevent DISABLE TRIGGER {}"
ON = "ALTER TABLE audit_auditevent ENABLE TRIGGER {}"


def events(count: int) -> list[AuditEvent]:
    """`count` events, each committed on its own (as separate requests would)."""
    made = [
        record(action=AuditEvent.Action.CLIENT_VIEWED, actor=User(pk=n), details={"fields": ["n", str(n)]})
        for n in range(1, count + 1)
    ]
    return list(AuditEvent.objects.filter(pk__in=[event.pk for event in made]).order_by("chain_seq"))


def as_owner(*statements: str, trigger: str = "audit_auditevent_append_only") -> None:
    """Run `statements` as the owner with `trigger` off, and commit: a tamperer's session."""
    with closing(owner_connection()) as owner, owner.cursor() as cursor:
        cursor.execute(OFF.format(trigger))
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(ON.format(trigger))
        owner.commit()


def verify_command(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def three(transactional_db: None) -> Iterator[list[AuditEvent]]:
    yield events(3)


def test_each_event_is_linked_to_the_one_before_when_it_commits(three: list[AuditEvent]) -> None:
    assert [event.chain_seq for event in three] == [1, 2, 3]
    previous = GENESIS
    with connection.cursor() as cursor:
        for event in three:
            cursor.execute("SELECT audit_event_canonical(e) FROM audit_auditevent e WHERE id = %s", [event.pk])
            (canonical,) = cursor.fetchone()
            assert canonical.startswith(f"[{event.pk}, {event.chain_seq}, ")  # a JSON array of the values
            assert f'{{"fields": ["n", "{event.actor_id}"]}}' in canonical
            assert event.chain_hash == link_hash(previous, canonical)
            previous = event.chain_hash
    output = verify_command()
    assert "Audit chain intact: 3 links." in output
    assert f"Head: 3:{three[-1].chain_hash}" in output


def test_an_event_is_linked_only_when_its_transaction_commits(transactional_db: None) -> None:
    with transaction.atomic():
        event = record(action=AuditEvent.Action.SIGN_IN, actor=User(pk=1))
        assert AuditEvent.objects.values_list("chain_seq", "chain_hash").get(pk=event.pk) == (None, "")
    assert AuditEvent.objects.values_list("chain_seq", flat=True).get(pk=event.pk) == 1


def test_a_rolled_back_event_leaves_no_gap(transactional_db: None) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action=AuditEvent.Action.SIGN_IN, actor=User(pk=1))
        raise RuntimeError
    record(action=AuditEvent.Action.SIGN_OUT, actor=User(pk=1))
    assert list(AuditEvent.objects.values_list("chain_seq", "action")) == [(1, "sign_out")]
    assert verify(connection).broken is None


def test_a_changed_event_breaks_its_link(three: list[AuditEvent]) -> None:
    as_owner(f"""UPDATE audit_auditevent SET details = '{{"fields": []}}' WHERE id = {three[1].pk}""")  # noqa: S608
    verdict = verify(connection)
    assert verdict.broken_seq == 2
    assert verdict.links == 1
    with pytest.raises(CommandError, match=rf"BROKEN: link 2 \(event {three[1].pk}\) does not match its hash"):
        verify_command()


@pytest.mark.parametrize(
    "column", ["at = at - interval '1 day'", "actor_id = 99", "action = 'sign_out'", "ip = '10.0.0.9'"]
)
def test_any_changed_field_is_caught(three: list[AuditEvent], column: str) -> None:
    as_owner(f"UPDATE audit_auditevent SET {column} WHERE id = {three[2].pk}")  # noqa: S608 (test constants)
    assert verify(connection).broken_seq == 3


def test_rehashing_a_changed_event_moves_the_break_to_the_next_link(three: list[AuditEvent]) -> None:
    """A tamperer who recomputes the changed event's own hash still breaks the link after it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_event_canonical(e) FROM audit_auditevent e WHERE id = %s", [three[1].pk])
        (canonical,) = cursor.fetchone()
    forged_canonical = canonical.replace('"client_viewed"', '"sign_out"')
    forged = link_hash(three[0].chain_hash, forged_canonical)
    as_owner(f"UPDATE audit_auditevent SET action = 'sign_out', chain_hash = '{forged}' WHERE id = {three[1].pk}")  # noqa: S608
    verdict = verify(connection)
    assert verdict.broken_seq == 3
    assert verdict.links == 2


def test_a_removed_event_is_a_missing_link(three: list[AuditEvent]) -> None:
    as_owner(f"DELETE FROM audit_auditevent WHERE id = {three[1].pk}")  # noqa: S608 (test constants)
    with pytest.raises(CommandError, match="link 2 is missing"):
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
    assert head == f"3:{three[2].chain_hash}"
    as_owner(f"DELETE FROM audit_auditevent WHERE id = {three[2].pk}")  # noqa: S608 (test constants)
    assert "intact: 2 links" in verify_command()  # the chain alone cannot know what came after its end
    with pytest.raises(CommandError, match="link 3 of a recorded anchor is gone"):
        verify_command("--anchor", head)
    assert "intact" in verify_command("--anchor", f"2:{three[1].chain_hash}")
    with pytest.raises(CommandError, match="link 2 differs from its recorded anchor"):
        verify_command("--anchor", f"2:{'f' * 64}")


def test_a_malformed_anchor_is_refused(three: list[AuditEvent]) -> None:
    with pytest.raises(CommandError, match="anchor"):
        verify_command("--anchor", "3:short")


@pytest.mark.django_db
def test_an_insert_cannot_set_its_own_link() -> None:
    with pytest.raises(DatabaseError, match="filled by the database"), transaction.atomic():
        AuditEvent.objects.create(action=AuditEvent.Action.SIGN_IN, chain_seq=1, chain_hash="0" * 64)
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
        for refused in ("actor_id = 5, chain_seq = 7, chain_hash = %s", "chain_seq = 7, chain_hash = ''"):
            cursor.execute("SAVEPOINT attempt")
            with pytest.raises(psycopg2.Error, match="append-only"):
                cursor.execute(update.format(refused), ["a" * 64, unlinked][-refused.count("%s") - 1 :])
            cursor.execute("ROLLBACK TO SAVEPOINT attempt")
        cursor.execute(update.format("chain_seq = 7, chain_hash = %s"), ["a" * 64, unlinked])
        with pytest.raises(psycopg2.Error, match="append-only"):  # linked once, never again
            cursor.execute(update.format("chain_hash = %s"), ["b" * 64, unlinked])
        owner.rollback()


def test_writers_at_the_same_time_make_one_chain(transactional_db: None) -> None:
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
    assert list(AuditEvent.objects.order_by("chain_seq").values_list("chain_seq", flat=True)) == list(range(1, 81))
    verdict: Any = verify(connection)
    assert (verdict.broken, verdict.links) == (None, 80)
