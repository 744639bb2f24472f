from django.urls import path

from . import security_reports

app_name = "security"

urlpatterns = [
    path(".well-known/security.txt", security_reports.security_txt, name="security_txt"),
    path("security/csp-report/", security_reports.csp_report, name="csp_report"),
]
