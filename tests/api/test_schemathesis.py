"""Schemathesis against the API's own OpenAPI schema, with a token of each role.

Property-based: every operation gets generated requests, valid and invalid, from its schema;
stateful: sequences that follow the schema's links (log a contact, then read it; list
people, then open one). Every answer must be no server error, conform to the schema (status,
content type, body, headers), and name no person, contact or team outside the caller's
scope. Run with `make test PYTEST_ARGS=tests/api/test_schemathesis.py` (about a minute here).
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import User
from clients.models import Alias, Client, SafetyFlag
from encounters.models import Encounter, Referral
from health.prevention import TeamVaccine
from tests.factories import ClientFactory, EncounterFactory, ServiceTypeFactory, SiteFactory, make_token

pytestmark = pytest.mark.django_db

ROLES = ["worker", "supervisor", "outsider", "data_admin"]
EXAMPLES_PER_OPERATION = 25
STATEFUL_EXAMPLES = 15


@pytest.fixture
def programme(person: Client, encounter: Encounter, worker: User, outsider: User, other_team: Any) -> dict[str, Any]:
    """A team with a person, an alias, a safety flag, contacts, a referral, its topics and a
    vaccine of its own; another team with its own."""
    Alias.objects.create(client=person, name="Robbie")
    SafetyFlag.objects.create(client=person, text="Meet in pairs")
    ServiceTypeFactory.create(slug="syringes-st", name="Syringes")
    Referral.objects.create(client=person, team=person.home_team, to="housing", created_by=worker, encounter=encounter)
    TeamVaccine.objects.create(team=person.home_team, name="Meningitis ACWY", doses=2)
    TeamVaccine.objects.create(team=other_team, name="River's vaccine", doses=3)
    theirs = ClientFactory.create(home_team=other_team, preferred_name="Sam")
    EncounterFactory.create(client=theirs, team=other_team, worker=outsider, site=SiteFactory.create(team=other_team))
    return {"theirs": theirs}


# Plain bodies: the WSGI client does not undo the gzip a browser would.
PLAIN = {"Accept-Encoding": "identity"}


def use_token(schema: Any, secret: str) -> None:
    """Send the role's token as the schema's bearer auth (Schemathesis then also checks that the
    same call without it, or with a made-up one, is refused)."""

    class Token:
        def get(self, case: Any, ctx: Any) -> str:
            return secret

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    schema.auth(refresh_interval=None)(Token)


def scope_of(user: User) -> tuple[set[str], set[str], set[str]]:
    """The codes, team ids and contact ids the user may see, read afresh (contacts are made as the test runs)."""
    codes = set(Client.objects.visible_to(user).values_list("code", flat=True))
    teams = {str(team) for team in user.team_ids}
    contacts = {str(pk) for pk in Encounter.objects.visible_to(user).values_list("id", flat=True)}
    return codes, teams, contacts


def names_in(body: Any, keys: set[str]) -> set[str]:
    found: set[str] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if key in keys and isinstance(value, str):
                found.add(value)
            found |= names_in(value, keys)
    elif isinstance(body, list):
        for item in body:
            found |= names_in(item, keys)
    return found


def well_formed_is_accepted(ctx: Any, response: Any, case: Any) -> None:
    """Instead of Schemathesis's positive_data_acceptance: a request the schema calls well formed
    must never get 422 (the schema and the API's own validation agree). It may get 400: a rule
    no schema can state (a service that is not in this catalogue, a period longer than a year),
    said in words."""
    meta = getattr(case, "meta", None)
    if meta is not None and meta.generation.mode.is_positive:
        assert response.status_code != 422, f"a schema-valid request was refused as malformed: {response.text[:300]}"


def in_scope_check(user: User) -> Any:
    def records_in_scope(ctx: Any, response: Any, case: Any) -> None:
        if response.status_code >= 300 or "json" not in response.headers.get("Content-Type", [""])[0]:
            return
        body = response.json()
        if isinstance(body, dict) and "openapi" in body:
            return
        codes, teams, contacts = scope_of(user)
        outside_codes = names_in(body, {"code", "person"}) - codes
        outside_teams = names_in(body, {"team", "home_team"}) - teams
        assert not outside_codes, f"people outside the caller's scope: {sorted(outside_codes)}"
        assert not outside_teams, f"teams outside the caller's scope: {sorted(outside_teams)}"
        if case.path.startswith("/api/v1/contacts"):
            ids = names_in(body, {"id"})
            assert ids <= contacts, "contacts outside the caller's scope"

    return records_in_scope


@pytest.fixture
def api_schema(programme: dict[str, Any]) -> Iterator[Any]:
    """The schema, called through Django's WSGI handler in the test's transaction. As Django's
    test client does, the handler is kept from closing the test's connection after each call."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def many_calls(settings: Any) -> None:
    settings.ALONGSIDE_API_CALLS_PER_MINUTE = 100_000


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_its_schema_and_scope(role: str, api_schema: Any, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(role)
    scope = "write" if role in {"worker", "supervisor"} else "read"
    use_token(api_schema, make_token(user, scope))
    headers = PLAIN
    check = in_scope_check(user)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 13
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @schemathesis_given(operation)
        def run(case: Any) -> None:
            case.call_and_validate(
                headers=headers,
                additional_checks=[check, well_formed_is_accepted],
                excluded_checks=[positive_data_acceptance],
            )

        run()


def schemathesis_given(operation: Any) -> Any:
    from hypothesis import given

    return given(case=operation.as_strategy())


@pytest.mark.parametrize("role", ["worker", "outsider"])
def test_linked_sequences_keep_their_schema_and_scope(
    role: str, api_schema: Any, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(role)
    use_token(api_schema, make_token(user, "write"))
    headers = PLAIN
    check = in_scope_check(user)
    machine = api_schema.as_state_machine()

    class Workflow(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(
                response,
                additional_checks=[check, well_formed_is_accepted],
                excluded_checks=[positive_data_acceptance],
                transport_kwargs=kwargs or None,
                recorder=getattr(self, "recorder", None),
            )

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            # The same sequences in every run. Which links a sequence may follow depends on the
            # answers, and the database keeps what earlier sequences stored, so Hypothesis,
            # replaying a prefix while drawing with a random seed, now and then found a rule's
            # precondition or bundle different from the first time and stopped with
            # FlakyStrategyDefinition (once in several runs, with no check failing).
            derandomize=True,
        ),
    )


def test_the_scope_check_can_fail(worker: User, programme: dict[str, Any]) -> None:
    """The check above is real: an answer naming another team's person fails it."""
    check = in_scope_check(worker)

    class Answer:
        status_code = 200
        headers = {"Content-Type": ["application/json"]}

        def json(self) -> Any:
            return {"items": [{"code": programme["theirs"].code}]}

    class Case:
        path = "/api/v1/people"

    with pytest.raises(AssertionError):
        check(None, Answer(), Case())
