from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisation/", views.organisation, name="organisation"),
]
