"""Errors as RFC 9457 problem details (`application/problem+json`).

Every refusal the API gives has the same shape: `type` (a URI naming the kind of problem,
relative to the API), `title` (what kind, in words), `status`, `detail` (this occurrence,
in words: the domain error's message, never a name or a note) and, for a request that did
not validate, `errors` (where and what). The domain errors of core/errors.py map to the
same statuses as on the pages: NotFound 404, PermissionDenied 403, Invalid 400, Conflict 409.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema

from core import errors

PROBLEM_TYPE = "application/problem+json"


class FieldProblem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldProblem] | None = None


TITLES = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Request did not validate",
    429: "Too many requests",
    500: "Server error",
}
TYPES = {
    400: "invalid",
    401: "not-authenticated",
    403: "not-allowed",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    422: "validation",
    429: "rate-limited",
    500: "server-error",
}


def problem(
    status: int,
    detail: str = "",
    *,
    field_errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"/api/v1/problems/{TYPES.get(status, 'error')}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if field_errors is not None:
        body["errors"] = field_errors
    if extra:
        body.update(extra)
    response = HttpResponse(json.dumps(body, default=str), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_domain_error(error: errors.DomainError) -> HttpResponse:
    detail = error.message or {404: _("Not found."), 403: _("Not allowed.")}.get(error.status, "")
    return problem(error.status, detail)


def field_errors(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ninja's validation errors, reduced to where, what and which kind (never the value sent)."""
    return [
        {
            "loc": [str(part) if not isinstance(part, int) else part for part in item.get("loc", ())],
            "msg": str(item.get("msg", "")),
            "type": str(item.get("type", "")),
        }
        for item in raw
    ]


def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, _("Not found."))
