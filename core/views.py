from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.decorators import signed_in


@require_http_methods(["GET"])
@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The start page: the day's main actions for team members, a pointer for data admins."""
    return render(request, "core/home.html", {"roles": getattr(request.user, "roles", set())})
