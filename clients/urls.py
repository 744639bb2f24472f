"""One list per feature module, so each feature's routes live beside its views."""

from django.urls import URLPattern, path

from .views import consent, context_items, duplicates, flags, identity, merge, people, records, summary, use_wish

app_name = "clients"
urlpatterns: list[URLPattern] = [
    path("", people.client_list, name="list"),
    path("register/", people.client_register, name="register"),
    path("<code:code>/", people.client_detail, name="detail"),
    *identity.urlpatterns,
    *consent.urlpatterns,
    *flags.urlpatterns,
    *duplicates.urlpatterns,
    *merge.urlpatterns,
    *records.urlpatterns,
    *summary.urlpatterns,
    *use_wish.urlpatterns,
    *context_items.urlpatterns,
]
