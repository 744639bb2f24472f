"""Access rules that need no app: every view declares who may use it.

The role decorators that know teams and roles are in accounts/decorators.py. The access
matrix (tests/security/) reads `access_rule` from every view.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse

View = Callable[..., HttpResponse]


def public(view: View) -> View:
    """Open to everyone, signed in or not, because it serves no one's data: security.txt,
    browsers' CSP violation reports (audit/security_reports.py)."""
    view = login_not_required(view)
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


def signed_in(view: View) -> View:
    """Any signed-in user (LoginRequiredMiddleware already keeps anonymous users out)."""
    view.access_rule = "signed-in"  # type: ignore[attr-defined]
    return view
