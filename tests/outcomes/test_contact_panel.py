"""The check-in panel of Log a contact: answers kept as they are given, and a check-in made
from the answers sent with the contact when it is saved, with one submit for the worker."""

import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients.models import Client
from encounters.models import Encounter, Site
from outcomes.models import CheckIn, CheckInDraft, Instrument
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def panel(person: Client, contact_id: uuid.UUID | None = None) -> str:
    query = {"who": person.code} | ({"id": str(contact_id)} if contact_id else {})
    return f"{reverse('outcomes:contact_panel')}?{urlencode(query)}"


def post(http: HttpClient, person: Client, contact_id: uuid.UUID, data: dict[str, str], slug: str = "who5") -> str:
    response = http.post(
        reverse("outcomes:contact_answers", args=[person.code, slug]), data | {"id": str(contact_id)}, headers=HTMX
    )
    assert response.status_code == 200
    return response.content.decode()


def test_panel_shows_each_offered_instrument(worker_client: HttpClient, person: Client) -> None:
    html = worker_client.get(panel(person, uuid.uuid4()), headers=HTMX).content.decode()
    assert html.count('<details class="card mb-2 checkin"') == 3
    assert "I have felt calm and relaxed" in html and "Physical health" in html and "No fixed address" in html
    names = "checkin-who5-cheerful,checkin-who5-calm,checkin-who5-active,checkin-who5-rested,checkin-who5-interested"
    assert f'hx-params="{names},id"' in html
    assert f'<input type="hidden" name="checkin_for" value="{person.code}">' in html  # drawn for this person
    assert "<form" not in html  # it sits inside the contact's form
    assert "CC BY-NC-SA 3.0 IGO" in html


def test_answers_are_kept_and_the_status_says_so(worker_client: HttpClient, person: Client, worker: User) -> None:
    contact_id = uuid.uuid4()
    html = post(worker_client, person, contact_id, {"checkin-who5-cheerful": "3", "checkin-who5-calm": "declined"})
    assert "Kept for this contact:" in html and "1 answer, 1 prefer not to say." in html
    assert "No total: it needs 5 answers." in html
    html = post(
        worker_client,
        person,
        contact_id,
        {
            "checkin-who5-cheerful": "3",
            "checkin-who5-calm": "2",
            "checkin-who5-active": "3",
            "checkin-who5-rested": "2",
            "checkin-who5-interested": "3",
        },
    )
    assert "5 answers." in html and "Total: 52." in html
    draft = CheckInDraft.objects.get()
    assert (draft.contact_ref, draft.client_id, draft.recorded_by_id, draft.total) == (
        contact_id,
        person.pk,
        worker.pk,
        52,
    )
    assert not CheckIn.objects.exists()


def test_panel_drawn_again_keeps_the_answers_given(worker_client: HttpClient, person: Client) -> None:
    contact_id = uuid.uuid4()
    post(worker_client, person, contact_id, {"checkin-who5-cheerful": "4", "checkin-who5-calm": "declined"})
    html = worker_client.get(panel(person, contact_id), headers=HTMX).content.decode()
    assert html.count(" checked>") == 2
    assert "1 answer, 1 prefer not to say." in html


def log_with(person: Client, site: Site, contact_id: uuid.UUID, answers: dict[str, str], drawn_for: str) -> dict:
    """Log a contact's submission with the panel's answers in it, as the browser sends it."""
    return {
        "id": str(contact_id),
        "who": person.code,
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk),
        "kind": "street",
        "checkin_for": drawn_for,
        **answers,
    }


def test_saving_the_contact_makes_the_check_in(
    worker_client: HttpClient, person: Client, worker: User, site: Site
) -> None:
    contact_id = uuid.uuid4()
    answers = {"checkin-housing-housing": "1"}
    post(worker_client, person, contact_id, answers, slug="housing")
    response = worker_client.post(reverse("encounters:log"), log_with(person, site, contact_id, answers, person.code))
    assert response["Location"] == reverse("encounters:detail", args=[contact_id])
    check_in = CheckIn.objects.select_related("instrument").get()
    assert (check_in.encounter_id, check_in.instrument.slug, check_in.recorded_by_id) == (
        contact_id,
        "housing",
        worker.pk,
    )
    assert not CheckInDraft.objects.exists()
    # The same submission again (a double tap): the same contact, still one check-in.
    again = worker_client.post(reverse("encounters:log"), log_with(person, site, contact_id, answers, person.code))
    assert again["Location"] == response["Location"]
    assert CheckIn.objects.count() == 1


