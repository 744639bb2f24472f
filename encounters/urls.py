from django.urls import path

from . import views

app_name = "encounters"
urlpatterns = [
    path("log/", views.encounter_log, name="log"),
    path("<uuid:encounter_id>/", views.encounter_detail, name="detail"),
]
