"""Domain errors become answers in one place (core.middleware.DomainErrorMiddleware), and
services write the audit context and the actor without being given the request."""

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from core import errors
from core.context import AuditContext, SystemActor, audit_context, current_audit_context
from core.middleware import DomainErrorMiddleware

pytestmark = pytest.mark.django_db


def answer(error: Exception, user: User) -> HttpResponse | None:
    request = RequestFactory().post("/contacts/log/")
    request.user = user
    middleware = DomainErrorMiddleware(lambda request: HttpResponse())
    return middleware.process_exception(request, error)


def test_not_found_is_django_s_404(worker: User) -> None:
    with pytest.raises(Http404):
        answer(errors.NotFound(), worker)


def test_permission_denied_is_django_s_403(worker: User) -> None:
    with pytest.raises(DjangoPermissionDenied):
        answer(errors.PermissionDenied(), worker)


@pytest.mark.parametrize(
    ("error", "status", "heading"),
    [
        (errors.Invalid("Choose a site of your team."), 400, "This could not be saved"),
        (errors.Conflict("Someone saved this contact differently."), 409, "Saved differently meanwhile"),
    ],
)
def test_invalid_and_conflict_say_what_went_wrong(
    worker: User, error: errors.DomainError, status: int, heading: str
) -> None:
    response = answer(error, worker)
    assert response is not None and response.status_code == status
    page = response.content.decode()
    assert heading in page and error.message in page and "Nothing was saved." in page


def test_other_exceptions_are_left_alone(worker: User) -> None:
    assert answer(ValueError("not ours"), worker) is None


def test_a_payload_travels_with_the_error_but_not_in_its_message() -> None:
    error = errors.Conflict("Saved differently", payload={"stored": 1, "sent": 2})
    assert (str(error), error.payload) == ("Saved differently", {"stored": 1, "sent": 2})


def test_record_reads_the_audit_context_and_names_a_system_actor() -> None:
    context = AuditContext(ip="10.9.8.7", request_id="abc12345", session="f" * 16)
    with audit_context(context):
        event = record(action=AuditEvent.Action.CLIENT_ERASED, actor=SystemActor("erase_inactive"))
    assert current_audit_context() == AuditContext()  # restored after the block
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.ip, stored.request_id, stored.actor_id) == ("10.9.8.7", "abc12345", None)
    assert stored.details == {"system": "erase_inactive"}


def test_outside_a_request_the_context_is_empty(worker: User) -> None:
    event = record(action=AuditEvent.Action.SIGN_OUT, actor=worker)
    assert (event.ip, event.request_id, event.actor_id) == (None, "", worker.pk)


def test_a_page_s_events_carry_its_address_and_request_id(worker_client: HttpClient, worker: User) -> None:
    """Through the middleware: the sign-out event of a real request."""
    response = worker_client.post(
        reverse("accounts:sign_out"), REMOTE_ADDR="10.2.3.4", HTTP_X_REQUEST_ID="req-12345678"
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_OUT)
    assert (event.ip, event.request_id, event.actor_id) == ("10.2.3.4", "req-12345678", worker.pk)
