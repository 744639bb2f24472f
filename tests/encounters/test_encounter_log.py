import uuid
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, ServiceProvided, ServiceType, Site
from tests.factories import ClientFactory, SiteFactory

pytestmark = pytest.mark.django_db

URL = reverse("encounters:log")


def contact(who: str, site: Site | None, **extra: str) -> dict[str, str]:
    data = {
        "id": str(uuid.uuid4()),
        "who": who,
        "head_count": "1",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk) if site else "",
        "kind": "street",
    }
    return {**data, **extra}


def test_log_a_contact_with_services(worker_client: HttpClient, worker: User, person: Client, site: Site) -> None:
    data = contact(person.code, site, **{"service_sterile-syringes": "10", "service_naloxone-kit": "2"})
    response = worker_client.post(URL, data)
    encounter = Encounter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("encounters:detail", args=[encounter.pk])
    assert str(encounter.pk) == data["id"]
    ids = (encounter.client_id, encounter.worker_id, encounter.team_id, encounter.site_id)
    assert ids == (person.pk, worker.pk, person.home_team_id, site.pk)
    given = dict(encounter.services.values_list("service_type__slug", "quantity"))
    assert given == {"sterile-syringes": 10, "naloxone-kit": 2}
    person.refresh_from_db()
    assert person.last_seen_at == encounter.happened_at
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENCOUNTER_CREATED)
    assert (event.object_id, event.client_id, event.actor_id) == (str(encounter.pk), person.pk, worker.pk)


def test_an_anonymous_contact_keeps_its_head_count(worker_client: HttpClient, team: Team, site: Site) -> None:
    worker_client.post(URL, contact("anonymous", site, head_count="4", **{"service_condoms": "12"}))
    encounter = Encounter.objects.get()
    assert encounter.client is None
    assert encounter.head_count == 4
    assert encounter.team_id == team.pk
    assert AuditEvent.objects.get(action=AuditEvent.Action.ENCOUNTER_CREATED).client_id is None


def test_a_named_person_always_counts_as_one(worker_client: HttpClient, person: Client, site: Site) -> None:
    worker_client.post(URL, contact(person.code, site, head_count="5"))
    assert Encounter.objects.get().head_count == 1


def test_posting_the_same_contact_twice_stores_it_once(worker_client: HttpClient, person: Client, site: Site) -> None:
    data = contact(person.code, site, **{"service_sterile-syringes": "10"})
    first = worker_client.post(URL, data)
    second = worker_client.post(URL, data)
    assert Encounter.objects.count() == 1
    assert ServiceProvided.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CREATED).count() == 1
    confirmation = worker_client.get(second["Location"])
    assert "Contact saved." in confirmation.content.decode()


def test_someone_elses_contact_id_is_not_found(
    client: HttpClient, supervisor: User, person: Client, site: Site, worker_client: HttpClient
) -> None:
    data = contact(person.code, site)
    worker_client.post(URL, data)
    client.force_login(supervisor)
    response = client.post(URL, data)
    assert response.status_code == 404
    assert Encounter.objects.count() == 1


def test_a_person_of_another_team_cannot_be_chosen(worker_client: HttpClient, other_team: Team, site: Site) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    response = worker_client.post(URL, contact(stranger.code, site))
    assert response.status_code == 200
    assert "Choose a person from the list" in response.content.decode()
    assert Encounter.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"service_sterile-syringes": "1000"}, "less than or equal to 999"),
        ({"service_sterile-syringes": "-1"}, "greater than or equal to 0"),
        ({"head_count": "0"}, "greater than or equal to 1"),
        ({"happened_at": "2999-01-01T10:00"}, "cannot be in the future"),
        ({"happened_at": "yesterday"}, "Enter a valid date/time"),
        ({"who": ""}, "Choose a person, or Anonymous"),
    ],
    ids=["too-many", "negative", "nobody", "future", "not-a-date", "no-one-chosen"],
)
def test_bad_input_keeps_what_was_typed_and_stores_nothing(
    worker_client: HttpClient, site: Site, extra: dict[str, str], message: str
) -> None:
    data = {**contact("anonymous", site, **{"service_condoms": "7"}), **extra}
    response = worker_client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert Encounter.objects.count() == 0
    form = response.context["form"]
    assert form["service_condoms"].value() == "7"
    assert str(form["id"].value()) == data["id"]


def test_a_site_of_another_team_is_refused(worker_client: HttpClient, person: Client, other_team: Team) -> None:
    elsewhere = SiteFactory.create(team=other_team)
    response = worker_client.post(URL, {**contact(person.code, None), "site": str(elsewhere.pk)})
    assert response.status_code == 200
    assert Encounter.objects.count() == 0


def test_the_form_starts_with_now_the_last_site_and_a_fresh_id(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    worker_client.post(URL, contact(person.code, site))
    first = worker_client.get(URL).context["form"]
    second = worker_client.get(URL).context["form"]
    assert first.initial["site"] == site.pk
    assert first.initial["id"] != second.initial["id"]
    assert abs(first.initial["happened_at"] - timezone.now()) < timedelta(minutes=2)


def test_opening_from_a_persons_page_preselects_them(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.get(URL, {"person": person.code})
    assert response.context["chosen_code"] == person.code
    assert f'value="{person.code}"\n                               checked' in response.content.decode() or (
        f'id="who-{person.code}"' in response.content.decode()
    )


def test_recent_people_are_offered_first(worker_client: HttpClient, team: Team) -> None:
    recent = ClientFactory.create(home_team=team, last_seen_at=timezone.now())
    ClientFactory.create(home_team=team, last_seen_at=None)
    response = worker_client.get(URL)
    assert response.context["options"][0] == recent


def test_finding_a_person_keeps_everything_typed(worker_client: HttpClient, person: Client, site: Site) -> None:
    data = contact("anonymous", site, **{"service_condoms": "3"}, q="Rob", find="1")
    response = worker_client.post(URL, data)
    assert response.status_code == 200
    assert response.context["options"][0] == person
    assert response.context["form"]["service_condoms"].value() == "3"
    assert Encounter.objects.count() == 0


def test_htmx_find_returns_only_the_picker(worker_client: HttpClient, person: Client, site: Site) -> None:
    data = contact("", site, q="Rob", find="1")
    response = worker_client.post(URL, data, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="picker"')
    assert person.code in page


def test_every_active_service_type_is_offered_in_order(worker_client: HttpClient) -> None:
    ServiceType.objects.filter(slug="condoms").update(is_active=False)
    form = worker_client.get(URL).context["form"]
    offered = [service_type.slug for service_type, _field in form.service_fields()]
    assert "condoms" not in offered
    assert offered[:3] == ["sterile-syringes", "needles", "naloxone-kit"]
