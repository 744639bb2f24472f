from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.decorators import signed_in
from core.home import panels_for
from core.notices import notices_for


@require_http_methods(["GET"])
@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what apps have for everyone now (core/home.py: bad-batch alerts), the
    notices apps raise (core/notices.py: low stock), then the day's main actions for team
    members, a pointer for data admins."""
    context: dict[str, Any] = {
        "roles": getattr(request.user, "roles", set()),
        "panels": panels_for(request.user),
        "notices": notices_for(request.user),
    }
    return render(request, "core/home.html", context)
