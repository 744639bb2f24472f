"""Access rows for the sign-in steps and a user's own sign-in security pages.

The code and first set-up steps are open to anonymous users but only serve a session whose
password step has just succeeded: with none pending, everyone is sent back to sign in (302).
Recovery codes need an authenticator: the supervisor has one here, the others are sent to
set one up (302).
"""

from typing import Any

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD

from .matrix import ROLES, Row

SIGNED_IN = {**dict.fromkeys(ROLES, 200), "anonymous": 302}


def objects(base: dict[str, Any]) -> dict[str, Any]:
    supervisor = base["request"].getfixturevalue("supervisor")
    return {"supervisor_authenticator": TOTPDevice.objects.create(user=supervisor, name="phone", confirmed=True)}


ROWS = [
    Row("accounts:sign_in_code", "get", lambda o: reverse("accounts:sign_in_code"), dict.fromkeys(ROLES, 302)),
    Row("accounts:sign_in_set_up", "get", lambda o: reverse("accounts:sign_in_set_up"), dict.fromkeys(ROLES, 302)),
    Row("accounts:confirm", "get", lambda o: reverse("accounts:confirm"), SIGNED_IN),
    Row(
        "accounts:confirm",
        "post",
        lambda o: reverse("accounts:confirm"),
        # The supervisor has an authenticator: the password alone is not enough (the form again).
        {**dict.fromkeys(ROLES, 302), "supervisor": 200},
        {"password": TEST_PASSWORD, "next": "/"},
    ),
    Row("accounts:security", "get", lambda o: reverse("accounts:security"), SIGNED_IN),
    Row("accounts:new_authenticator", "get", lambda o: reverse("accounts:new_authenticator"), SIGNED_IN),
    Row(
        "accounts:recovery_codes",
        "get",
        lambda o: reverse("accounts:recovery_codes"),
        {**dict.fromkeys(ROLES, 302), "supervisor": 200},
    ),
    Row(
        "accounts:recovery_codes",
        "post",
        lambda o: reverse("accounts:recovery_codes"),
        {**dict.fromkeys(ROLES, 302), "supervisor": 200},
    ),
]

WRONG_METHOD = [
    ("accounts:security", "post", lambda o: reverse("accounts:security")),
    ("accounts:confirm", "put", lambda o: reverse("accounts:confirm")),
    ("accounts:new_authenticator", "delete", lambda o: reverse("accounts:new_authenticator")),
    ("accounts:recovery_codes", "put", lambda o: reverse("accounts:recovery_codes")),
    ("accounts:sign_in_code", "put", lambda o: reverse("accounts:sign_in_code")),
    ("accounts:sign_in_set_up", "put", lambda o: reverse("accounts:sign_in_set_up")),
]
