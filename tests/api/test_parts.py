"""Safer-use topics and vaccinations in the API (api/parts.py): the catalogues, and contacts
logged with them through the one save path, under Log a contact's rules."""

import uuid
from collections.abc import Callable
from typing import Any, get_args

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from accounts.models import Team, User
from api import schemas
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter
from health.education import Topic, TopicCovered
from health.prevention import MAX_DOSE, TeamVaccine, Vaccination
from health.services.education import TopicAtContact
from health.services.prevention import VaccinationAtContact
from tests.factories import make_token

pytestmark = pytest.mark.django_db

Api = Callable[..., Any]


def topic(team: Team, key: str) -> Topic:
    return Topic.objects.get(team=team, key=key)


@pytest.fixture
def meningitis(team: Team) -> TeamVaccine:
    return TeamVaccine.objects.create(team=team, name="Meningitis ACWY", doses=2)


def contact_body(person: Client | None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(uuid.uuid4()), "happened_at": timezone.now().isoformat(), "kind": "street"}
    if person is not None:
        body["person"] = person.code
    return {**body, **extra}


def nothing_stored() -> bool:
    return not (Encounter.objects.exists() or TopicCovered.objects.exists() or Vaccination.objects.exists())


# -- The catalogues -------------------------------------------------------------------------


def test_topics_are_the_teams_own_in_use(
    api_as: Callable[[User, str], Api], worker: User, team: Team, other_team: Team
) -> None:
    Topic.objects.filter(team=team, key="safer_sex").update(is_active=False)
    Topic.objects.create(team=team, name="Fentanyl test strips", order=200)
    Topic.objects.create(team=other_team, name="River's own topic", order=200)

    listed = api_as(worker, "read")("get", reverse("api:topics")).json()

    mine = {item["id"]: item["name"] for item in listed}
    assert {item["team"] for item in listed} == {str(team.pk)}
    assert mine == {
        str(row.pk): row.label for row in Topic.objects.filter(team=team, is_active=True)
    }  # seven built-in, one retired, one the team's
    assert len(mine) == 7
    assert "Fentanyl test strips" in mine.values()
    assert "Safer sex" not in mine.values()
    assert "River's own topic" not in str(listed)


def test_a_built_in_topic_is_named_in_the_callers_language(client: HttpClient, worker: User, team: Team) -> None:
    headers = {"Authorization": f"Bearer {make_token(worker)}", "Accept-Language": "es"}
    with override("es"):
        spanish = gettext("Naloxone use")
    assert spanish != "Naloxone use"

    listed = client.get(reverse("api:topics"), headers=headers).json()

    assert {item["id"]: item["name"] for item in listed}[str(topic(team, "naloxone").pk)] == spanish


def test_vaccines_are_the_built_in_ones_and_the_teams_own_in_use(
    api_as: Callable[[User, str], Api], worker: User, team: Team, other_team: Team, meningitis: TeamVaccine
) -> None:
    TeamVaccine.objects.create(team=team, name="Retired rabies", doses=1, is_active=False)
    TeamVaccine.objects.create(team=other_team, name="River's vaccine", doses=3)

    listed = api_as(worker, "read")("get", reverse("api:vaccines")).json()

    assert [(item["vaccine"], item["team"], item["name"], item["doses"]) for item in listed] == [
        ("hep_a", None, "Hepatitis A", MAX_DOSE),
        ("hep_b", None, "Hepatitis B", MAX_DOSE),
        ("tetanus", None, "Tetanus", MAX_DOSE),
        ("flu", None, "Flu", MAX_DOSE),
        ("covid", None, "COVID-19", MAX_DOSE),
        (str(meningitis.pk), str(team.pk), "Meningitis ACWY", 2),
    ]


def test_a_volunteers_token_lists_topics_but_not_vaccines(api_as: Callable[[User, str], Api], volunteer: User) -> None:
    call = api_as(volunteer, "read")
    assert len(call("get", reverse("api:topics")).json()) == 7
    refused = call("get", reverse("api:vaccines"))
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"


