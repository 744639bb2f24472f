"""/api/v1/: the API's routes, each declaring its access rule for the access matrix.

Every operation is reached only with a token (api/auth.py), never with a browser's session:
the routes are exempt from the session sign-in redirect and from CSRF (no cookie is read).
The schema and its documentation are public: they describe the API and carry no one's data.
"""

from typing import Any

from django.urls import URLPattern, URLResolver

from .v1 import api

PUBLIC = {"openapi-json", "openapi-view", "api-root"}


def _declare(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            view: Any = pattern.callback
            view.login_required = False
            view.access_rule = "public" if pattern.name in PUBLIC else "api-token"
    return patterns


patterns, _app, namespace = api.urls
urlpatterns = _declare(patterns)
app_name = namespace
