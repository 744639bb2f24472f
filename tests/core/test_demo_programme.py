"""The demo looks like a programme at work (issue 13): what the demo sign-ins see.

People are found by name, the supervisor has likely duplicates to review, some people
have a year of check-ins, goals were achieved and changed, referrals attended and not.
"""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients.models import Client
from encounters.models import ServiceProvided, ServiceType
from outcomes.models import CheckIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    with override_settings(ALLOW_DEMO_DATA=True):
        call_command("load_demo", stdout=None)


def signed_in(username: str) -> HttpClient:
    http = HttpClient()
    http.force_login(User.objects.get(username=username))
    return http


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def text(response: Any) -> str:
    return text_of(response.content.decode())


def test_demo_people_are_found_by_name_accents_and_all(demo: None) -> None:
    worker = signed_in("worker")
    found = text(worker.post(reverse("clients:list"), {"q": "maria jose"}))
    assert "María José Ortega" in found and "Maria Jose Ortega" in found
    named = Client.objects.filter(home_team__name="North team").exclude(preferred_name="")
    assert named.filter(search_names="").count() == 0
    someone = named.exclude(preferred_name__startswith="Ma").order_by("code").first()
    assert someone is not None
    assert someone.code in text(worker.post(reverse("clients:list"), {"q": someone.preferred_name}))


def test_the_supervisor_has_likely_duplicates_to_review(demo: None) -> None:
    page = text(signed_in("supervisor").get(reverse("clients:duplicate_list")))
    for first, second in [("María José Ortega", "Maria Jose Ortega"), ("Christian Novak", "Kristian Novak")]:
        assert first in page and second in page


def test_some_people_have_a_year_of_check_ins_shown_on_their_page(demo: None) -> None:
    def year_long(client: Client) -> bool:
        taken = sorted(client.check_ins.values_list("taken_at", flat=True))
        return (taken[-1] - taken[0]).days >= 355

    people = Client.objects.filter(home_team__name="North team", check_ins__isnull=False).distinct()
    person = next(client for client in people if year_long(client))
    page = text(signed_in("worker").get(reverse("clients:detail", args=[person.code])))
    days = re.findall(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})\b", page)
    assert len(days) >= 13
    assert CheckIn.objects.filter(client=person, instrument__slug="who5").count() >= 13


def test_goals_achieved_and_changed_and_referrals_attended_and_not(demo: None) -> None:
    worker = signed_in("worker")
    pages = " ".join(
        text(worker.get(reverse("clients:detail", args=[person.code])))
        for person in Client.objects.filter(home_team__name="North team", goals__isnull=False).distinct()
    )
    assert "Achieved" in pages and "Changed" in pages
    referrals = " ".join(
        text(worker.get(reverse("clients:detail", args=[person.code])))
        for person in Client.objects.filter(home_team__name="North team", referrals__isnull=False).distinct()
    )
    assert "Attended" in referrals and "Not attended" in referrals


def test_log_a_contact_opens_with_the_services_the_team_gives_most(demo: None) -> None:
    since = timezone.now() - timedelta(days=90)
    most = (
        ServiceProvided.objects.filter(encounter__team__name="North team", encounter__happened_at__gte=since)
        .values("service_type__name")
        .annotate(times=Count("id"))
        .order_by("-times", "service_type__order")[:4]
    )
    html = signed_in("worker").get(reverse("encounters:log")).content.decode()
    quick = text_of(html[html.index("what-given") : html.index("More services")])
    shown = [name for name in ServiceType.objects.values_list("name", flat=True) if name in quick]
    assert sorted(shown) == sorted(row["service_type__name"] for row in most)


def test_the_demo_worker_has_offline_use_on_one_phone_and_a_lost_one_revoked(demo: None) -> None:
    page = text(signed_in("worker").get(reverse("offline:home")))
    assert "Chrome · Android" in page and "Firefox · Android" in page
    assert "Revoked" in page and "Last synced" in page
