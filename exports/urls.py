from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("", views.export_list, name="export_list"),
    path("new/", views.export_start, name="export_start"),
    path("<uuid:export_id>/", views.export_detail, name="export_detail"),
    path("<uuid:export_id>/download/", views.export_download, name="export_download"),
]
