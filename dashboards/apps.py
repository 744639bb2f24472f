from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    # The app was called "reports" before it was split into dashboards/ and exports/. Its
    # label stays, so its tables (reports_*) and its migration history need no data
    # migration; `makemigrations reports` makes this app's migrations.
    label = "reports"
    verbose_name = _("Dashboards")
