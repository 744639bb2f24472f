"""Test settings: only what makes tests faster or deterministic; the rest is base."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-a-secret")

from .base import *  # noqa: E402, F403
from .base import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
LANGUAGE_CODE = "en"

# Tests run over plain http (the test client and the live server for browser tests).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
SECURE_HSTS_SECONDS = 0


class UndefinedTemplateVariable(Exception):
    """A template read a variable that does not exist."""


class UndefinedVariable(str):
    """string_if_invalid in tests: a template mistake fails the test that rendered it (issue 13).

    Django renders a variable that does not exist as an empty string, so a misspelt name
    (`row.at` for `row.on`) shows an empty column and no test notices. Here printing one
    raises (`%`, which Django applies with the variable's name), and so does printing a
    related object that does not exist (`str()`: for a missing one-to-one Django gives this
    object itself, without the name). Used instead of pytest-django's
    --fail-on-template-vars, whose object is printed as its own repr in the second case.
    `{% if missing %}` stays false, as in production (Django does not look at this then).
    A string, as Django's checks require (templates.E002).
    """

    def __mod__(self, name: object) -> str:
        raise UndefinedTemplateVariable(f"undefined template variable: {name}")

    def __str__(self) -> str:
        raise UndefinedTemplateVariable("a template printed a related object that does not exist")


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = UndefinedVariable("undefined: %s")  # type: ignore[index]  # noqa: F405