# -- Logging a contact with them ------------------------------------------------------------


def test_topics_and_vaccinations_go_through_the_save_path(
    api_as: Callable[[User, str], Api], worker: User, person: Client, team: Team, meningitis: TeamVaccine
) -> None:
    naloxone, vein_care = topic(team, "naloxone"), topic(team, "vein_care")
    body = contact_body(
        person,
        topics=[{"topic": str(naloxone.pk), "practised": True}, {"topic": str(vein_care.pk)}],
        vaccinations=[
            {"vaccine": "hep_b", "dose": 2},
            {"vaccine": str(meningitis.pk), "dose": 1, "where": "elsewhere"},
        ],
    )

    response = api_as(worker, "write")("post", reverse("api:contacts"), body)

    assert response.status_code == 201
    stored = Encounter.objects.get(pk=body["id"])
    covered = TopicCovered.objects.filter(encounter=stored)
    assert set(covered.values_list("topic_id", "practised", "created_by_id")) == {
        (naloxone.pk, True, worker.pk),
        (vein_care.pk, False, worker.pk),
    }
    doses = Vaccination.objects.filter(encounter=stored)
    assert set(doses.values_list("client_id", "vaccine", "team_vaccine_id", "dose", "where", "given_on")) == {
        (person.pk, "hep_b", None, 2, "by_team", timezone.localdate(stored.happened_at)),
        (person.pk, "other", meningitis.pk, 1, "elsewhere", timezone.localdate(stored.happened_at)),
    }
    events = AuditEvent.objects.filter(client_id=person.pk)
    assert events.filter(action=AuditEvent.Action.EDUCATION_RECORDED).count() == 1
    assert events.filter(action=AuditEvent.Action.PREVENTION_RECORDED).count() == 2
    answered = response.json()
    assert answered["topics"] == [
        {"topic": str(naloxone.pk), "name": "Naloxone use", "practised": True},
        {"topic": str(vein_care.pk), "name": "Vein care and wound prevention", "practised": False},
    ]
    assert answered["vaccinations"] == [
        {"vaccine": "hep_b", "name": "Hepatitis B", "dose": 2, "where": "by_team"},
        {"vaccine": str(meningitis.pk), "name": "Meningitis ACWY", "dose": 1, "where": "elsewhere"},
    ]


def test_the_contacts_detail_says_its_topics_and_vaccinations(
    api_as: Callable[[User, str], Api], worker: User, person: Client, team: Team, meningitis: TeamVaccine
) -> None:
    Topic.objects.filter(pk=topic(team, "naloxone").pk).update(name="Naloxone, our way")
    body = contact_body(
        person,
        topics=[{"topic": str(topic(team, "naloxone").pk), "practised": False}],
        vaccinations=[{"vaccine": str(meningitis.pk), "dose": 2}],
    )
    api_as(worker, "write")("post", reverse("api:contacts"), body)

    read = api_as(worker, "read")("get", reverse("api:contact", args=[body["id"]])).json()

    assert [(item["name"], item["practised"]) for item in read["topics"]] == [("Naloxone, our way", False)]
    assert [(item["vaccine"], item["name"], item["dose"]) for item in read["vaccinations"]] == [
        (str(meningitis.pk), "Meningitis ACWY", 2)
    ]
    opened = AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_VIEWED, object_id=body["id"])
    assert opened.count() == 1


def test_a_retry_with_the_same_id_stores_once(
    api_as: Callable[[User, str], Api], worker: User, person: Client, team: Team
) -> None:
    body = contact_body(
        person,
        topics=[{"topic": str(topic(team, "naloxone").pk), "practised": True}],
        vaccinations=[{"vaccine": "flu", "dose": 1}],
    )
    call = api_as(worker, "write")

    first = call("post", reverse("api:contacts"), body)
    again = call("post", reverse("api:contacts"), body)

    assert (first.status_code, again.status_code, again.json()["outcome"]) == (201, 200, "duplicate")
    assert again.json()["topics"] == first.json()["topics"]
    assert TopicCovered.objects.count() == 1
    assert Vaccination.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PREVENTION_RECORDED).count() == 1


