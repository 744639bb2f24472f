"""Domain errors: what a service raises when it cannot do what it was asked.

Services never raise Http404 or return responses: they raise one of these, and whoever
called them decides what the person sees. For pages that is one place,
`core.middleware.DomainErrorMiddleware`: NotFound is a 404, PermissionDenied a 403,
Invalid a 400 and Conflict a 409. A view that has something better to show (a form with the
message under it, a conflict page with both versions) catches the error itself; the coming
API and offline sync map the same errors to their answers (rejected, conflict).

`message` is shown to the person: translated, and never a name, a note or any other
identifying text (it may reach a log). `payload` carries what a caller needs to say more
(the two versions of a conflict, for instance); it is never logged.
"""

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(self, message: object = "", *, payload: Any = None) -> None:
        # A lazy translation becomes text now, in the language of the work being done.
        self.message = str(message)
        super().__init__(self.message)
        self.payload = payload

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """Not there, or outside the actor's scope: the same answer, so it confirms nothing."""

    status = 404


class PermissionDenied(DomainError):
    """The actor may see it but not do this (a read-only role, a closed window)."""

    status = 403


class Invalid(DomainError):
    """What was asked breaks a rule; nothing was stored. The message says which, in words."""

    status = 400


class Conflict(DomainError):
    """Someone else's change came first, or the same id arrived with different content;
    nothing was stored. `payload` holds what the caller needs to show both versions."""

    status = 409
