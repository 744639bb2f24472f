"""Data admins define and change questionnaires in the app; built-ins can only be offered or not."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from outcomes.models import Instrument

from .helpers import check_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: HttpClient, data_admin: User) -> HttpClient:
    client.force_login(data_admin)
    return client


def form(**extra: str) -> dict[str, str]:
    data = {
        "name": "Feeling safe",
        "slug": "safety",
        "scoring": "sum",
        "factor": "1",
        "higher_is_better": "on",
        "smallest_change": "2",
        "is_active": "on",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-wording": "Safe where I sleep",
        "items-0-scale_min": "0",
        "items-0-scale_max": "4",
        "items-0-low_label": "Not at all",
        "items-0-high_label": "Completely",
        "items-1-wording": "Worried about violence",
        "items-1-scale_min": "0",
        "items-1-scale_max": "4",
        "items-1-is_reverse_scored": "on",
        "items-2-wording": "",
    }
    return data | extra


def test_list_shows_built_ins(admin_client: HttpClient) -> None:
    html = admin_client.get(reverse("outcomes:instrument_list")).content.decode()
    assert "WHO-5 Wellbeing Index" in html and "Health and quality of life" in html and "Housing situation" in html


def test_define_a_questionnaire(admin_client: HttpClient, data_admin: User) -> None:
    response = admin_client.post(reverse("outcomes:instrument_new"), form())
    assert response.status_code == 302
    safety = Instrument.objects.get(slug="safety")
    items = list(safety.items.all())
    assert [(item.wording, item.is_reverse_scored) for item in items] == [
        ("Safe where I sleep", False),
        ("Worried about violence", True),
    ]
    assert items[0].labels == [{"value": 0, "label": "Not at all"}, {"value": 4, "label": "Completely"}]
    assert (safety.total_min, safety.total_max, safety.created_by_id) == (0, 8, data_admin.pk)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INSTRUMENT_CHANGED, object_id=str(safety.pk)).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"items-0-wording": "", "items-1-wording": ""}, "Add at least one question."),
        ({"items-0-scale_max": "0"}, "The highest answer must be more than the lowest."),
        ({"slug": "who5"}, "Another questionnaire already has this short name."),
        ({"scoring": "sum_times", "factor": ""}, "Give the factor the sum is multiplied by"),
        ({"reliability": "0.8"}, "Give both the reliability and the standard deviation, or neither."),
        ({"reliability": "0.8", "sd": "4"}, "Name the published source of these figures."),
        ({"min_answered": "3"}, "More answers are needed than there are questions."),
    ],
)
def test_bad_definitions_are_refused(admin_client: HttpClient, extra: dict[str, str], message: str) -> None:
    response = admin_client.post(reverse("outcomes:instrument_new"), form(**extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Instrument.objects.filter(slug="safety").exists()


def test_changing_a_used_questionnaire_makes_a_new_version(
    admin_client: HttpClient, person: Client, worker: User
) -> None:
    admin_client.post(reverse("outcomes:instrument_new"), form())
    first = Instrument.objects.prefetch_related("items").get(slug="safety")
    check_in(person, first, [4, 0], by=worker)
    edit = reverse("outcomes:instrument_edit", args=[first.pk])
    assert "1 check-in" in admin_client.get(edit).content.decode()
    data = form(name="Feeling safe (short)", **{"items-1-wording": "", "items-INITIAL_FORMS": "2"})
    response = admin_client.post(edit, data, follow=True)
    assert "Saved as version 2" in response.content.decode()
    versions = {row.version: row for row in Instrument.objects.filter(slug="safety").prefetch_related("items")}
    assert (versions[1].is_current, len(versions[1].items.all()), versions[1].name) == (False, 2, "Feeling safe")
    assert (versions[2].is_current, len(versions[2].items.all()), versions[2].name) == (True, 1, "Feeling safe (short)")


def test_built_in_edit_only_switches_it_off(admin_client: HttpClient, who5: Instrument) -> None:
    edit = reverse("outcomes:instrument_edit", args=[who5.pk])
    assert "can only be offered or not" in admin_client.get(edit).content.decode()
    admin_client.post(edit, {"name": "Renamed", "is_active": ""})
    who5.refresh_from_db()
    assert (who5.name, who5.is_active, who5.version) == ("WHO-5 Wellbeing Index", False, 1)


def test_old_version_cannot_be_edited(admin_client: HttpClient, person: Client, worker: User) -> None:
    admin_client.post(reverse("outcomes:instrument_new"), form())
    first = Instrument.objects.prefetch_related("items").get(slug="safety")
    check_in(person, first, [1, 1], by=worker)
    admin_client.post(
        reverse("outcomes:instrument_edit", args=[first.pk]), form(name="v2", **{"items-INITIAL_FORMS": "2"})
    )
    assert admin_client.get(reverse("outcomes:instrument_edit", args=[first.pk])).status_code == 404


@pytest.mark.parametrize("role", ["worker", "supervisor"])
def test_team_members_are_refused(client: HttpClient, role: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("outcomes:instrument_list")).status_code == 403
    assert client.post(reverse("outcomes:instrument_new"), form()).status_code == 403
    assert not Instrument.objects.filter(slug="safety").exists()
