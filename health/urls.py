from django.urls import path

from .views import alerts, person, reports, topics, vaccines

app_name = "health"
urlpatterns = [
    path("people/<str:code>/", person.person_health, name="person_health"),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<uuid:alert_id>/", alerts.alert_card, name="alert_card"),
    path("alerts/<uuid:alert_id>/confirm/", alerts.alert_confirm, name="alert_confirm"),
    path("alerts/<uuid:alert_id>/end/", alerts.alert_end, name="alert_end"),
    path("drug-checking/", reports.drug_checks, name="drug_checks"),
    path("incidents/", reports.incidents, name="incidents"),
    path("vaccines/", vaccines.team_vaccine_list, name="team_vaccine_list"),
    path("vaccines/teams/<uuid:team_id>/new/", vaccines.team_vaccine_new, name="team_vaccine_new"),
    path("vaccines/<uuid:team_vaccine_id>/", vaccines.team_vaccine_edit, name="team_vaccine_edit"),
    path("vaccines/<uuid:team_vaccine_id>/active/", vaccines.team_vaccine_active, name="team_vaccine_active"),
    path("topics/", topics.topic_list, name="topic_list"),
    path("topics/teams/<uuid:team_id>/new/", topics.topic_new, name="topic_new"),
    path("topics/<uuid:topic_id>/", topics.topic_edit, name="topic_edit"),
    path("topics/<uuid:topic_id>/active/", topics.topic_active, name="topic_active"),
]
