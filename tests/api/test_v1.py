"""The REST API: the same scope, services and audit trail as the pages, with tokens."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import revoke_api_token
from audit.models import AuditEvent
from clients.models import Alias, Client, SafetyFlag
from encounters.models import Encounter, ServiceProvided, ServiceType, Site
from tests.factories import ClientFactory, EncounterFactory, ServiceTypeFactory, make_token

pytestmark = pytest.mark.django_db

Api = Callable[..., Any]


@pytest.fixture
def syringes() -> ServiceType:
    return ServiceTypeFactory.create(slug="syringes-api", name="Syringes", counts_quantity=True)


def contact_body(person: Client | None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(uuid.uuid4()), "happened_at": timezone.now().isoformat(), "kind": "street"}
    if person is not None:
        body["person"] = person.code
    return {**body, **extra}


def test_no_token_is_a_401_problem(client: HttpClient) -> None:
    response = client.get(reverse("api:people"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(client: HttpClient, worker: User) -> None:
    secret = make_token(worker)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(reverse("api:me"), headers=headers).status_code == 200
    revoke_api_token(actor=worker, token_id=ApiToken.objects.get(user=worker).pk)
    assert client.get(reverse("api:me"), headers=headers).status_code == 401


def test_a_session_is_not_a_token(worker_client: HttpClient) -> None:
    """The API never reads the browser's session: no cookie can be ridden by another site."""
    assert worker_client.get(reverse("api:people")).status_code == 401


def test_people_lists_only_the_teams_people_without_names(
    api_as: Callable[[User, str], Api], worker: User, person: Client, other_team: Any
) -> None:
    elsewhere = ClientFactory.create(home_team=other_team, preferred_name="Sam")
    body = api_as(worker, "read")("get", reverse("api:people")).json()
    codes = [item["code"] for item in body["items"]]
    assert codes == [person.code]
    assert elsewhere.code not in codes
    assert "Robin" not in str(body)


def test_people_pages_by_cursor(
    api_as: Callable[[User, str], Api], worker: User, team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api import v1

    monkeypatch.setattr(v1, "PAGE_SIZE", 2)
    made = {ClientFactory.create(home_team=team).code for _ in range(5)}
    call = api_as(worker, "read")
    seen: list[str] = []
    cursor = ""
    for _ in range(5):
        body = call("get", reverse("api:people"), after=cursor).json()
        seen += [item["code"] for item in body["items"]]
        cursor = body["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made)


def test_a_persons_record_is_audited_with_the_token(
    api_as: Callable[[User, str], Api], worker: User, person: Client
) -> None:
    Alias.objects.create(client=person, name="Robbie")
    SafetyFlag.objects.create(client=person, text="Meet in pairs")
    response = api_as(worker, "read")("get", reverse("api:person", args=[person.code]))
    body = response.json()
    assert (body["preferred_name"], body["aliases"], [flag["text"] for flag in body["flags"]]) == (
        "Robin",
        ["Robbie"],
        ["Meet in pairs"],
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_VIEWED, client_id=person.pk)
    assert event.actor_id == worker.pk
    assert event.details["api_token"] == str(ApiToken.objects.get(user=worker).pk)


def test_another_teams_person_is_404_and_not_audited(
    api_as: Callable[[User, str], Api], outsider: User, person: Client
) -> None:
    response = api_as(outsider, "read")("get", reverse("api:person", args=[person.code]))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "Robin" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_VIEWED).exists()


def test_logging_a_contact_is_idempotent_by_its_id(
    api_as: Callable[[User, str], Api], worker: User, person: Client, site: Site, syringes: ServiceType
) -> None:
    call = api_as(worker, "write")
    body = contact_body(
        person, site=str(site.pk), services=[{"service": syringes.slug, "quantity": 10}], note="Asked about housing"
    )
    first = call("post", reverse("api:contacts"), body)
    again = call("post", reverse("api:contacts"), body)
    assert (first.status_code, first.json()["outcome"]) == (201, "created")
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    stored = Encounter.objects.get(pk=body["id"])
    assert (stored.client_id, stored.worker_id, stored.note) == (person.pk, worker.pk, "Asked about housing")
    assert list(ServiceProvided.objects.filter(encounter=stored).values_list("quantity", flat=True)) == [10]
    created = AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CREATED, object_id=body["id"])
    assert created.count() == 1


