"""Access rows for the public security pages: security.txt and CSP violation reports.

Both are open to everyone, signed in or not (they serve no one's data); the report endpoint
takes only POST, without a CSRF token (browsers send none).
"""

from typing import Any

from django.urls import reverse

from .matrix import ROLES, Row


def objects(base: dict[str, Any]) -> dict[str, Any]:
    """A deployment that names its security contact (else security.txt is a 404)."""
    base["request"].getfixturevalue("settings").ALONGSIDE_SECURITY_CONTACT = ["mailto:security@example.org"]
    return {}


ROWS = [
    Row("security:security_txt", "get", lambda o: reverse("security:security_txt"), dict.fromkeys(ROLES, 200)),
    Row(
        "security:csp_report",
        "post",
        lambda o: reverse("security:csp_report"),
        # The matrix posts a form, which is no report: 400 for everyone alike, never a sign-in
        # redirect or a CSRF refusal. Real reports (JSON): tests/security/test_security_reports.py.
        dict.fromkeys(ROLES, 400),
        {"not": "a report"},
    ),
]

WRONG_METHOD = [
    ("security:security_txt", "post", lambda o: reverse("security:security_txt")),
    ("security:csp_report", "get", lambda o: reverse("security:csp_report")),
]
