"""Views for this feature of contacts (see encounters/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
