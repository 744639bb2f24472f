from contextlib import closing

import psycopg2.errors
import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from tests.db_roles import owner_connection

pytestmark = pytest.mark.django_db

# As the application's role the privilege check refuses first; as the owner, the trigger.
REFUSED = "append-only|permission denied for table audit_auditevent"


@pytest.fixture
def event() -> AuditEvent:
    return record(action=AuditEvent.Action.SIGN_IN, actor=User(pk=1))


def test_update_is_refused_by_the_database(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditEvent.Action.SIGN_OUT)
    event.refresh_from_db()
    assert event.action == AuditEvent.Action.SIGN_IN


def test_delete_is_refused_by_the_database(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_and_delete_are_refused(event: AuditEvent) -> None:
    for statement in ("UPDATE audit_auditevent SET actor_id = 2", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).actor_id == 1


def test_inserting_still_works(event: AuditEvent) -> None:
    record(action=AuditEvent.Action.SIGN_OUT, actor=User(pk=1))
    assert AuditEvent.objects.count() == 2


def test_the_trigger_refuses_the_owner_too() -> None:
    """The table's owner has every privilege: the trigger still refuses (rolled back, nothing kept)."""
    with closing(owner_connection()) as owner, owner.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, action, object_type, object_id, request_id, details)"
            " VALUES (now(), 'sign_in', '', '', '', '{}') RETURNING id"
        )
        (event_id,) = cursor.fetchone()
        for statement in (
            "UPDATE audit_auditevent SET actor_id = 2 WHERE id = %s",
            "DELETE FROM audit_auditevent WHERE id = %s",
        ):
            cursor.execute("SAVEPOINT attempt")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="append-only"):
                cursor.execute(statement, [event_id])
            cursor.execute("ROLLBACK TO SAVEPOINT attempt")
        cursor.execute("SELECT count(*) FROM audit_auditevent WHERE id = %s AND actor_id IS NULL", [event_id])
        assert cursor.fetchone() == (1,)
        owner.rollback()
