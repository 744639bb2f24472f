"""Sign-in forms: they only tidy what was typed; the views decide (accounts/services.py)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# One answer for every failed password step, so it never tells whether a username exists or
# an account is paused.
SIGN_IN_FAILED = _("That username and password did not work. After 5 tries in a row, sign-in pauses for 15 minutes.")


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )


class NewAuthenticatorForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        help_text=_("The 6-digit code the app shows for Alongside, to check it is set up right."),
        error_messages={"invalid": _("Type the 6 digits the app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ConfirmForm(forms.Form):
    """Confirm it's you: the password, and a code from the app when the user has one."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("The 6-digit code your authenticator app shows now"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, needs_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]


class ApiTokenForm(forms.Form):
    """A new personal access token: what it is for, what it may do, how long it lives."""

    DAYS = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days (the longest)"))]

    name = forms.CharField(
        label=_("What it is for"),
        max_length=60,
        help_text=_("For you to recognise it later, e.g. the system that will use it. No names of people."),
    )
    scope = forms.ChoiceField(
        label=_("What it may do"),
        choices=[
            ("read", _("Read only")),
            ("write", _("Read and write (log contacts)")),
        ],
        initial="read",
        widget=forms.RadioSelect,
    )
    days = forms.TypedChoiceField(label=_("Works for"), choices=DAYS, coerce=int, initial=30)
