from django.urls import path

from . import views

app_name = "health"
urlpatterns = [
    path("people/<str:code>/", views.person_health_page, name="person"),
]
