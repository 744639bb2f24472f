"""Views for this feature of a person's record (see clients/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
