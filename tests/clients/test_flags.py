from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client, SafetyFlag
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

ALERT = 'role="alert"'


def detail(person: Client) -> str:
    return reverse("clients:detail", args=[person.code])


def flag(person: Client, text: str, **fields: object) -> SafetyFlag:
    return SafetyFlag.objects.create(client=person, text=text, **fields)


def test_adding_a_flag_stores_it_and_is_audited(worker_client: HttpClient, worker: User, person: Client) -> None:
    until = timezone.localdate() + timedelta(days=14)
    data = {"text": " Do not  visit alone ", "expires_on": until.isoformat()}
    response = worker_client.post(reverse("clients:flag_add", args=[person.code]), data)
    assert response.status_code == 302
    assert response["Location"] == detail(person)
    stored = SafetyFlag.objects.get(client=person)
    assert (stored.text, stored.expires_on, stored.created_by_id, stored.ended_at) == (
        "Do not visit alone",
        until,
        worker.pk,
        None,
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.FLAG_CHANGED)
    assert (event.client_id, event.object_id, event.details) == (person.pk, str(stored.pk), {"change": "added"})
    assert "visit alone" not in f"{event.details}{event.object_type}"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": ""}, "text", "This field is required."),
        ({"text": "   "}, "text", "This field is required."),
        ({"text": "x" * 201}, "text", "at most 200 characters"),
        ({"text": "Prefers women workers", "expires_on": "2001-01-01"}, "expires_on", "today or a later date"),
        ({"text": "Prefers women workers", "expires_on": "soon"}, "expires_on", "Enter a valid date"),
    ],
    ids=["empty", "blank", "too-long", "past", "not-a-date"],
)
def test_bad_input_rerenders_with_the_typed_data_and_stores_nothing(
    worker_client: HttpClient, person: Client, data: dict[str, str], field: str, message: str
) -> None:
    response = worker_client.post(reverse("clients:flag_add", args=[person.code]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert message in page
    if data["text"].strip() and len(data["text"]) < 200:
        assert f'value="{data["text"]}"' in page
    assert not SafetyFlag.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FLAG_CHANGED).exists()


def test_active_flags_are_shown_first_on_the_page(worker_client: HttpClient, person: Client) -> None:
    today = timezone.localdate()
    flag(person, "Prefers women workers")
    flag(person, "Allergic to latex", expires_on=today)
    flag(person, "Was banned from the van", ended_at=timezone.now())
    flag(person, "Old worry", expires_on=today - timedelta(days=1))
    page = worker_client.get(detail(person)).content.decode()
    assert "Prefers women workers" in page
    assert "Allergic to latex" in page
    assert "Was banned from the van" not in page
    assert "Old worry" not in page
    alert = page.index(ALERT)
    assert alert < page.index("Prefers women workers") < page.index('id="identity-heading"')
    assert alert < page.index('id="consent-heading"')


def test_no_alert_without_active_flags(worker_client: HttpClient, person: Client) -> None:
    flag(person, "Was banned from the van", ended_at=timezone.now())
    page = worker_client.get(detail(person)).content.decode()
    assert "Safety: know this before you meet them" not in page
    assert "Add a safety flag" in page


def test_ending_a_flag_keeps_it_but_hides_it(worker_client: HttpClient, worker: User, person: Client) -> None:
    stored = flag(person, "Do not visit alone")
    response = worker_client.post(reverse("clients:flag_end", args=[person.code, stored.pk]))
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.ended_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.FLAG_CHANGED)
    assert (event.actor_id, event.object_id, event.details) == (worker.pk, str(stored.pk), {"change": "ended"})
    assert "Do not visit alone" not in worker_client.get(detail(person)).content.decode()
    worker_client.post(reverse("clients:flag_end", args=[person.code, stored.pk]))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FLAG_CHANGED).count() == 1


def test_another_persons_flag_cannot_be_ended_through_this_person(worker_client: HttpClient, person: Client) -> None:
    other = ClientFactory.create(home_team=person.home_team)
    stored = flag(other, "Do not visit alone")
    response = worker_client.post(reverse("clients:flag_end", args=[person.code, stored.pk]))
    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.ended_at is None


def test_outsider_cannot_add_or_end_flags(client: HttpClient, outsider: User, person: Client) -> None:
    stored = flag(person, "Do not visit alone")
    client.force_login(outsider)
    assert client.post(reverse("clients:flag_add", args=[person.code]), {"text": "x"}).status_code == 404
    assert client.post(reverse("clients:flag_end", args=[person.code, stored.pk])).status_code == 404
    stored.refresh_from_db()
    assert stored.ended_at is None
    assert SafetyFlag.objects.count() == 1


# Log a contact: flags beside the name and above the form.


def test_the_picker_shows_each_persons_active_flags(worker_client: HttpClient, person: Client) -> None:
    other = ClientFactory.create(home_team=person.home_team, preferred_name="Sam", last_seen_at=timezone.now())
    flag(person, "Prefers women workers")
    flag(other, "Allergic to latex")
    flag(other, "Was banned from the van", ended_at=timezone.now())
    response = worker_client.get(reverse("encounters:log"))
    page = response.content.decode()
    assert {p.code: p.active_flags for p in response.context["options"]} == {
        person.code: ["Prefers women workers"],
        other.code: ["Allergic to latex"],
    }
    sam = page.index('for="who-' + other.code)
    robin = page.index('for="who-' + person.code)
    assert sam < page.index("Allergic to latex") < robin < page.index("Prefers women workers")
    assert "Was banned from the van" not in page
    assert "Safety: know this before you meet" not in page  # nobody chosen yet


def test_a_preselected_person_with_flags_gets_an_alert_above_the_form(
    worker_client: HttpClient, person: Client
) -> None:
    flag(person, "Do not visit alone")
    page = worker_client.get(reverse("encounters:log") + f"?person={person.code}").content.decode()
    assert "Safety: know this before you meet Robin" in page
    assert page.index(ALERT) < page.index("Do not visit alone") < page.index('class="log-form"')


def test_a_preselected_person_without_flags_gets_no_alert(worker_client: HttpClient, person: Client) -> None:
    other = ClientFactory.create(home_team=person.home_team)
    flag(other, "Do not visit alone")
    page = worker_client.get(reverse("encounters:log") + f"?person={person.code}").content.decode()
    assert "Safety: know this before you meet" not in page


def test_a_search_in_the_picker_carries_the_flags(worker_client: HttpClient, person: Client) -> None:
    flag(person, "Do not visit alone")
    response = worker_client.post(reverse("encounters:log"), {"find": "1", "q": "Robin"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "Do not visit alone" in page
    assert 'id="picker"' in page
