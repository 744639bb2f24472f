"""Security headers on a signed-in page and on the sign-in page, with production values,
and `check --deploy` clean with production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http.response import HttpResponseBase
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from config.settings import base

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["signed-in page", "sign-in page"])
def response(request: pytest.FixtureRequest, worker_client: HttpClient) -> HttpResponseBase:
    with override_settings(SECURE_HSTS_SECONDS=base.SECURE_HSTS_SECONDS):
        if request.param == "signed-in page":
            page = worker_client.get(reverse("core:home"), secure=True)
        else:
            page = HttpClient().get(reverse("accounts:sign_in"), secure=True)
    assert page.status_code == 200
    return page


def directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def test_content_security_policy_is_strict(response: HttpResponseBase) -> None:
    policy = directives(response["Content-Security-Policy"])
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_hsts_one_year_with_subdomains(response: HttpResponseBase) -> None:
    assert base.SECURE_HSTS_SECONDS == 365 * 24 * 60 * 60
    hsts = [part.strip() for part in response["Strict-Transport-Security"].split(";")]
    assert hsts[:2] == ["max-age=31536000", "includeSubDomains"]


def test_nothing_is_kept_by_browsers_or_proxies(response: HttpResponseBase) -> None:
    assert "no-store" in response["Cache-Control"]


def test_referrer_permissions_and_framing(response: HttpResponseBase) -> None:
    assert response["Referrer-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"]:
        assert feature in permissions
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "name", ["accounts:security", "accounts:confirm", "accounts:new_authenticator", "clients:list", "encounters:log"]
)
def test_every_signed_in_response_is_no_store(worker_client: HttpClient, name: str) -> None:
    assert worker_client.get(reverse(name))["Cache-Control"] == "no-store"


def test_check_deploy_is_clean_with_production_settings() -> None:
    # Only production-like values: nothing from the test run (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, the test settings' overrides are not read).
    inherited = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "ALONGSIDE_"))}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "alongside.example.org",
        "DATABASE_URL": "postgres://check@127.0.0.1:1/unused",
    }
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
