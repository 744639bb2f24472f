"""A user's own personal access tokens for the API: list them, make one, revoke one."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.types import AuthenticatedHttpRequest
from core.errors import DomainError

from ..decorators import recent_auth_required, token_holder
from ..forms import ApiTokenForm
from ..models import ApiToken
from ..services import create_api_token, revoke_api_token


@require_http_methods(["GET", "POST"])
@token_holder
@recent_auth_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's tokens with their scope, expiry and last use; a new one is shown once."""
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = create_api_token(
                actor=request.user, name=data["name"], scope=data["scope"], days=data["days"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "accounts/api_token_new.html", {"token": token, "secret": secret})
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")[:100]
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens})


@require_http_methods(["POST"])
@token_holder
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: UUID) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's is a 404)."""
    revoke_api_token(actor=request.user, token_id=token_id)
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("accounts:api_tokens")
