from django.urls import path, register_converter

from . import views
from .converters import ClientCodeConverter

register_converter(ClientCodeConverter, "code")

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("register/", views.client_register, name="register"),
    path("<code:code>/", views.client_detail, name="detail"),
]
