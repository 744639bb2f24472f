"""A signed-in user's own sign-in security: confirm who they are, authenticator, recovery codes."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from core.decorators import signed_in

from .. import lockout, two_factor
from ..decorators import recent_auth_required
from ..forms import ConfirmForm, NewAuthenticatorForm
from ..sessions import CONFIRMED, ENDED, SECOND_FACTOR, now
from .sign_in import next_url


@require_http_methods(["GET", "POST"])
@signed_in
@sensitive_post_parameters("password", "code")
def confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm it's you (the password, and a code from the app where one is set up) before a
    transfer, an erasure, a merge, an export, or a change to users and roles.

    Wrong answers count towards the pause like failed sign-ins; the one that pauses the
    account also ends this session, since someone else may be holding the phone.
    """
    user = request.user
    target = request.POST.get("next") or request.GET.get("next") or ""
    device = two_factor.authenticator_of(user)
    form = ConfirmForm(request.POST if request.method == "POST" else None, needs_code=device is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        paused = lockout.paused_until(user.pk) is not None
        ok = not paused and user.check_password(data["password"])
        ok = ok and (device is None or two_factor.check_totp(device, data["code"]))
        if ok:
            request.session[CONFIRMED] = now()
            details = {"with": "password" if device is None else "password+code"}
            record(action=AuditEvent.Action.REAUTHENTICATED, actor=user, details=details)
            return redirect(next_url(request, target))
        if paused or lockout.register_failure(user=user, step="confirm"):
            logout(request)
            request.session[ENDED] = "paused"
            return redirect("accounts:sign_in")
        wrong = _("That did not match. Check your password and the newest code, and try again.")
        form.add_error(None, wrong if device is not None else _("That password did not match. Try again."))
    return render(request, "accounts/confirm.html", {"form": form, "next": target})


@require_http_methods(["GET"])
@signed_in
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Two-factor sign-in for this user: whether it is on, needed, and recovery codes left."""
    user = request.user
    context = {
        "authenticator": two_factor.authenticator_of(user),
        "required": two_factor.requires_two_factor(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "accounts/security.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
@recent_auth_required
@sensitive_post_parameters("code")
def new_authenticator(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app (first one, or a new phone); it replaces the old one."""
    user = request.user
    device = two_factor.unconfirmed_authenticator(user)
    form = NewAuthenticatorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm_authenticator(device, form.cleaned_data["code"]):
            request.session.cycle_key()
            request.session[SECOND_FACTOR] = "totp"
            record(action=AuditEvent.Action.TWO_FACTOR_SET_UP, actor=user, target=user)
            codes = two_factor.make_recovery_codes(user)
            record(action=AuditEvent.Action.RECOVERY_CODES_MADE, actor=user, target=user)
            return render(request, "accounts/recovery_codes_new.html", {"codes": codes, "next": ""})
        form.add_error("code", _("That code did not work. Check the app's clock is right and try the newest code."))
    context: dict[str, object] = {
        "form": form,
        "action": "accounts:new_authenticator",
        "qr": two_factor.qr_data_uri(device, user),
        "secret": two_factor.secret_text(device),
    }
    return render(request, "accounts/set_up.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
@recent_auth_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make new recovery codes (the old ones stop working); shown once, never stored readable."""
    user = request.user
    if two_factor.authenticator_of(user) is None:
        messages.info(request, _("Set up an authenticator app first: recovery codes come with it."))
        return redirect("accounts:security")
    if request.method == "POST":
        codes = two_factor.make_recovery_codes(user)
        record(action=AuditEvent.Action.RECOVERY_CODES_MADE, actor=user, target=user)
        return render(request, "accounts/recovery_codes_new.html", {"codes": codes, "next": ""})
    return render(request, "accounts/recovery_codes.html", {"codes_left": two_factor.recovery_codes_left(user)})
