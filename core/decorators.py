"""Access rules that need no app: every view declares who may use it.

The role decorators that know teams and roles are in accounts/decorators.py. The access
matrix (tests/security/) reads `access_rule` from every view.
"""

from collections.abc import Callable

from django.http import HttpResponse

View = Callable[..., HttpResponse]


def signed_in(view: View) -> View:
    """Any signed-in user (LoginRequiredMiddleware already keeps anonymous users out)."""
    view.access_rule = "signed-in"  # type: ignore[attr-defined]
    return view
