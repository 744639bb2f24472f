"""Role decorators: every view declares who may use it.

Anonymous users never reach these (LoginRequiredMiddleware redirects them to sign in).
A signed-in user without the role gets 403: the rule is about the page, not about one
object, so it confirms nothing about any person. Objects outside the user's scope are 404,
decided by the access helpers (`<app>/access.py`).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.types import AuthenticatedHttpRequest

from .models import DATA_ADMIN, Membership
from .roles import CONTACT_LOGGERS, FULL_TEAM_ROLES
from .sessions import confirmed_within

View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.roles.intersection(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


# Person-level pages: members of a team (worker or supervisor). Data admins are refused
# unless they are also members of a team; distribution volunteers are refused (accounts/roles.py).
team_member = role_required(*FULL_TEAM_ROLES)
# The pages a distribution volunteer shares with workers, each drawing its limited version
# for them: Log a contact, find and register a person, a person's page, their own contacts.
contact_logger = role_required(*CONTACT_LOGGERS)
supervisor = role_required(Membership.Role.SUPERVISOR)
data_admin = role_required(DATA_ADMIN)
any_role = role_required(Membership.Role.WORKER, Membership.Role.SUPERVISOR, DATA_ADMIN)
# The API tokens page: every role that uses the API (a distribution volunteer's token is
# limited as its pages are: api/auth.py).
token_holder = role_required(*CONTACT_LOGGERS, DATA_ADMIN)


def signing_in(view: View) -> View:
    """A step of signing in (password, code, first authenticator): open to anonymous users,
    who must still prove who they are on the page itself."""
    view = login_not_required(view)
    view.access_rule = "signing-in"  # type: ignore[attr-defined]
    return view


def recent_auth_required(view: View) -> View:
    """Fresh proof of identity before a dangerous action: a transfer, an erasure, a merge, an
    export or its download, and any change to users, teams and roles (the Django admin's
    views of them too: accounts/admin.py).

    The session must have seen the user's password (and their authenticator's code, where
    they have one) within ALONGSIDE_REAUTH_MINUTES (signing in counts). Otherwise the user is
    sent to confirm who they are and back to this page (a GET: a POST is never replayed),
    where they start again.
    Put it below the role decorator, so users without the role still get 403 first
    (docs/architecture.md: the order of decorators):

        @require_http_methods(["GET", "POST"])
        @supervisor
        @recent_auth_required
        def client_erase(request, code): ...
    """

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if confirmed_within(request.session, settings.ALONGSIDE_REAUTH_MINUTES * 60):
            return view(request, *args, **kwargs)
        back = request.get_full_path() if request.method == "GET" else request.path
        return redirect(f"{reverse('accounts:confirm')}?{urlencode({'next': back})}")

    wrapped.needs_recent_auth = True  # type: ignore[attr-defined]
    return wrapped
