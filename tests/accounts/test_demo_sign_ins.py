"""`make run`'s printed demo sign-ins work: roles that need a second factor have an
authenticator whose codes `python -m demo.totp` (and `manage.py demo_totp`) print."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from accounts.two_factor import requires_two_factor
from demo.logins import API_TOKENS, DEMO_PASSWORD, SIGN_INS
from demo.totp import NEEDS_CODE, code

pytestmark = pytest.mark.django_db


@override_settings(ALLOW_DEMO_DATA=True)
def test_every_printed_demo_sign_in_works_with_the_printed_code() -> None:
    call_command("load_demo", stdout=io.StringIO())
    needing = {user.username for user in User.objects.all() if requires_two_factor(user)}
    assert needing == set(NEEDS_CODE)
    for _role, username in SIGN_INS:
        client = HttpClient()
        response = client.post(reverse("accounts:sign_in"), {"username": username, "password": DEMO_PASSWORD})
        if username in NEEDS_CODE:
            assert response["Location"] == reverse("accounts:sign_in_code")
            response = client.post(reverse("accounts:sign_in_code"), {"code": code(username)})
        assert response["Location"] == reverse("core:home"), username
        assert client.get(reverse("core:home")).status_code == 200
    for username, scope, secret in API_TOKENS:
        me = HttpClient().get(reverse("api:me"), headers={"Authorization": f"Bearer {secret}"}).json()
        assert (me["username"], me["scope"]) == (username, scope)
    printed = io.StringIO()
    call_command("demo_totp", "supervisor", stdout=printed)
    assert printed.getvalue().split() == ["supervisor", code("supervisor")]


def test_demo_codes_are_refused_outside_demo_mode() -> None:
    with pytest.raises(CommandError):
        call_command("demo_totp", "supervisor")