def test_the_same_id_with_other_topics_is_a_409_that_stores_nothing(
    api_as: Callable[[User, str], Api], worker: User, person: Client, team: Team
) -> None:
    naloxone = str(topic(team, "naloxone").pk)
    body = contact_body(person, topics=[{"topic": naloxone, "practised": False}])
    call = api_as(worker, "write")
    call("post", reverse("api:contacts"), body)

    response = call("post", reverse("api:contacts"), {**body, "topics": [{"topic": naloxone, "practised": True}]})

    assert response.status_code == 409
    assert response.json()["differs"] == ["parts.education"]
    assert list(TopicCovered.objects.values_list("practised", flat=True)) == [False]


def refusal(response: Any) -> str:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    return str(response.json()["detail"])


def test_another_teams_topic_is_refused_as_if_it_did_not_exist(
    api_as: Callable[[User, str], Api], worker: User, person: Client, other_team: Team
) -> None:
    call = api_as(worker, "write")
    theirs = contact_body(person, topics=[{"topic": str(topic(other_team, "naloxone").pk)}])
    made_up = contact_body(person, topics=[{"topic": str(uuid.uuid4())}])

    refused, unknown = call("post", reverse("api:contacts"), theirs), call("post", reverse("api:contacts"), made_up)

    assert refusal(refused) == refusal(unknown)
    assert "not one of the team's" in refusal(refused)
    assert nothing_stored()


def test_another_teams_vaccine_is_refused_as_if_it_did_not_exist(
    api_as: Callable[[User, str], Api], worker: User, person: Client, other_team: Team
) -> None:
    theirs = TeamVaccine.objects.create(team=other_team, name="River's vaccine", doses=3)
    call = api_as(worker, "write")

    refused = call(
        "post", reverse("api:contacts"), contact_body(person, vaccinations=[{"vaccine": str(theirs.pk), "dose": 1}])
    )
    unknown = call(
        "post", reverse("api:contacts"), contact_body(person, vaccinations=[{"vaccine": str(uuid.uuid4()), "dose": 1}])
    )

    assert refusal(refused) == refusal(unknown)
    assert "River" not in refusal(refused)
    assert nothing_stored()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CREATED).exists()


def test_a_retired_topic_or_vaccine_is_refused_and_stores_nothing(
    api_as: Callable[[User, str], Api], worker: User, person: Client, team: Team, meningitis: TeamVaccine
) -> None:
    retired = topic(team, "safer_sex")
    Topic.objects.filter(pk=retired.pk).update(is_active=False)
    TeamVaccine.objects.filter(pk=meningitis.pk).update(is_active=False)
    call = api_as(worker, "write")

    with_topic = call("post", reverse("api:contacts"), contact_body(person, topics=[{"topic": str(retired.pk)}]))
    with_vaccine = call(
        "post", reverse("api:contacts"), contact_body(person, vaccinations=[{"vaccine": str(meningitis.pk), "dose": 1}])
    )

    assert "no longer in use" in refusal(with_topic)
    assert "no longer in use" in refusal(with_vaccine)
    assert nothing_stored()


def test_a_contact_sent_before_its_topic_was_retired_is_still_a_duplicate(
    api_as: Callable[[User, str], Api], worker: User, person: Client, team: Team
) -> None:
    """A retry whose first answer was lost, arriving after a supervisor retired the topic."""
    naloxone = topic(team, "naloxone")
    body = contact_body(person, topics=[{"topic": str(naloxone.pk), "practised": True}])
    call = api_as(worker, "write")
    assert call("post", reverse("api:contacts"), body).status_code == 201
    Topic.objects.filter(pk=naloxone.pk).update(is_active=False)

    again = call("post", reverse("api:contacts"), body)

    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert TopicCovered.objects.count() == 1


