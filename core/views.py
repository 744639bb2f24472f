from django.http import HttpResponse
from django.shortcuts import render

from accounts.decorators import signed_in
from core.types import AuthenticatedHttpRequest


@signed_in
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start page: the day's main actions for team members, a pointer for data admins."""
    return render(request, "core/home.html", {"roles": request.user.roles})
