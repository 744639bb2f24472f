"""Every signed-in request: is this session still allowed to be one?"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

from audit.models import AuditEvent
from audit.services import record

from .sessions import ENDED, SECOND_FACTOR, limit_reached, touch
from .two_factor import requires_two_factor


class SessionLimitsMiddleware:
    """End a session that has been idle too long, lived too long, was not started by the
    sign-in page, or lacks a second factor the user's role now needs; otherwise note the
    activity (written at most once a minute).

    The ended session is audited (SESSION_EXPIRED, with the reason) and the request goes on
    as anonymous, so LoginRequiredMiddleware sends it to the sign-in page, which says why.
    An htmx request gets HX-Redirect instead of a sign-in page swapped into a fragment.
    Sits after AuthenticationMiddleware and before LoginRequiredMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            reason = self.reason_to_end(request)
            if reason:
                record(action=AuditEvent.Action.SESSION_EXPIRED, actor=request.user, details={"reason": reason})
                logout(request)
                request.session[ENDED] = reason
            else:
                touch(request.session)
        response = self.get_response(request)
        return self.for_htmx(request, response)

    @staticmethod
    def reason_to_end(request: HttpRequest) -> str:
        reason = limit_reached(request.session)
        if not reason and not request.session.get(SECOND_FACTOR) and requires_two_factor(request.user):  # type: ignore[arg-type]
            reason = "two_factor"
        return reason

    @staticmethod
    def for_htmx(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        location = response.get("Location", "")
        to_sign_in = response.status_code == 302 and location.startswith(resolve_url(settings.LOGIN_URL))
        if to_sign_in and request.headers.get("HX-Request") == "true":
            redirect = HttpResponse(status=204)
            redirect["HX-Redirect"] = location
            return redirect
        return response
