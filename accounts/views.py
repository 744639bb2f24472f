from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import record

from .decorators import signed_in
from .models import User


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Sign in. Every success and failure is audited (by user id when the name exists)."""
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            login(request, form.get_user())
            record(action=AuditEvent.Action.SIGN_IN, request=request)
            return redirect(_next_url(request))
        attempted = User.objects.filter(username=request.POST.get("username", "")).values_list("pk", flat=True).first()
        record(action=AuditEvent.Action.SIGN_IN_FAILED, request=request, actor_id=attempted)
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


@signed_in
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    record(action=AuditEvent.Action.SIGN_OUT, request=request)
    logout(request)
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
