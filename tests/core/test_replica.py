"""Reads from a real streaming replica (core/replica.py): routing, the lag limit, read-your-writes.

The test starts a private primary (tests/pgcluster.py) and a hot standby made from it with
pg_basebackup, points Django's "default" at the primary and adds the "replica" alias, as
DATABASE_REPLICA_URL does. Lag is made for real: replay is paused on the standby
(pg_wal_replay_pause) while the primary takes a write, so the standby has received WAL it
has not applied. What is checked is what a person sees: the organisation view lists the
teams, so a team added on the primary is missing from a page read on the lagging replica
and present on a page read from the primary.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client as HttpClient
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from accounts.models import Team
from accounts.sessions import stamp
from core import replica as routing
from core.replica import WRITTEN_COOKIE, replica_block
from exports import jobs
from exports.models import Export
from tests.factories import ClientFactory, EncounterFactory, TeamFactory, UserFactory
from tests.pgcluster import PrivateCluster

pytestmark = pytest.mark.slow

POINTED = ("NAME", "USER", "PASSWORD", "HOST", "PORT", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
ORGANISATION = reverse("dashboards:organisation")
WAIT = 20.0  # seconds at most for the standby to catch up or fall behind


@dataclass
class Pair:
    primary: PrivateCluster
    standby: PrivateCluster
    browser: HttpClient

    def standby_sql(self, statement: str) -> str:
        return self.standby.psql(statement)

    def wait(self, condition: str) -> None:
        """Until `condition` (SQL on the standby) is true."""
        deadline = time.monotonic() + WAIT
        while self.standby_sql(f"SELECT {condition}") != "t":
            assert time.monotonic() < deadline, f"the standby never reached: {condition}"
            time.sleep(0.1)

    def caught_up(self) -> None:
        position = self.primary.psql("SELECT pg_current_wal_insert_lsn()")
        self.wait(f"pg_last_wal_replay_lsn() >= '{position}'::pg_lsn")

    def pause(self) -> None:
        self.standby_sql("SELECT pg_wal_replay_pause()")
        self.wait("pg_get_wal_replay_pause_state() = 'paused'")

    def resume(self) -> None:
        self.standby_sql("SELECT pg_wal_replay_resume()")

    def write_behind_its_back(self, name: str) -> None:
        """A team added on the primary and received, not yet replayed, by the paused standby."""
        TeamFactory.create(name=name)
        position = self.primary.psql("SELECT pg_current_wal_insert_lsn()")
        self.wait(f"pg_last_wal_receive_lsn() >= '{position}'::pg_lsn")

    def export_form(self) -> dict[str, str]:
        """A data admin starts an export: a write (the export's row, its audit event, its job)."""
        month = f"{timezone.localdate():%Y-%m}"
        team = Team.objects.get(name="Riverside team")
        return {
            "datasets": "contacts", "teams": str(team.pk), "start": month, "end": month,
            "period": "month", "file_format": "csv", "k": "11", "begin": "1",
        }  # fmt: skip

    def organisation_page(self) -> tuple[str, list[str], list[str]]:
        """The organisation view's HTML and the SQL it sent to the primary and to the replica."""
        with (
            CaptureQueriesContext(connections["default"]) as on_primary,
            CaptureQueriesContext(connections["replica"]) as on_replica,
        ):
            response = self.browser.get(ORGANISATION)
        assert response.status_code == 200
        return response.content.decode(), sql(on_primary), sql(on_replica)


def sql(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def figures(statements: list[str]) -> list[str]:
    """The statements that read the dashboards' figures (the rollups and their state)."""
    return [statement for statement in statements if '"reports_' in statement]


def signed_in_data_admin() -> HttpClient:
    """A browser signed in as a new data admin, with a password and a code just now."""
    browser = HttpClient()
    browser.force_login(UserFactory.create(is_data_admin=True))
    session = browser.session  # as the sign-in pages leave it (tests/conftest.py does the same)
    stamp(session, second_factor="totp")
    session.save()
    return browser


@pytest.fixture(scope="module")
def pair(django_db_blocker: DjangoDbBlocker) -> Iterator[Pair]:
    primary = PrivateCluster().start()
    standby = None
    saved = {key: connection.settings_dict.get(key) for key in POINTED}
    with django_db_blocker.unblock():
        connections.close_all()
        try:
            standby = primary.start_replica()
            connection.settings_dict.update(primary.settings(), CONN_MAX_AGE=0)
            connections.settings[routing.REPLICA] = {**connection.settings_dict, **standby.settings()}
            with override_settings(ALONGSIDE_OWNER_DATABASE=None):  # this cluster has one role
                call_command("migrate", verbosity=0)
            browser = signed_in_data_admin()
            TeamFactory.create(name="Riverside team")
            found = Pair(primary, standby, browser)
            found.caught_up()
            yield found
        finally:
            connections.close_all()
            if routing.REPLICA in connections.settings:
                del connections[routing.REPLICA]
                del connections.settings[routing.REPLICA]
            connection.settings_dict.update(saved)
            if standby is not None:
                standby.stop_and_remove()
            primary.stop_and_remove()


@pytest.fixture
def streaming(pair: Pair) -> Iterator[Pair]:
    """Each test starts with the standby replaying and caught up, and the replica trusted."""
    routing._down_until = 0.0
    pair.resume()
    pair.caught_up()
    yield pair
    pair.resume()
    pair.browser.cookies.pop(WRITTEN_COOKIE, None)


def test_the_organisation_view_reads_from_the_replica(streaming: Pair) -> None:
    cache.clear()  # the year's protected figures are built, not read from the cache
    page, on_primary, on_replica = streaming.organisation_page()
    assert "Riverside team" in page
    # The replica answers the lag question and every figure; the primary only what the
    # middleware and the role check read before the view chose (the session, the user).
    assert on_replica[0].lstrip().startswith("SELECT pg_is_in_recovery()")
    assert len(figures(on_replica)) >= 2
    # The year's protected figures (dashboards/hierarchy.py) are read there too, through the
    # definer functions that count them (core/definer.py).
    assert any('FROM "alongside_org_events"(' in statement for statement in on_replica)
    assert len(on_replica) >= 6  # the lag question, teams, the year's few grouped queries (dashboards/hierarchy.py)
    assert figures(on_primary) == []


def test_a_replica_within_the_lag_limit_shows_what_it_has(streaming: Pair) -> None:
    """Paused, but within a generous limit: the page is read there, a little behind."""
    streaming.pause()
    streaming.write_behind_its_back("Harbour team")
    with override_settings(DATABASE_REPLICA_MAX_LAG=3600):
        page, on_primary, on_replica = streaming.organisation_page()
    assert figures(on_replica) and not figures(on_primary)
    assert "Riverside team" in page and "Harbour team" not in page


def test_a_replica_past_the_lag_limit_is_passed_over_for_the_primary(streaming: Pair) -> None:
    streaming.pause()
    streaming.write_behind_its_back("Hillside team")
    time.sleep(1.2)  # the oldest change the standby has not applied is now over a second old
    with override_settings(DATABASE_REPLICA_MAX_LAG=1):
        page, on_primary, on_replica = streaming.organisation_page()
    assert "Hillside team" in page
    assert len(on_replica) == 1  # only the question that found it too far behind
    assert figures(on_primary)

    streaming.resume()  # once it has caught up, it is used again
    streaming.caught_up()
    with override_settings(DATABASE_REPLICA_MAX_LAG=1):
        page, on_primary, on_replica = streaming.organisation_page()
    assert "Hillside team" in page
    assert figures(on_replica) and not figures(on_primary)


def test_a_user_sees_their_own_write_even_within_the_lag_limit(streaming: Pair) -> None:
    """After a request that wrote, the browser carries the primary's WAL position: until the
    replica has replayed past it, that user's replica reads go to the primary; others' do not."""
    assert WRITTEN_COOKIE not in streaming.browser.get(ORGANISATION).cookies  # a read sets nothing
    streaming.pause()
    streaming.write_behind_its_back("Seaside team")
    response = streaming.browser.post(reverse("exports:export_start"), streaming.export_form())
    assert response.status_code == 302  # the export is noted on the primary
    assert WRITTEN_COOKIE in response.cookies
    with override_settings(DATABASE_REPLICA_MAX_LAG=3600):
        page, on_primary, _ = streaming.organisation_page()
        assert "Seaside team" in page and figures(on_primary)

        other = signed_in_data_admin()
        with CaptureQueriesContext(connections["replica"]) as others_reads:
            assert "Seaside team" not in other.get(ORGANISATION).content.decode()
        assert figures(sql(others_reads))

    streaming.resume()  # once the replica has replayed past the write, it serves this user again
    streaming.caught_up()
    page, on_primary, on_replica = streaming.organisation_page()
    assert "Seaside team" in page and figures(on_replica) and not figures(on_primary)


def test_a_stopped_replica_is_passed_over_and_not_asked_again_for_a_while(streaming: Pair) -> None:
    streaming.standby.pg_ctl("stop")
    connections[routing.REPLICA].close()
    try:
        with CaptureQueriesContext(connections["default"]) as on_primary:
            response = streaming.browser.get(ORGANISATION)
        assert response.status_code == 200
        assert "Riverside team" in response.content.decode() and figures(sql(on_primary))
        started = time.monotonic()
        with replica_block() as chosen:
            assert not chosen
        assert time.monotonic() - started < 0.5  # no second attempt to connect
    finally:
        streaming.standby.pg_ctl("start")


def test_writes_inside_a_replica_block_go_to_the_primary(streaming: Pair) -> None:
    with replica_block() as chosen:
        assert chosen
        Team.objects.create(name="Written inside")
    assert Team.objects.filter(name="Written inside").exists()
    streaming.caught_up()
    assert streaming.standby_sql("SELECT count(*) FROM accounts_team WHERE name = 'Written inside'") == "1"


def exported_contacts(export: Export) -> int:
    """The contacts an export counted: kept as chosen, generalised or left out (all rows)."""
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    privacy = export.summary["contacts"]["privacy"]
    return sum(count for name, count in privacy.items() if name.startswith("rows_"))


def test_an_export_reads_from_the_replica_unless_it_lags(streaming: Pair, tmp_path: Path) -> None:
    """The export job's heavy reads run on the replica (its rows and, since a standby cannot
    write even a temporary table, its privacy summary, both from one snapshot)."""
    person = ClientFactory.create(home_team=TeamFactory.create(name="Export team"))
    EncounterFactory.create_batch(3, client=person)
    streaming.caught_up()
    streaming.pause()
    EncounterFactory.create_batch(2, client=person)  # behind the paused replica's back
    streaming.write_behind_its_back("Export marker team")
    month = timezone.localdate().replace(day=1)
    admin = UserFactory.create(is_data_admin=True)

    def export() -> Export:
        made = Export.objects.create(
            created_by=admin, datasets=["contacts"], team_ids=[person.home_team_id], first_month=month, last_month=month
        )
        jobs.run(made.pk)
        return made

    with override_settings(DATABASE_REPLICA_MAX_LAG=3600, ALONGSIDE_EXPORT_ROOT=tmp_path):
        assert exported_contacts(export()) == 3  # the replica's snapshot
    time.sleep(1.2)
    with override_settings(DATABASE_REPLICA_MAX_LAG=1, ALONGSIDE_EXPORT_ROOT=tmp_path):
        assert exported_contacts(export()) == 5  # too far behind: the primary
