"""CSP violation reports are counted without personal data, and security.txt follows RFC 9116
with an Expires date that is never stale (audit/security_reports.py)."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import CspViolation
from audit.security_reports import MAX_ROWS_A_DAY, expires
from clients.models import Client
from config.settings import base

pytestmark = pytest.mark.django_db

REPORT_URL = reverse("security:csp_report")


def chrome_report(person: Client) -> dict[str, object]:
    """What Chrome posts to a report-uri when an injected script is blocked on a person's page."""
    return {
        "csp-report": {
            "document-uri": f"https://alongside.example.org/people/{person.code}/?q=Robin+Hood",
            "referrer": f"https://alongside.example.org/people/?q={person.preferred_name}",
            "violated-directive": "script-src-elem",
            "effective-directive": "script-src-elem",
            "original-policy": base.SECURE_CSP and "default-src 'self'; report-uri /security/csp-report/",
            "disposition": "enforce",
            "blocked-uri": "https://evil.example/steal.js?who=robin",
            "line-number": 12,
            "source-file": f"https://alongside.example.org/people/{person.code}/",
            "status-code": 200,
            "script-sample": f"alert('{person.preferred_name}')",
        }
    }


def post(report: object, *, content_type: str = "application/csp-report") -> int:
    browser = HttpClient(enforce_csrf_checks=True)  # a browser's report carries no CSRF token
    return browser.post(REPORT_URL, json.dumps(report), content_type=content_type).status_code


def test_the_policy_asks_browsers_to_report_here() -> None:
    assert base.SECURE_CSP["report-uri"] == [REPORT_URL]


def test_a_report_is_counted_by_kind_without_personal_data(person: Client) -> None:
    assert post(chrome_report(person)) == 204
    assert post(chrome_report(person)) == 204
    row = CspViolation.objects.get()
    assert (row.directive, row.blocked, row.page, row.count) == (
        "script-src-elem",
        "https://evil.example",
        "clients:detail",
        2,
    )
    assert row.on_day == timezone.localdate()
    stored = json.dumps(list(CspViolation.objects.values()), default=str)
    for personal in (person.code, person.preferred_name, "Robin", "who=", "q=", "steal.js", "alert"):
        assert personal not in stored


def test_the_reporting_api_format_is_counted_too(person: Client) -> None:
    reports = [
        {
            "type": "csp-violation",
            "url": f"https://alongside.example.org/contacts/log/?person={person.code}",
            "body": {
                "documentURL": f"https://alongside.example.org/contacts/log/?person={person.code}",
                "effectiveDirective": "style-src-attr",
                "blockedURL": "inline",
                "sample": "color: red",
                "disposition": "enforce",
            },
        },
        {"type": "deprecation", "body": {"id": "x"}},
    ]
    assert post(reports, content_type="application/reports+json") == 204
    assert list(CspViolation.objects.values_list("directive", "blocked", "page", "count")) == [
        ("style-src-attr", "inline", "encounters:log", 1)
    ]


@pytest.mark.parametrize(
    "junk",
    [b"", b"not json", b"[]", b'{"csp-report": "x"}', b"\x00\xff", b'{"csp-report": {"blocked-uri": 5}}'],
)
def test_junk_is_refused_or_counted_harmlessly_never_an_error(junk: bytes) -> None:
    status = HttpClient().post(REPORT_URL, junk, content_type="application/csp-report").status_code
    assert status in {204, 400}
    assert all(len(row.blocked) <= 120 for row in CspViolation.objects.all())


def test_made_up_names_are_folded(person: Client) -> None:
    report = chrome_report(person)
    report["csp-report"].update(  # type: ignore[attr-defined]
        {"effective-directive": "x" * 500, "blocked-uri": "javascript:alert(1)", "document-uri": "/no/such/page/"}
    )
    assert post(report) == 204
    assert list(CspViolation.objects.values_list("directive", "blocked", "page")) == [("other", "other", "(unknown)")]


def test_a_large_body_is_refused() -> None:
    body = json.dumps({"csp-report": {"script-sample": "x" * 70_000}})
    assert HttpClient().post(REPORT_URL, body, content_type="application/csp-report").status_code == 413
    assert not CspViolation.objects.exists()


def test_a_flood_of_new_kinds_stops_growing_the_table(person: Client) -> None:
    report = chrome_report(person)
    for number in range(MAX_ROWS_A_DAY + 30):
        report["csp-report"]["blocked-uri"] = f"https://host{number}.example/x.js"  # type: ignore[index]
        post(report)
    assert CspViolation.objects.count() == MAX_ROWS_A_DAY + 1
    assert CspViolation.objects.get(directive="other").count == 30


def test_only_post_and_no_sign_in_needed() -> None:
    assert HttpClient().get(REPORT_URL).status_code == 405


@override_settings(
    ALONGSIDE_SECURITY_CONTACT=["mailto:security@example.org", "https://example.org/report"],
    ALLOWED_HOSTS=["alongside.example.org"],
)
def test_security_txt_has_the_fields_of_rfc_9116(client: HttpClient) -> None:
    with time_machine.travel(datetime(2026, 12, 6, 18, 0, tzinfo=UTC), tick=False):
        response = client.get("/.well-known/security.txt", HTTP_HOST="alongside.example.org", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    fields = dict(re.findall(r"^([A-Za-z-]+): (.+)$", text, re.M))
    assert re.findall(r"^Contact: (.+)$", text, re.M) == ["mailto:security@example.org", "https://example.org/report"]
    assert fields["Expires"] == "2027-07-01T00:00:00.000Z"
    assert fields["Preferred-Languages"] == "en, es"
    assert fields["Canonical"] == "https://alongside.example.org/.well-known/security.txt"
    assert all(line.startswith("#") or ": " in line for line in text.strip().splitlines())


@pytest.mark.parametrize(
    "day", [datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 30, 23, tzinfo=UTC), timezone.now()]
)
def test_expires_is_always_between_six_and_seven_months_ahead(day: datetime) -> None:
    ahead = expires(day) - day
    assert timedelta(days=150) < ahead <= timedelta(days=215) < timedelta(days=365)
    assert expires(day).day == 1 and expires(day) > day


def test_without_a_contact_there_is_no_security_txt(client: HttpClient, settings: object) -> None:
    settings.ALONGSIDE_SECURITY_CONTACT = []  # type: ignore[attr-defined]
    assert client.get("/.well-known/security.txt").status_code == 404


def test_the_contact_defaults_to_security_at_the_site_s_host() -> None:
    import importlib
    import os

    from config.settings import base as settings_module

    saved = os.environ.get("DJANGO_ALLOWED_HOSTS")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "alongside.example.org,localhost"
    try:
        assert importlib.reload(settings_module).ALONGSIDE_SECURITY_CONTACT == ["mailto:security@alongside.example.org"]
    finally:
        if saved is None:
            del os.environ["DJANGO_ALLOWED_HOSTS"]
        else:
            os.environ["DJANGO_ALLOWED_HOSTS"] = saved
        importlib.reload(settings_module)
