from django.urls import path

from clients import converters  # noqa: F401  (registers the <code:...> path converter)

from . import contact_views, views

app_name = "outcomes"
urlpatterns = [
    path("<code:code>/check-in/<slug:slug>/", views.check_in, name="check_in"),
    # The check-in panel of Log a contact (contact_views.py).
    path("contact/", contact_views.contact_panel, name="contact_panel"),
    path("contact/<code:code>/<slug:slug>/", contact_views.contact_answers, name="contact_answers"),
    # Data admins: the instruments.
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/new/", views.instrument_new, name="instrument_new"),
    path("instruments/<uuid:instrument_id>/", views.instrument_edit, name="instrument_edit"),
]
