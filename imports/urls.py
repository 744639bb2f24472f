from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("<uuid:import_id>/", views.import_detail, name="import_detail"),
    path("<uuid:import_id>/start/", views.import_start, name="import_start"),
]