def test_answers_drawn_for_someone_else_are_refused_and_nothing_is_saved(
    worker_client: HttpClient, person: Client, site: Site
) -> None:
    """The person chosen changed while the panel was drawn again: never their check-in."""
    other = ClientFactory.create(home_team=person.home_team, last_seen_at=timezone.now())
    submission = log_with(person, site, uuid.uuid4(), {"checkin-housing-housing": "1"}, other.code)
    response = worker_client.post(reverse("encounters:log"), submission)
    assert response.status_code == 200
    assert "The check-in answers were given for someone else." in response.content.decode()
    assert not Encounter.objects.exists() and not CheckIn.objects.exists()


def test_a_bad_answer_sent_with_the_contact_is_shown_and_nothing_is_saved(
    worker_client: HttpClient, person: Client, site: Site
) -> None:
    submission = log_with(person, site, uuid.uuid4(), {"checkin-who5-cheerful": "9"}, person.code)
    response = worker_client.post(reverse("encounters:log"), submission)
    assert response.status_code == 200
    assert "9 is not one of the answers to this question." in response.content.decode()
    assert not Encounter.objects.exists() and not CheckIn.objects.exists()


def test_bad_value_is_refused_with_a_message_and_nothing_kept(worker_client: HttpClient, person: Client) -> None:
    html = post(worker_client, person, uuid.uuid4(), {"checkin-who5-cheerful": "7"})
    assert "7 is not one of the answers to this question." in html
    assert "I have felt cheerful and in good spirits" in html  # which question
    assert not CheckInDraft.objects.exists()


def test_unknown_item_is_refused(worker_client: HttpClient, person: Client) -> None:
    html = post(worker_client, person, uuid.uuid4(), {"checkin-who5-cheerful": "3", "checkin-who5-appetite": "2"})
    assert "not in this questionnaire. Nothing was saved." in html
    assert not CheckInDraft.objects.exists()


def test_without_a_contact_id_nothing_is_kept(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(
        reverse("outcomes:contact_answers", args=[person.code, "who5"]), {"checkin-who5-cheerful": "3"}, headers=HTMX
    )
    assert "This contact has no id yet" in response.content.decode()
    assert not CheckInDraft.objects.exists()


def test_anonymous_or_nobody_chosen_gives_no_panel(worker_client: HttpClient) -> None:
    url = f"{reverse('outcomes:contact_panel')}?{urlencode({'who': 'anonymous'})}"
    assert worker_client.get(url, headers=HTMX).content == b""


def test_without_javascript_the_panel_link_opens_the_check_in_page(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.get(panel(person))
    assert response["Location"] == reverse("outcomes:check_in", args=[person.code, "who5"])


def test_outsider_gets_nothing_and_stores_nothing(client: HttpClient, outsider: User, person: Client) -> None:
    client.force_login(outsider)
    assert client.get(panel(person, uuid.uuid4()), headers=HTMX).content == b""
    response = client.post(
        reverse("outcomes:contact_answers", args=[person.code, "who5"]),
        {"checkin-who5-cheerful": "3", "id": str(uuid.uuid4())},
        headers=HTMX,
    )
    assert response.status_code == 404
    assert not CheckInDraft.objects.exists()


def test_switched_off_instrument_is_not_in_the_panel(
    worker_client: HttpClient, person: Client, housing: Instrument
) -> None:
    Instrument.objects.filter(pk=housing.pk).update(is_active=False)
    html = worker_client.get(panel(person, uuid.uuid4()), headers=HTMX).content.decode()
    assert "No fixed address" not in html
    response = worker_client.post(
        reverse("outcomes:contact_answers", args=[person.code, "housing"]),
        {"checkin-housing-housing": "1"},
        headers=HTMX,
    )
    assert response.status_code == 404


def test_log_a_contact_includes_the_panel_inside_its_form(worker_client: HttpClient, person: Client) -> None:
    html = worker_client.get(f"{reverse('encounters:log')}?{urlencode({'person': person.code})}").content.decode()
    form = html[html.index('<form method="post"\n          action="/contacts/log/') :]
    assert 'id="contact-checkin"' in form[: form.index("</form>")]
    assert f"{reverse('outcomes:contact_panel')}?who={person.code}" in html  # without JavaScript: its own page
