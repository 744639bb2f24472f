"""Typed request classes for function views (HOUSE_STYLE: typed signatures)."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: "User"
    htmx: "HtmxDetails"
    request_id: str
