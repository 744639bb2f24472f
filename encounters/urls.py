"""One list per feature module, so each feature's routes live beside its views."""

from django.urls import URLPattern

from .views import catalogue, corrections, detail, lists, log, overdose, referrals, stock

app_name = "encounters"
urlpatterns: list[URLPattern] = [
    *log.urlpatterns,
    *detail.urlpatterns,
    *referrals.urlpatterns,
    *overdose.urlpatterns,
    *catalogue.urlpatterns,
    *corrections.urlpatterns,
    *lists.urlpatterns,
    *stock.urlpatterns,
]
