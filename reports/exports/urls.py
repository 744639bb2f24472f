"""Included by reports/urls.py under exports/: names live in the reports namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.export_list, name="exports"),
    path("new/", views.export_start, name="export_start"),
    path("<uuid:export_id>/", views.export_detail, name="export_detail"),
    path("<uuid:export_id>/download/", views.export_download, name="export_download"),
]
