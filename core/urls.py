from django.urls import path

from . import health, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health.health, name="health"),
]
