from django.urls import path

from . import views

app_name = "offline"
urlpatterns = [
    path("", views.offline_home, name="home"),
    path("contact/", views.offline_log, name="log"),
    path("devices/", views.device_add, name="device_add"),
    path("devices/<uuid:device_id>/", views.device_state, name="device_state"),
    path("devices/<uuid:device_id>/revoke/", views.device_revoke, name="device_revoke"),
    path("devices/<uuid:device_id>/people/", views.people, name="people"),
    path("devices/<uuid:device_id>/changes/", views.changes, name="changes"),
    path("devices/<uuid:device_id>/sync/", views.sync, name="sync"),
]
