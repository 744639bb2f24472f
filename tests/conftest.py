"""Fixtures named by role. `person` is a Client (pytest-django's `client` is the HTTP client)."""

from collections.abc import Iterator

import django.db.models.query
import pytest
from django.conf import settings
from django.db.models import FETCH_RAISE
from django.test import Client as HttpClient
from django.utils import translation

from accounts.models import Membership, Team, User
from accounts.sessions import stamp
from accounts.two_factor import requires_two_factor
from clients.models import Client
from encounters.models import Encounter, Site

from .db_roles import (  # noqa: F401 (the app's role: tests/db_roles.py)
    django_db_modify_db_settings,
    django_db_setup,
    no_default_scope,
)
from .factories import ClientFactory, EncounterFactory, MembershipFactory, SiteFactory, TeamFactory, UserFactory


@pytest.fixture
def team() -> Team:
    return TeamFactory.create(name="North")


@pytest.fixture
def other_team() -> Team:
    return TeamFactory.create(name="River")


def member(team: Team, role: str, username: str) -> User:
    return MembershipFactory.create(team=team, role=role, user__username=username).user


@pytest.fixture
def worker(team: Team) -> User:
    return member(team, Membership.Role.WORKER, "worker")


@pytest.fixture
def supervisor(team: Team) -> User:
    return member(team, Membership.Role.SUPERVISOR, "supervisor")


@pytest.fixture
def outsider(other_team: Team) -> User:
    """A worker of another team: must never see this team's people."""
    return member(other_team, Membership.Role.WORKER, "outsider")


@pytest.fixture
def data_admin() -> User:
    return UserFactory.create(username="data-admin", is_data_admin=True)


@pytest.fixture
def system_admin() -> User:
    return UserFactory.create(username="sysadmin", is_staff=True, is_superuser=True)


@pytest.fixture
def site(team: Team) -> Site:
    return SiteFactory.create(team=team, name="Bus station")


@pytest.fixture
def person(team: Team) -> Client:
    return ClientFactory.create(home_team=team, preferred_name="Robin")


@pytest.fixture
def encounter(person: Client, worker: User, site: Site) -> Encounter:
    return EncounterFactory.create(client=person, team=person.home_team, worker=worker, site=site)


@pytest.fixture
def worker_client(client: HttpClient, worker: User) -> HttpClient:
    client.force_login(worker)
    return client


@pytest.fixture
def supervisor_client(client: HttpClient, supervisor: User) -> HttpClient:
    client.force_login(supervisor)
    return client


@pytest.fixture(autouse=True)
def each_test_starts_in_the_default_language() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in the thread; the next test starts in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def raise_on_lazy_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django 6.1 fetch modes: a lazy load of a related object in a view fails the test.

    Preloading belongs in QuerySet methods (`for_list()`, `for_timeline()`); this makes
    a forgotten select_related/prefetch_related an error instead of a silent N+1.
    """
    monkeypatch.setattr(django.db.models.query, "DEFAULT_FETCH_MODE", FETCH_RAISE)


@pytest.fixture(autouse=True)
def force_login_signs_in_fully(monkeypatch: pytest.MonkeyPatch) -> None:
    """`force_login` skips the sign-in page; give its session what that page gives.

    Production sessions are refused unless `accounts.sessions.start_session` stamped them
    (sign-in time, last activity, last confirmation, second factor). Tests that sign in with
    force_login stand for a user who signed in just now with a password and, where their role
    needs it, an authenticator code. Only the test client is changed, never the app; tests of
    the sign-in steps themselves use the real pages.
    """
    original = HttpClient.force_login

    def force_login(self: HttpClient, user: User, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        stamp(session, second_factor="totp" if requires_two_factor(user) else "")
        session.save()

    monkeypatch.setattr(HttpClient, "force_login", force_login)


@pytest.fixture
def other_supervisor(other_team: Team) -> User:
    return member(other_team, Membership.Role.SUPERVISOR, "other-supervisor")


@pytest.fixture
def volunteer(team: Team) -> User:
    """A distribution volunteer of the team (accounts/roles.py): limited access."""
    return member(team, Membership.Role.VOLUNTEER, "volunteer")


@pytest.fixture
def volunteer_client(client: HttpClient, volunteer: User) -> HttpClient:
    client.force_login(volunteer)
    return client
