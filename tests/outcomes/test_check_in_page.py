"""The check-in page: phone-first radio groups, every item may be declined, bad input refused."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import User
from clients.models import Client
from encounters.models import Encounter
from outcomes.models import Answer, CheckIn, Instrument, InstrumentItem
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def url(person: Client, slug: str = "who5") -> str:
    return reverse("outcomes:check_in", args=[person.code, slug])


def who5_data(values: list[str]) -> dict[str, str]:
    keys = ["cheerful", "calm", "active", "rested", "interested"]
    return {f"who5-{key}": value for key, value in zip(keys, values, strict=True) if value}


def test_page_shows_the_published_items_answers_and_licence(worker_client: HttpClient, person: Client) -> None:
    page = worker_client.get(url(person)).content.decode()
    assert "I have felt cheerful and in good spirits" in page
    assert "My daily life has been filled with things that interest me" in page
    assert page.index("All of the time") < page.index("Most of the time") < page.index("At no time")  # as published
    assert page.count("Prefer not to say") == 5
    assert "CC BY-NC-SA 3.0 IGO" in page
    assert "Robin" in page


def test_page_in_spanish_uses_who_s_spanish_wording(worker_client: HttpClient, person: Client) -> None:
    page = worker_client.get(url(person), headers={"accept-language": "es"}).content.decode()
    assert "Me he sentido alegre y de buen humor" in page
    assert "Mi vida cotidiana ha estado llena de cosas que me interesan" in page
    assert "La mayor parte del tiempo" in page and "Nunca" in page


def test_saving_a_check_in_with_one_item_declined(worker_client: HttpClient, person: Client, worker: User) -> None:
    response = worker_client.post(url(person), who5_data(["3", "declined", "3", "2", "3"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[person.code])
    check_in = CheckIn.objects.get()
    assert (check_in.client_id, check_in.recorded_by_id, check_in.total, check_in.encounter_id) == (
        person.pk,
        worker.pk,
        None,
        None,
    )
    declined = Answer.objects.select_related("item").get(check_in=check_in, is_declined=True)
    assert (declined.item.key, declined.value) == ("calm", None)


def test_saving_all_five_gives_the_total(worker_client: HttpClient, person: Client) -> None:
    worker_client.post(url(person), who5_data(["3", "2", "3", "2", "3"]))
    assert CheckIn.objects.get().total == 52


def test_check_in_at_a_saved_contact_is_linked_to_it(
    worker_client: HttpClient, person: Client, encounter: Encounter
) -> None:
    response = worker_client.post(url(person), who5_data(["1", "1", "1", "1", "1"]) | {"contact": str(encounter.pk)})
    assert response["Location"] == reverse("encounters:detail", args=[encounter.pk])
    check_in = CheckIn.objects.get()
    assert (check_in.encounter_id, check_in.taken_at) == (encounter.pk, encounter.happened_at)


def test_value_outside_the_scale_is_refused_with_a_message(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(url(person), who5_data(["3", "9", "3", "2", "3"]))
    assert response.status_code == 200
    assert "9 is not one of the answers to this question." in response.content.decode()
    assert not CheckIn.objects.exists()
    # What was typed comes back checked.
    assert (
        'value="3"\n                           checked' in response.content.decode()
        or "checked" in response.content.decode()
    )


def test_unknown_item_is_refused_with_a_message(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(url(person), who5_data(["3", "2", "3", "2", "3"]) | {"who5-sleep": "4"})
    assert response.status_code == 200
    assert "not in this questionnaire. Nothing was saved." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_nothing_answered_is_refused(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(url(person), {})
    assert "Nothing to save" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_self_ratings_and_housing(worker_client: HttpClient, person: Client) -> None:
    worker_client.post(
        url(person, "self_ratings"), {"self_ratings-physical_health": "4", "self_ratings-quality_of_life": "7"}
    )
    worker_client.post(url(person, "housing"), {"housing-housing": "2"})
    ratings = CheckIn.objects.get(instrument__slug="self_ratings")
    assert sorted(ratings.answers.values_list("item__key", "value")) == [("physical_health", 4), ("quality_of_life", 7)]
    assert ratings.total is None
    assert CheckIn.objects.get(instrument__slug="housing").answers.get().value == 2


def test_outsider_gets_404_and_nothing_is_stored(client: HttpClient, outsider: User, person: Client) -> None:
    client.force_login(outsider)
    assert client.get(url(person)).status_code == 404
    assert client.post(url(person), who5_data(["3", "2", "3", "2", "3"])).status_code == 404
    assert not CheckIn.objects.exists()


def test_another_team_s_contact_is_not_linked(
    worker_client: HttpClient, person: Client, other_team: object, outsider: User
) -> None:
    from tests.factories import EncounterFactory

    elsewhere = ClientFactory.create(home_team=other_team)
    contact = EncounterFactory.create(client=elsewhere, team=other_team, worker=outsider)
    worker_client.post(url(person), who5_data(["1", "1", "1", "1", "1"]) | {"contact": str(contact.pk)})
    assert CheckIn.objects.get().encounter_id is None


def test_unknown_or_switched_off_instrument_is_404(worker_client: HttpClient, person: Client, who5: Instrument) -> None:
    assert worker_client.get(url(person, "phq9")).status_code == 404
    Instrument.objects.filter(pk=who5.pk).update(is_active=False)
    assert worker_client.get(url(person)).status_code == 404


def test_data_admin_is_refused(client: HttpClient, data_admin: User, person: Client) -> None:
    client.force_login(data_admin)
    assert client.get(url(person)).status_code == 403


def test_a_put_to_the_check_in_page_is_405(worker_client: HttpClient, person: Client) -> None:
    assert worker_client.put(url(person)).status_code == 405


def test_items_have_reverse_scoring_only_when_defined(who5_items: list[InstrumentItem]) -> None:
    assert not any(item.is_reverse_scored for item in who5_items)