def test_vaccinations_need_a_registered_person_but_topics_do_not(
    api_as: Callable[[User, str], Api], worker: User, team: Team
) -> None:
    call = api_as(worker, "write")
    refused = call("post", reverse("api:contacts"), contact_body(None, vaccinations=[{"vaccine": "flu", "dose": 1}]))
    assert refusal(refused) == "These need a registered person: Vaccinations."
    assert nothing_stored()

    body = contact_body(None, head_count=3, topics=[{"topic": str(topic(team, "naloxone").pk), "practised": True}])
    assert call("post", reverse("api:contacts"), body).status_code == 201
    assert list(TopicCovered.objects.values_list("encounter_id", "practised")) == [(uuid.UUID(body["id"]), True)]


def test_a_dose_beyond_the_vaccines_course_is_refused(
    api_as: Callable[[User, str], Api], worker: User, person: Client, meningitis: TeamVaccine
) -> None:
    body = contact_body(person, vaccinations=[{"vaccine": str(meningitis.pk), "dose": 3}])
    assert "from 1 to 2" in refusal(api_as(worker, "write")("post", reverse("api:contacts"), body))
    assert nothing_stored()


def test_each_topic_and_each_vaccine_once(
    api_as: Callable[[User, str], Api], worker: User, person: Client, team: Team
) -> None:
    naloxone = str(topic(team, "naloxone").pk)
    call = api_as(worker, "write")
    twice = contact_body(person, topics=[{"topic": naloxone}, {"topic": naloxone, "practised": True}])
    two_doses = contact_body(person, vaccinations=[{"vaccine": "flu", "dose": 1}, {"vaccine": "flu", "dose": 2}])
    assert "once" in refusal(call("post", reverse("api:contacts"), twice))
    assert "once" in refusal(call("post", reverse("api:contacts"), two_doses))
    assert nothing_stored()


def test_a_malformed_vaccine_is_a_422_problem(api_as: Callable[[User, str], Api], worker: User, person: Client) -> None:
    call = api_as(worker, "write")
    for wrong in [{"vaccine": "other", "dose": 1}, {"vaccine": "flu", "dose": 0}, {"vaccine": "flu", "dose": None}]:
        response = call("post", reverse("api:contacts"), contact_body(person, vaccinations=[wrong]))
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
    assert nothing_stored()


# -- A distribution volunteer ---------------------------------------------------------------


def test_a_volunteer_records_topics_but_not_vaccinations(
    api_as: Callable[[User, str], Api], volunteer: User, person: Client, team: Team
) -> None:
    call = api_as(volunteer, "write")
    naloxone = str(topic(team, "naloxone").pk)
    with_topics = contact_body(person, topics=[{"topic": naloxone, "practised": True}])
    with_vaccine = contact_body(person, topics=[{"topic": naloxone}], vaccinations=[{"vaccine": "flu", "dose": 1}])

    saved = call("post", reverse("api:contacts"), with_topics)
    refused = call("post", reverse("api:contacts"), with_vaccine)

    assert saved.status_code == 201
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"].endswith("recorded by staff: Vaccinations.")
    assert list(Encounter.objects.values_list("pk", flat=True)) == [uuid.UUID(with_topics["id"])]
    assert TopicCovered.objects.count() == 1
    assert not Vaccination.objects.exists()
    read = call("get", reverse("api:contact", args=[with_topics["id"]])).json()
    assert [item["practised"] for item in read["topics"]] == [True]
    assert read["vaccinations"] is None  # a volunteer sees no health record


def test_a_volunteers_contact_never_shows_vaccinations(
    api_as: Callable[[User, str], Api], volunteer: User, person: Client
) -> None:
    """Fail closed: a dose at a contact the volunteer logged (before they were limited) stays unseen."""
    from encounters.services.contacts import log_encounter

    logged = log_encounter(
        actor=volunteer,
        encounter_id=uuid.uuid4(),
        team=person.home_team,
        client=person,
        head_count=1,
        happened_at=timezone.now(),
        site=None,
        kind="street",
        services={},
    ).encounter
    Vaccination.objects.create(
        client=person,
        team=person.home_team,
        encounter=logged,
        vaccine="flu",
        dose=1,
        given_on=timezone.localdate(),
        created_by=volunteer,
    )
    read = api_as(volunteer, "read")("get", reverse("api:contact", args=[logged.pk])).json()
    assert read["vaccinations"] is None
    assert "flu" not in str(read)


