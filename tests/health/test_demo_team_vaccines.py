"""The demo has a team with a vaccine of its own and a few people part of the way through its
course (demo/prevention.py), shown by name on a person's page; loading it again adds nothing."""

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from health.models import TeamVaccine, Vaccination

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_teams_own_vaccine_with_a_few_doses(client: HttpClient) -> None:
    with override_settings(ALLOW_DEMO_DATA=True):
        call_command("load_demo", stdout=None)
        call_command("load_demo", stdout=None)
    own = TeamVaccine.objects.get(team__name="North team", is_active=True)
    assert (own.name, own.doses) == ("Combined hepatitis A and B", 3)
    doses = Vaccination.objects.filter(team_vaccine=own)
    assert 3 <= doses.values("client").distinct().count() <= 6
    assert not Vaccination.objects.filter(team_vaccine__is_active=False).exists()
    assert not doses.exclude(vaccine="other").exists() and not doses.exclude(team_id=own.team_id).exists()

    dose = doses.select_related("client").order_by("given_on").first()
    assert dose is not None
    worker = User.objects.get(username="worker")
    client.force_login(worker)
    page = client.get(reverse("clients:detail", args=[dose.client.code])).content.decode()
    assert "Combined hepatitis A and B" in page
