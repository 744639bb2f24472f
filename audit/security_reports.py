"""Two public pages about the site's own security: CSP violation reports and security.txt.

CSP violation reports (`report-uri` in SECURE_CSP): a browser that blocked something the
policy forbids posts a report here. A report from a real page means a bug of ours (an inline
script slipped in) or an attack (injected markup trying to load a script); either way
someone should look. They are counted, never kept as sent: a report carries the page's full
address (a person's code in the path, search words in the query) and a sample of the
blocked code (which could quote a note). We keep a count per day, directive, blocked origin
(scheme and host, or a keyword such as "inline") and page, where the page is the name of
its URL pattern ("clients:detail"), never its path. System admins read the counts in the
Django admin.

The endpoint is open to anyone (browsers send reports without cookies or CSRF tokens), so
it trusts nothing: at most 64 KiB and 20 reports a request, names cut short and checked
against the known directives, and at most 500 different rows a day (then "other").

security.txt (RFC 9116): who to tell about a security problem in this deployment
(ALONGSIDE_SECURITY_CONTACT), in English or Spanish, with an Expires date computed when
it is served (the first day of the month seven months on), so it never goes stale.
"""

import json
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.decorators import public
from core.errors import NotFound

from .models import CspViolation

MAX_BODY = 64 * 1024
MAX_REPORTS = 20
MAX_ROWS_A_DAY = 500
DIRECTIVES = {
    "default-src", "script-src", "script-src-elem", "script-src-attr", "style-src", "style-src-elem",
    "style-src-attr", "img-src", "font-src", "connect-src", "media-src", "object-src", "frame-src",
    "child-src", "worker-src", "manifest-src", "form-action", "base-uri", "frame-ancestors",
    "navigate-to", "require-trusted-types-for", "trusted-types",
}  # fmt: skip
KEYWORDS = {"inline", "eval", "wasm-eval", "self", "data", "blob", "trusted-types-policy", "trusted-types-sink"}


def reports_in(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """The reports in a body of either format (report-uri's one object, the Reporting API's
    list), as dicts with the old format's keys; [] for anything else."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):
        found = []
        for item in data[:MAX_REPORTS]:
            body_ = item.get("body") if isinstance(item, dict) and item.get("type") == "csp-violation" else None
            if isinstance(body_, dict):
                found.append(
                    {
                        "document-uri": body_.get("documentURL"),
                        "effective-directive": body_.get("effectiveDirective"),
                        "blocked-uri": body_.get("blockedURL"),
                    }
                )
        return found
    return []


def directive_of(report: dict[str, Any]) -> str:
    value = report.get("effective-directive") or report.get("violated-directive") or ""
    name = str(value).strip().split(" ")[0].lower()
    return name if name in DIRECTIVES else "other"


def blocked_of(report: dict[str, Any]) -> str:
    """A keyword, or the scheme and host of what was blocked: never its path or query."""
    value = str(report.get("blocked-uri") or "").strip().lower()
    if value in KEYWORDS or value.rstrip(":") in KEYWORDS:
        return value.rstrip(":")
    if not value:
        return "inline"
    parts = urlsplit(value)
    if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname:
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname}{port}"[:120]
    return "other"


def page_of(report: dict[str, Any]) -> str:
    """The URL pattern's name of the page, never the path (it may hold a person's code)."""
    path = urlsplit(str(report.get("document-uri") or "")).path or "/"
    try:
        match = resolve(path)
    except Resolver404:
        return "(unknown)"
    return (match.view_name or "(unnamed)")[:80]


def count(*, on: date, directive: str, blocked: str, page: str) -> None:
    """One more of this kind today: one statement, safe when reports arrive at once."""
    if not CspViolation.objects.filter(on_day=on, directive=directive, blocked=blocked, page=page).exists():
        if CspViolation.objects.filter(on_day=on).count() >= MAX_ROWS_A_DAY:
            directive, blocked, page = "other", "other", "other"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_cspviolation (on_day, directive, blocked, page, count) VALUES (%s, %s, %s, %s, 1)"
            " ON CONFLICT (on_day, directive, blocked, page) DO UPDATE SET count = audit_cspviolation.count + 1",
            [on, directive, blocked, page],
        )


@require_http_methods(["POST"])
@public
@csrf_exempt
def csp_report(request: HttpRequest) -> HttpResponse:
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        return HttpResponse(status=413)
    reports = reports_in(request.body[:MAX_BODY], request.content_type or "")
    if not reports:
        return HttpResponse(status=400)
    today = timezone.localdate()
    for report in reports[:MAX_REPORTS]:
        count(on=today, directive=directive_of(report), blocked=blocked_of(report), page=page_of(report))
    return HttpResponse(status=204)


def expires(now: datetime) -> datetime:
    """The first day of the month seven months on: between six and seven months ahead (RFC
    9116 asks for less than a year), the same all month long."""
    month = now.month + 7
    return datetime(now.year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=UTC)


@require_http_methods(["GET"])
@public
def security_txt(request: HttpRequest) -> HttpResponse:
    contacts = settings.ALONGSIDE_SECURITY_CONTACT
    if not contacts:
        raise NotFound
    lines = [
        "# How to tell the people who run this Alongside about a security problem.",
        *(f"Contact: {contact}" for contact in contacts),
        f"Expires: {expires(timezone.now()):%Y-%m-%dT%H:%M:%S.000Z}",
        "Preferred-Languages: en, es",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