# -- Queries and schema ---------------------------------------------------------------------


def detail_queries(call: Api, contact_id: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert call("get", reverse("api:contact", args=[contact_id])).status_code == 200
    return len(queries)


def test_a_contacts_parts_cost_no_query_more(
    api_as: Callable[[User, str], Api], worker: User, person: Client, team: Team
) -> None:
    """Topics and vaccinations come in the contact's own query: a contact with none, with two
    and with seven costs the same."""
    topics = list(Topic.objects.filter(team=team))
    call = api_as(worker, "write")
    ids = []
    for topics_sent, vaccines_sent in [(0, 0), (2, 2), (7, 5)]:
        body = contact_body(
            person,
            topics=[{"topic": str(row.pk)} for row in topics[:topics_sent]],
            vaccinations=[
                {"vaccine": key, "dose": 1} for key in ["hep_a", "hep_b", "tetanus", "flu", "covid"][:vaccines_sent]
            ],
        )
        assert call("post", reverse("api:contacts"), body).status_code == 201
        ids.append(body["id"])
    reader = api_as(worker, "read")
    reader("get", reverse("api:me"))  # a token's first call notes its first use
    # Pinned as before the parts came: the token, its rate window, its user's teams, the contact
    # (with its topics and vaccinations), its services, the audit event.
    assert {detail_queries(reader, contact_id) for contact_id in ids} == {6}


def test_the_schemas_vaccines_are_the_models() -> None:
    assert set(get_args(schemas.BuiltInVaccine)) == set(Vaccination.Vaccine.values) - {"other"}
    assert set(get_args(schemas.VaccineWhere)) == set(Vaccination.Where.values)
    dose = schemas.VaccinationIn.model_fields["dose"]
    assert [getattr(rule, "le", None) for rule in dose.metadata if hasattr(rule, "le")] == [MAX_DOSE]


def test_the_api_sends_the_save_paths_own_values() -> None:
    """What parts_sent builds is the save path's own data (the duplicate check compares it)."""
    from api.parts import parts_sent

    class Nobody:
        team_ids: list[Any] = []

    topic_id, vaccine_id = uuid.uuid4(), uuid.uuid4()
    payload = schemas.ContactIn.model_validate(
        contact_body(
            None,
            topics=[{"topic": str(topic_id), "practised": True}],
            vaccinations=[{"vaccine": "flu", "dose": 1}, {"vaccine": str(vaccine_id), "dose": 2, "where": "elsewhere"}],
        )
    )
    team = Team.objects.create(name="Somewhere")
    assert parts_sent(payload, user=Nobody(), team=team, person=None) == {  # type: ignore[arg-type]
        "education": (TopicAtContact(topic_id, True),),
        "vaccinations": (
            VaccinationAtContact("flu", 1, "by_team"),
            VaccinationAtContact("other", 2, "elsewhere", vaccine_id),
        ),
    }


def test_a_refusal_names_the_parts_in_the_callers_language(client: HttpClient, worker: User, team: Team) -> None:
    headers = {"Authorization": f"Bearer {make_token(worker, 'write')}", "Accept-Language": "es"}
    body = contact_body(None, vaccinations=[{"vaccine": "flu", "dose": 1}])
    with override("es"):
        expected = gettext("These need a registered person: %(parts)s.") % {"parts": gettext("Vaccinations")}
    assert "Vaccinations" not in expected

    response = client.post(reverse("api:contacts"), body, content_type="application/json", headers=headers)

    assert refusal(response) == expected
    assert nothing_stored()
