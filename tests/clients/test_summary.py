"""The summary a person can take (issue 21): they choose what is on it and its language;
the discreet version (no programme or team name) is the default; who looked at their record
is said by role and team, never by name; making it is audited."""

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client, Consent, ConsentKind
from goals.models import Goal
from outcomes.models import Instrument
from tests.factories import MembershipFactory
from tests.goals.factories import GoalFactory, ReviewFactory
from tests.outcomes.helpers import check_in

pytestmark = pytest.mark.django_db

ALL = ["goals", "wellbeing", "consent", "viewers"]


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in this thread: later tests expect English."""
    with translation.override("en"):
        yield


@pytest.fixture
def who5() -> Instrument:
    return Instrument.objects.prefetch_related("items").get(slug="who5", is_current=True)


def choices_url(person: Client) -> str:
    return reverse("clients:summary", args=[person.code])


def url(person: Client, **choices: object) -> str:
    base = choices_url(person)
    query = {"show": "1", "language": "en", "parts": ALL, **choices}
    return f"{base}?{urlencode(query, doseq=True)}"


def summary_of(http: HttpClient, person: Client, **choices: object) -> str:
    response = http.get(url(person, **choices))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<article class="report summary"') : html.index("</article>")]


@pytest.fixture
def record_with_history(person: Client, worker: User, supervisor: User, outsider: User, who5: Instrument) -> Client:
    """Two goals (one with levels, reviewed), two WHO-5 check-ins (+16), a consent, and the
    record opened by the worker, the supervisor and someone now in another team."""
    start = timezone.now() - timedelta(days=90)
    goal = GoalFactory.create(client=person, words="Sleep inside most nights", gas_more="Inside every night")
    ReviewFactory.create(goal=goal, closeness=7, gas=1, reviewed_at=start + timedelta(days=60))
    GoalFactory.create(
        client=person, words="Get my ID back", status=Goal.Status.ACHIEVED, status_on=timezone.localdate()
    )
    check_in(person, who5, [2, 2, 2, 2, 2], by=worker, at=start)  # 40
    check_in(person, who5, [3, 3, 3, 3, 2], by=worker, at=start + timedelta(days=80))  # 56
    Consent.objects.create(
        client=person,
        kind=ConsentKind.objects.get(slug=ConsentKind.RECORD_KEEPING),
        decision=Consent.Decision.GIVEN,
        recorded_by=worker,
    )
    for actor in (worker, worker, supervisor, outsider):
        record(action=AuditEvent.Action.CLIENT_VIEWED, actor=actor, target=person, client_id=person.pk)
    return person


def test_the_choices_start_with_everything_and_no_programme_name(worker_client: HttpClient, person: Client) -> None:
    html = worker_client.get(choices_url(person)).content.decode()
    assert '<option value="es">Español</option>' in html  # each language in its own words
    for key in ALL:
        assert f'name="parts" value="{key}"' in html
    assert html.count("checked") == len(ALL)  # every part ticked, the programme's name not
    assert 'name="programme_name"' in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SUMMARY_MADE).exists()


@override_settings(ALONGSIDE_ORGANISATION_NAME="Harbour Outreach")
def test_the_discreet_summary_names_no_programme_team_or_staff(
    worker_client: HttpClient, record_with_history: Client, worker: User, supervisor: User, team: Team
) -> None:
    User.objects.filter(pk=worker.pk).update(username="aquintana", first_name="Alexis", last_name="Quintana")
    User.objects.filter(pk=supervisor.pk).update(username="mokafor", first_name="Morgan", last_name="Okafor")
    page = summary_of(worker_client, record_with_history)
    assert "Harbour Outreach" not in page and team.name not in page
    for name in ("aquintana", "Alexis", "Quintana", "mokafor", "Morgan", "Okafor"):
        assert name not in page
    # Goals in their own words, with progress said to them.
    assert "Sleep inside most nights" in page
    assert "How close you feel: 7 of 10" in page
    assert "Where you are: a little more than you hoped for (“Inside every night”)." in page
    assert "Get my ID back" in page and "you achieved it" in page
    # Wellbeing in plain words.
    assert "Up 16 points since your first check-in (40 on" in page
    assert "Higher means you have been feeling better." in page
    # Consent choices.
    assert "you agreed" in page
    # Who looked: by role and team, never a name.
    assert "An outreach worker" in page and "of your team" in page
    assert "A supervisor" in page
    assert "of another team" in page


@override_settings(ALONGSIDE_ORGANISATION_NAME="Harbour Outreach")
def test_the_programme_name_only_when_the_person_asks(
    worker_client: HttpClient, record_with_history: Client, team: Team, other_team: Team
) -> None:
    page = summary_of(worker_client, record_with_history, programme_name="on")
    assert f"From Harbour Outreach · {team.name}," in page
    assert f"of {team.name}" in page and f"of {other_team.name}" in page


def test_only_the_parts_the_person_chose(worker_client: HttpClient, record_with_history: Client) -> None:
    page = summary_of(worker_client, record_with_history, parts=["goals"])
    assert "Sleep inside most nights" in page
    assert "Up 16 points" not in page and "you agreed" not in page and "An outreach worker" not in page


def test_nothing_chosen_asks_again_and_makes_nothing(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.get(url(person, parts=[]))
    assert response.status_code == 200
    assert "Choose at least one thing to put on the summary." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SUMMARY_MADE).exists()


def test_in_spanish_when_the_person_chooses_it(worker_client: HttpClient, record_with_history: Client) -> None:
    response = worker_client.get(url(record_with_history, language="es"))
    html = response.content.decode()
    assert '<html lang="es">' in html
    page = html[html.index('<article class="report summary"') : html.index("</article>")]
    assert "Tu resumen" in page
    assert "Sleep inside most nights" in page  # their words stay theirs
    assert "Subió 16 puntos desde tu primer chequeo" in page
    assert "un poco más de lo que esperabas" in page


def test_making_it_is_audited_with_the_choices_never_the_content(
    worker_client: HttpClient, record_with_history: Client, worker: User
) -> None:
    summary_of(worker_client, record_with_history, parts=["goals", "viewers"], language="es")
    event = AuditEvent.objects.get(action=AuditEvent.Action.SUMMARY_MADE)
    assert (event.actor_id, event.client_id) == (worker.pk, record_with_history.pk)
    assert event.details == {"parts": ["goals", "viewers"], "language": "es", "programme_name": False}


def test_a_supervisor_may_make_one_too(supervisor_client: HttpClient, record_with_history: Client) -> None:
    assert "Sleep inside most nights" in summary_of(supervisor_client, record_with_history)


def test_another_teams_person_is_404_and_nothing_is_audited(
    client: HttpClient, outsider: User, record_with_history: Client
) -> None:
    client.force_login(outsider)
    assert client.get(url(record_with_history, parts=["goals"])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SUMMARY_MADE).exists()


def test_a_data_admin_is_refused(client: HttpClient, data_admin: User, person: Client) -> None:
    client.force_login(data_admin)
    assert client.get(url(person, parts=["goals"])).status_code == 403


def test_the_query_count_is_the_same_for_2_and_20_goals_and_check_ins(
    worker_client: HttpClient, person: Client, worker: User, who5: Instrument, team: Team
) -> None:
    counts = []
    for rows in (2, 18):
        for index in range(rows):
            goal = GoalFactory.create(client=person, gas_expected="Most days")
            ReviewFactory.create(goal=goal, closeness=index % 11, gas=index % 5 - 2)
            check_in(person, who5, [index % 6] * 5, by=worker, at=timezone.now() - timedelta(days=index + 1))
            viewer = MembershipFactory.create(team=team, role=Membership.Role.WORKER).user
            record(action=AuditEvent.Action.CLIENT_VIEWED, actor=viewer, target=person, client_id=person.pk)
        with CaptureQueriesContext(connection) as queries:
            summary_of(worker_client, person)
        counts.append(len(queries))
    assert Goal.objects.filter(client=person).count() == 20
    # Session, user, memberships (3); the person; goals (1); check-ins, their instruments'
    # items and answers (3: CheckInQuerySet.history); consent kinds and decisions (2); the
    # trail by actor and their memberships (2); the audit event inside the service's
    # savepoint (3).
    assert counts == [15, 15]
