"""Small request/response rules that apply to every page."""

import re
import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core import errors
from core.context import AuditContext, audit_context, session_fingerprint

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Give each request an id (reused from a proxy's X-Request-ID when well formed).

    The audit trail stores it, so an event can be matched with the proxy's access log.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def request_ip(request: HttpRequest) -> str | None:
    """The address Django sees (set the proxy to pass the real one as REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Put where this request comes from in the audit context (core/context.py) while it
    is answered, so services write it into the audit trail without being given the request.

    After SessionMiddleware (for the session's fingerprint) and before every middleware or
    view that writes an audit event (SessionLimitsMiddleware does).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        context = AuditContext(
            ip=request_ip(request),
            request_id=getattr(request, "request_id", ""),
            session=session_fingerprint(session.session_key if session is not None else None),
        )
        with audit_context(context):
            return self.get_response(request)


class NoStoreMiddleware:
    """Signed-in pages carry people's data: no browser or proxy may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response


class DomainErrorMiddleware:
    """The one place a domain error (core/errors.py) that a view did not handle itself
    becomes an answer: NotFound 404 and PermissionDenied 403 through Django's own handlers
    (the same pages as Http404 and PermissionDenied), Invalid 400 and Conflict 409 as a
    page that says, in words, what the error's message says. Nothing is stored either way:
    the service's transaction has been rolled back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, errors.DomainError):
            return None
        if isinstance(exception, errors.NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, errors.PermissionDenied):
            raise DjangoPermissionDenied(exception.message) from exception
        context = {"message": exception.message, "status": exception.status}
        return render(request, "core/domain_error.html", context, status=exception.status)
