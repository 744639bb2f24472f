"""Role decorators: every view declares who may use it.

Anonymous users never reach these (LoginRequiredMiddleware redirects them to sign in).
A signed-in user without the role gets 403: the rule is about the page, not about one
object, so it confirms nothing about any person. Objects outside the user's scope are 404,
decided by the access helpers (`<app>/access.py`).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from core.types import AuthenticatedHttpRequest

from .models import DATA_ADMIN, Membership

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


def signed_in(view: View) -> View:
    """Any signed-in user (LoginRequiredMiddleware already keeps anonymous users out)."""
    view.access_rule = "signed-in"  # type: ignore[attr-defined]
    return view


# Person-level pages: members of a team (worker or supervisor). Data admins are refused
# unless they are also members of a team.
team_member = role_required(Membership.Role.WORKER, Membership.Role.SUPERVISOR)
supervisor = role_required(Membership.Role.SUPERVISOR)
data_admin = role_required(DATA_ADMIN)
any_role = role_required(Membership.Role.WORKER, Membership.Role.SUPERVISOR, DATA_ADMIN)
