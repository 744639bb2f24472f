import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return record(action=AuditEvent.Action.SIGN_IN, actor_id=1)


def test_update_is_refused_by_the_database(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditEvent.Action.SIGN_OUT)
    event.refresh_from_db()
    assert event.action == AuditEvent.Action.SIGN_IN


def test_delete_is_refused_by_the_database(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_and_delete_are_refused(event: AuditEvent) -> None:
    for statement in ("UPDATE audit_auditevent SET actor_id = 2", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).actor_id == 1


def test_inserting_still_works(event: AuditEvent) -> None:
    record(action=AuditEvent.Action.SIGN_OUT, actor_id=1)
    assert AuditEvent.objects.count() == 2
