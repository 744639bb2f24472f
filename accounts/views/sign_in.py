"""Signing in (password, then a code or a first authenticator) and signing out.

Nobody is signed in until every step is done: between the password and the code the
session only remembers who is pending (accounts/sessions.py), so no page but these opens.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from audit.models import AuditEvent
from audit.services import record
from core.decorators import signed_in
from core.text import has_control_characters

from .. import lockout, two_factor
from ..decorators import signing_in
from ..forms import SIGN_IN_FAILED, CodeForm, NewAuthenticatorForm, SignInForm
from ..models import User
from ..services import check_password
from ..sessions import ENDED, forget_pending, pending, remember_pending, start_session

# Sign-out clears the browser's cache and storage; cookies are deleted one by one (sign_out).
SIGN_OUT_CLEARS = '"cache", "storage"'
SIGN_OUT_KEEPS_OUTBOX = '"cache"'

ENDED_MESSAGES = {
    "idle": gettext_lazy("You were signed out after 15 minutes without activity. Sign in again to go on."),
    "absolute": gettext_lazy("You were signed out: a session lasts at most 12 hours. Sign in again to go on."),
    "two_factor": gettext_lazy("Your role now needs two-factor sign-in. Sign in again to set it up."),
    "paused": gettext_lazy("Too many codes did not work: sign-in is paused for 15 minutes."),
    "unstamped": gettext_lazy("Please sign in again."),
}


def next_url(request: HttpRequest, target: str) -> str:
    """Where to go after signing in or confirming: a path on this site, else home. Never a
    name to look up (`redirect` would try), another site, or a header-breaking character."""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if safe and target.startswith("/") and not has_control_characters(target):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password. Every failure gets the same answer."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        user = check_password(username=username, password=password)
        if user is None:
            form.add_error(None, SIGN_IN_FAILED)
        elif two_factor.needs_second_factor(user):
            remember_pending(request, user, next_url(request, target))
            has_app = two_factor.authenticator_of(user) is not None
            return redirect("accounts:sign_in_code" if has_app else "accounts:sign_in_set_up")
        else:
            start_session(request, user, second_factor="")
            return redirect(next_url(request, target))
    ended = ENDED_MESSAGES.get(request.session.pop(ENDED, ""), "") if request.method == "GET" else ""
    context = {"form": form, "next": target, "ended": ended}
    return render(request, "accounts/sign_in.html", context)


def paused_response(request: HttpRequest, user: User) -> HttpResponse | None:
    """Leave the code step when the account is paused (audited as a refusal)."""
    if lockout.paused_until(user.pk) is None:
        return None
    lockout.refuse(user=user, reason="account")
    forget_pending(request)
    request.session[ENDED] = "paused"
    return redirect("accounts:sign_in")


def code_failed(request: HttpRequest, user: User, step: str) -> HttpResponse | None:
    if lockout.register_failure(user=user, step=step):
        forget_pending(request)
        request.session[ENDED] = "paused"
        return redirect("accounts:sign_in")
    return None


@signing_in
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 2: a code from the authenticator app, or a recovery code."""
    found = pending(request)
    if found is None:
        return redirect("accounts:sign_in")
    user, target = found
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if (refused := paused_response(request, user)) is not None:
            return refused
        factor = two_factor.check_code(user, form.cleaned_data["code"])
        if factor:
            start_session(request, user, second_factor=factor)
            if factor == "recovery":
                left = two_factor.recovery_codes_left(user)
                messages.warning(request, _("You used a recovery code: %(left)d left.") % {"left": left})
            return redirect(next_url(request, target))
        if (refused := code_failed(request, user, "code")) is not None:
            return refused
        form.add_error("code", _("That code did not work. Check the app shows Alongside and try the newest code."))
    return render(request, "accounts/sign_in_code.html", {"form": form})


@signing_in
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_set_up(request: HttpRequest) -> HttpResponse:
    """Step 2 the first time: set up an authenticator app, then see the recovery codes once."""
    found = pending(request)
    if found is None:
        return redirect("accounts:sign_in")
    user, target = found
    if two_factor.authenticator_of(user) is not None:
        return redirect("accounts:sign_in_code")
    device = two_factor.unconfirmed_authenticator(user)
    form = NewAuthenticatorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if (refused := paused_response(request, user)) is not None:
            return refused
        if two_factor.confirm_authenticator(device, form.cleaned_data["code"]):
            start_session(request, user, second_factor="totp")
            record(action=AuditEvent.Action.TWO_FACTOR_SET_UP, actor=user, target=user)
            codes = two_factor.make_recovery_codes(user)
            record(action=AuditEvent.Action.RECOVERY_CODES_MADE, actor=user, target=user)
            shown = {"codes": codes, "next": next_url(request, target)}
            return render(request, "accounts/recovery_codes_new.html", shown)
        if (refused := code_failed(request, user, "set-up")) is not None:
            return refused
        form.add_error("code", _("That code did not work. Check the app's clock is right and try the newest code."))
    context: dict[str, object] = {
        "form": form,
        "action": "accounts:sign_in_set_up",
        "qr": two_factor.qr_data_uri(device, user),
        "secret": two_factor.secret_text(device),
    }
    return render(request, "accounts/set_up.html", context)


@require_http_methods(["POST"])
@signed_in
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the server session and tell the browser to drop what it kept of it.

    Everything but the language: `Clear-Site-Data: "cookies"` would delete the language
    cookie too, and a Spanish-speaking worker would be signed out into English. So the
    browser clears its cache and storage, and the session, CSRF and messages cookies are
    deleted one by one (they are all the cookies the app sets besides the language).
    """
    record(action=AuditEvent.Action.SIGN_OUT, actor=request.user)
    logout(request)
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # A browser with offline use on wiped what it could read before signing out, and keeps
    # the contacts waiting, sealed so only the server can read them (docs/offline.md): the
    # cache is cleared, the storage that holds them is not.
    response["Clear-Site-Data"] = SIGN_OUT_KEEPS_OUTBOX if request.POST.get("offline_wiped") == "1" else SIGN_OUT_CLEARS
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, CookieStorage.cookie_name):
        response.delete_cookie(name, samesite="Lax")
    return response