def test_the_same_id_with_other_content_is_a_409_that_stores_nothing(
    api_as: Callable[[User, str], Api], worker: User, person: Client
) -> None:
    call = api_as(worker, "write")
    body = contact_body(person, note="first")
    call("post", reverse("api:contacts"), body)
    response = call("post", reverse("api:contacts"), {**body, "note": "second"})
    assert response.status_code == 409
    assert response.json()["differs"] == ["note"]
    assert Encounter.objects.get(pk=body["id"]).note == "first"


def test_a_contact_with_a_referral_goes_through_the_save_path(
    api_as: Callable[[User, str], Api], worker: User, person: Client
) -> None:
    body = contact_body(person, referral={"to": "housing", "partner": "Shelter", "status": "made"})
    response = api_as(worker, "write")("post", reverse("api:contacts"), body)
    assert response.status_code == 201
    referral = person.referrals.get()
    assert (referral.to, referral.encounter_id, referral.created_by_id) == ("housing", uuid.UUID(body["id"]), worker.pk)
    listed = api_as(worker, "read")("get", reverse("api:referrals"), status="open").json()["items"]
    assert [(item["person"], item["to"]) for item in listed] == [(person.code, "housing")]


def test_an_anonymous_contact_counts_its_head_count(
    api_as: Callable[[User, str], Api], worker: User, team: Any
) -> None:
    body = contact_body(None, head_count=4, age_band="25_34")
    response = api_as(worker, "write")("post", reverse("api:contacts"), body)
    assert response.status_code == 201
    stored = Encounter.objects.get(pk=body["id"])
    assert (stored.client_id, stored.head_count, stored.team_id, stored.age_band) == (None, 4, team.pk, "25_34")


def test_a_read_token_cannot_log_a_contact(api_as: Callable[[User, str], Api], worker: User, person: Client) -> None:
    response = api_as(worker, "read")("post", reverse("api:contacts"), contact_body(person))
    assert response.status_code == 403
    assert not Encounter.objects.exists()


def test_a_contact_for_another_teams_person_is_404(
    api_as: Callable[[User, str], Api], outsider: User, person: Client
) -> None:
    response = api_as(outsider, "write")("post", reverse("api:contacts"), contact_body(person))
    assert response.status_code == 404
    assert not Encounter.objects.exists()


def test_an_unknown_service_is_refused_in_words(
    api_as: Callable[[User, str], Api], worker: User, person: Client
) -> None:
    body = contact_body(person, services=[{"service": "no-such-thing", "quantity": 1}])
    response = api_as(worker, "write")("post", reverse("api:contacts"), body)
    assert response.status_code == 400
    assert "no-such-thing" in response.json()["detail"]
    assert not Encounter.objects.exists()


def test_a_malformed_body_is_a_422_problem_that_names_the_field(
    api_as: Callable[[User, str], Api], worker: User
) -> None:
    response = api_as(worker, "write")("post", reverse("api:contacts"), {"id": "not-a-uuid"})
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("/validation")
    assert {tuple(error["loc"])[-1] for error in body["errors"]} >= {"id", "happened_at"}


def test_contacts_list_by_period(api_as: Callable[[User, str], Api], worker: User, person: Client, team: Any) -> None:
    now = timezone.now()
    inside = EncounterFactory.create(client=person, team=team, worker=worker, happened_at=now - timedelta(days=3))
    EncounterFactory.create(client=person, team=team, worker=worker, happened_at=now - timedelta(days=40))
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    body = api_as(worker, "read")("get", reverse("api:contacts"), since=since).json()
    assert [item["id"] for item in body["items"]] == [str(inside.pk)]
    assert "note" not in body["items"][0]


def test_a_too_long_period_is_refused(api_as: Callable[[User, str], Api], worker: User) -> None:
    response = api_as(worker, "read")("get", reverse("api:contacts"), since="2020-01-01", until="2026-01-01")
    assert response.status_code == 400


