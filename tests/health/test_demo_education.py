"""The demo's safer-use education (demo/education.py): topics covered at contacts, a topic
renamed in the team's words and one of its own, shown on the team dashboard."""

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from health.education import Topic, TopicCovered

pytestmark = pytest.mark.django_db


def test_the_demo_has_topics_covered_and_the_dashboard_counts_them(client: HttpClient) -> None:
    with override_settings(ALLOW_DEMO_DATA=True):
        call_command("load_demo", stdout=None)
        covered = TopicCovered.objects.count()
        call_command("load_demo", stdout=None)  # again: nothing added twice
    assert covered > 50 and TopicCovered.objects.count() == covered
    assert TopicCovered.objects.filter(practised=True, encounter__client__isnull=True).exists()
    assert Topic.objects.filter(name="Sex, consent and PrEP", key="safer_sex").exists()
    assert Topic.objects.filter(name="Staying cool and drinking water", key="").exists()
    client.force_login(User.objects.get(username="supervisor"))
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "Safer-use topics covered" in page and "Sex, consent and PrEP" in page
