from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from offline.views import manifest, service_worker

urlpatterns = [
    path("", include("core.urls")),
    path("", include("audit.urls")),
    path("accounts/", include("accounts.urls")),
    path("people/", include("clients.urls")),
    path("contacts/", include("encounters.urls")),
    path("goals/", include("goals.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("exports/", include("exports.urls")),
    path("imports/", include("imports.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("health/", include("health.urls")),
    path("offline/", include("offline.urls")),
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("api/v1/", include("api.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