def test_the_rate_limit_answers_429_with_retry_after(
    api_as: Callable[[User, str], Api], worker: User, settings: Any
) -> None:
    settings.ALONGSIDE_API_CALLS_PER_MINUTE = 3
    call = api_as(worker, "read")
    statuses = [call("get", reverse("api:me")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = call("get", reverse("api:me"))
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == 429


def test_the_schema_is_openapi_3_with_problem_details(client: HttpClient) -> None:
    schema = client.get(reverse("api:openapi-json")).json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {"/api/v1/people", "/api/v1/people/{code}", "/api/v1/contacts", "/api/v1/services"} <= set(paths)
    refused = paths["/api/v1/people/{code}"]["get"]["responses"]["404"]["content"]
    assert list(refused) == ["application/problem+json"]


def query_count(call: Api, path: str, **query: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert call("get", path, **query).status_code == 200
    return len(queries)


@pytest.mark.parametrize("route", ["api:people", "api:contacts", "api:referrals"])
def test_lists_cost_the_same_queries_for_2_and_20_rows(
    api_as: Callable[[User, str], Api], worker: User, team: Any, site: Site, syringes: ServiceType, route: str
) -> None:
    from encounters.models import Referral

    def add(count: int) -> None:
        for _ in range(count):
            person = ClientFactory.create(home_team=team)
            contact = EncounterFactory.create(client=person, team=team, worker=worker, site=site)
            ServiceProvided.objects.create(encounter=contact, service_type=syringes, quantity=2)
            Referral.objects.create(client=person, team=team, to="housing", created_by=worker, encounter=contact)

    add(2)
    few = query_count(api_as(worker, "read"), reverse(route))
    add(18)
    many = query_count(api_as(worker, "read"), reverse(route))
    assert few == many


def test_the_schemas_choices_are_the_models() -> None:
    """The choices the schema lists (api/schemas.py) are the models' own, so nothing the schema
    allows is refused for a choice, and nothing the models allow is missing."""
    from typing import get_args

    from api import schemas
    from encounters.models import Referral as ReferralModel

    assert set(get_args(schemas.ContactKind)) == set(Encounter.Kind.values)
    assert set(get_args(schemas.AgeBand)) == {"", *Encounter.AgeBand.values}
    assert set(get_args(schemas.Gender)) == {"", *Client.Gender.values}
    assert set(get_args(schemas.ReferredTo)) == set(ReferralModel.To.values)
    assert set(get_args(schemas.NewReferralStatus)) <= set(ReferralModel.Status.values)
    assert set(get_args(schemas.ReferralFilter)) == {"", "open", *ReferralModel.Status.values}


def test_text_the_database_cannot_store_is_refused_in_words(
    api_as: Callable[[User, str], Api], worker: User, person: Client
) -> None:
    response = api_as(worker, "write")("post", reverse("api:contacts"), contact_body(person, note="a\x00b"))
    assert response.status_code == 400
    old = contact_body(person, happened_at="0371-06-23T00:32:37Z")
    assert api_as(worker, "write")("post", reverse("api:contacts"), old).status_code == 400
    assert not Encounter.objects.exists()


def test_any_iso_offset_is_stored_in_utc(api_as: Callable[[User, str], Api], worker: User, person: Client) -> None:
    """ISO 8601 allows offsets PostgreSQL does not take (beyond 15:59): found by Schemathesis."""
    body = contact_body(person, happened_at="2026-01-05T10:00:00-20:54")
    assert api_as(worker, "write")("post", reverse("api:contacts"), body).status_code == 201
    assert Encounter.objects.get(pk=body["id"]).happened_at.isoformat() == "2026-01-06T06:54:00+00:00"


def test_a_contact_in_the_future_is_refused(api_as: Callable[[User, str], Api], worker: User, person: Client) -> None:
    body = contact_body(person, happened_at=(timezone.now() + timedelta(days=1)).isoformat())
    assert api_as(worker, "write")("post", reverse("api:contacts"), body).status_code == 400
    assert not Encounter.objects.exists()
