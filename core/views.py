from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.decorators import signed_in
from core.notices import notices_for


@require_http_methods(["GET"])
@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The start page: the day's main actions for team members, a pointer for data admins."""
    roles: set[str] = getattr(request.user, "roles", set())
    return render(request, "core/home.html", {"roles": roles, "notices": notices_for(request.user)})
