from django.urls import path

from clients import converters  # noqa: F401  (registers the <code:...> path converter)

from . import contact_views, views

app_name = "goals"
urlpatterns = [
    path("person/<code:code>/new/", views.goal_new, name="new"),
    path("<uuid:goal_id>/", views.goal_detail, name="detail"),
    path("<uuid:goal_id>/review/", views.goal_review, name="review"),
    path("<uuid:goal_id>/status/", views.goal_status, name="status"),
    path("<uuid:goal_id>/change/", views.goal_change, name="change"),
    path("<uuid:goal_id>/steps/", views.step_add, name="step_add"),
    path("steps/<uuid:step_id>/done/", views.step_done, name="step_done"),
    path("steps/<uuid:step_id>/move/", views.step_move, name="step_move"),
    # The goals panel of Log a contact (contact_views.py).
    path("contact/", contact_views.contact_panel, name="contact_panel"),
    path("contact/<uuid:goal_id>/review/", contact_views.contact_review, name="contact_review"),
    path("contact/person/<code:code>/new/", contact_views.contact_goal_new, name="contact_goal_new"),
]
