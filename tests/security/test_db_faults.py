"""Database faults: a server restart between requests, a backend killed during one.

The app runs in a real WSGI server (wsgiref, in a thread) with persistent connections
(CONN_MAX_AGE 60, as in production) against a PostgreSQL cluster this test starts for
itself (tests/pgcluster.py): the shared development server is never restarted. Django's
test client is not used for the requests because it skips the per-request connection
housekeeping (close_old_connections) that CONN_HEALTH_CHECKS works through.
"""

import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import psycopg2
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from accounts.models import Membership
from accounts.sessions import stamp
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, ServiceProvided, Site
from tests.factories import ClientFactory, MembershipFactory, SiteFactory
from tests.pgcluster import PrivateCluster

pytestmark = pytest.mark.slow

POINTED = ("NAME", "USER", "PASSWORD", "HOST", "PORT", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
LOG = reverse("encounters:log")


class Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        """No access log lines in the test output."""


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class App:
    """The running app, a signed-in worker's browser, and the data it works on."""

    base: str
    cluster: PrivateCluster
    person: Client
    site: Site
    cookies: dict[str, str]
    # Called by the server thread before each SQL statement (see `statement_hook`).
    before_statement: list[Callable[[str, Any], None]] = field(default_factory=list)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, body, Location) of one GET, or POST when `data` is given."""
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = urlencode(data).encode() if data is not None else None
        request = Request(self.base + path, data=body, headers=headers)  # noqa: S310 (http://127.0.0.1 only)
        try:
            with build_opener(NoRedirects).open(request, timeout=30) as response:
                status, text, head = response.status, response.read().decode(), response.headers
        except HTTPError as error:
            status, text, head = error.code, error.read().decode(), error.headers
        for line in head.get_all("Set-Cookie") or []:
            self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(line).items()})
        return status, text, head.get("Location", "")

    def csrf_token(self) -> str:
        status, page, location = self.request(LOG)
        assert (status, location) == (200, "")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match is not None
        return match.group(1)

    def contact(self, token: str) -> dict[str, str]:
        return {
            "csrfmiddlewaretoken": token,
            "id": str(uuid.uuid4()),
            "who": self.person.code,
            "head_count": "1",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "site": str(self.site.pk),
            "kind": "street",
            "service_sterile-syringes": "10",
            "service_naloxone-kit": "2",
        }


def serve(app: Callable[..., Any]) -> tuple[WSGIServer, threading.Thread]:
    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def running(django_db_blocker: DjangoDbBlocker) -> Iterator[App]:
    """A private cluster, migrated, with a team's worker signed in; the app served from it."""
    cluster = PrivateCluster().start()
    saved = {key: connection.settings_dict.get(key) for key in POINTED}
    hooks: list[Callable[[str, Any], None]] = []

    def statement_hook(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        for hook in list(hooks):
            hook(sql, context)
        return execute(sql, params, many, context)

    handler = WSGIHandler()

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with connection.execute_wrapper(statement_hook):
            return handler(environ, start_response)

    with django_db_blocker.unblock():
        connections.close_all()
        connection.settings_dict.update(cluster.settings(), CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
        server = None
        try:
            with override_settings(ALONGSIDE_OWNER_DATABASE=None):  # this cluster has one role
                call_command("migrate", verbosity=0)
            worker = MembershipFactory.create(role=Membership.Role.WORKER).user
            team = worker.memberships.get().team
            person = ClientFactory.create(home_team=team)
            site = SiteFactory.create(team=team)
            browser = HttpClient()
            browser.force_login(worker)
            session = browser.session  # as the sign-in page leaves it (tests/conftest.py does the same)
            stamp(session, second_factor="")
            session.save()
            server, _thread = serve(wsgi)
            base = f"http://127.0.0.1:{server.server_port}"
            cookies = {settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value}
            yield App(base, cluster, person, site, cookies, hooks)
        finally:
            if server is not None:
                server.shutdown()
                server.server_close()
            connections.close_all()
            connection.settings_dict.update(saved)
            cluster.stop_and_remove()


def stored(app: App, encounter_id: str) -> tuple[int, int, int]:
    """(contacts, services given, audit events) stored under this id, read by a fresh connection."""
    with (
        psycopg2.connect(
            dbname=app.cluster.database,
            user=app.cluster.user_name,
            password=app.cluster.password,
            host="127.0.0.1",
            port=app.cluster.port,
        ) as fresh,
        fresh.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT (SELECT count(*) FROM encounters_encounter WHERE id = %(id)s),"
            " (SELECT count(*) FROM encounters_serviceprovided WHERE encounter_id = %(id)s),"
            " (SELECT count(*) FROM audit_auditevent WHERE object_id = %(id)s::text)",
            {"id": encounter_id},
        )
        counts = cursor.fetchone()
    fresh.close()
    return counts


def test_connection_health_checks_are_on() -> None:
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_restart_between_requests_goes_unnoticed(running: App) -> None:
    token = running.csrf_token()  # the server thread now holds an open connection
    running.cluster.restart()  # ...which the restart has cut
    assert running.request(LOG)[0] == 200
    data = running.contact(token)
    status, _, location = running.request(LOG, data)
    assert (status, location) == (302, reverse("encounters:detail", args=[data["id"]]))
    assert stored(running, data["id"]) == (1, 2, 1)


def test_without_health_checks_the_first_request_after_a_restart_fails(running: App) -> None:
    """The control: this is what CONN_HEALTH_CHECKS saves a worker from (the next one works)."""
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False  # read when a connection opens...
    try:
        running.cluster.restart()
        assert running.request(LOG)[0] == 200  # ...so the server thread reconnects once without them
        running.cluster.restart()
        assert [running.request(LOG)[0], running.request(LOG)[0]] == [500, 200]
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True


def test_a_backend_killed_during_a_contact_leaves_nothing_and_the_retry_saves_it(running: App) -> None:
    """The contact row is written, then its backend is killed before the services: all or nothing."""
    token = running.csrf_token()
    data = running.contact(token)
    connection.close()  # this thread's own connection may date from before a restart
    seen_before = Client.objects.values_list("last_seen_at", flat=True).get(pk=running.person.pk)

    def kill_before_services(sql: str, context: Any) -> None:
        if sql.startswith('INSERT INTO "encounters_serviceprovided"'):
            running.before_statement.remove(kill_before_services)
            pid = context["connection"].connection.get_backend_pid()
            running.cluster.psql(f"SELECT pg_terminate_backend({pid}, 10000)", database="postgres")

    running.before_statement.append(kill_before_services)
    assert running.request(LOG, data)[0] == 500
    assert kill_before_services not in running.before_statement
    assert stored(running, data["id"]) == (0, 0, 0)
    assert Client.objects.values_list("last_seen_at", flat=True).get(pk=running.person.pk) == seen_before
    assert not Encounter.objects.filter(pk=data["id"]).exists()

    status, _, location = running.request(LOG, data)  # the worker taps Save again
    assert (status, location) == (302, reverse("encounters:detail", args=[data["id"]]))
    assert stored(running, data["id"]) == (1, 2, 1)
    given = ServiceProvided.objects.filter(encounter_id=data["id"]).values_list("service_type__slug", "quantity")
    assert dict(given) == {"sterile-syringes": 10, "naloxone-kit": 2}
    assert AuditEvent.objects.get(object_id=data["id"]).chain_seq is not None
