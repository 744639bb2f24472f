"""Keeping the rollups fresh: what a refresh takes in, the background task and its schedule,
the command, and a rebuild."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from accounts.models import Team, User
from clients.models import Client
from dashboards import rollups, tasks
from dashboards.models import MonthlyTeamContacts, PendingChange, RollupState
from encounters.models import Encounter
from tests.factories import EncounterFactory

from .helpers import check_in, instrument

pytestmark = pytest.mark.django_db


def team_contacts(team: Team) -> int:
    return sum(MonthlyTeamContacts.objects.filter(team=team, worker__isnull=True).values_list("contacts", flat=True))


def waiting() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=tasks.refresh_rollups.module_path, status=TaskResultStatus.READY))


def test_a_new_contact_waits_as_a_pending_change_until_a_refresh(person: Client, worker: User, team: Team) -> None:
    rollups.refresh()
    EncounterFactory.create(client=person, worker=worker)
    assert PendingChange.objects.filter(source="contacts", team_id=team.pk).exists()
    assert team_contacts(team) == 0

    done = rollups.refresh()

    assert team_contacts(team) == 1
    assert done.contact_cells == {(team.pk, timezone.localdate().replace(day=1))}
    assert not PendingChange.objects.exists()
    assert RollupState.objects.get().refreshed_at is not None


def test_a_refresh_with_nothing_pending_rewrites_nothing() -> None:
    rollups.refresh()
    done = rollups.refresh()
    assert (done.pending, done.contact_cells, done.people) == (0, set(), set())


def test_the_task_refreshes_and_enqueues_the_next_run_a_minute_later(person: Client, worker: User, team: Team) -> None:
    EncounterFactory.create(client=person, worker=worker)
    before = timezone.now()

    result = tasks.refresh_rollups.call()

    assert team_contacts(team) == 1
    assert result["contact_cells"] == 1 and not result["skipped"]
    (next_run,) = waiting()
    assert before + tasks.EVERY <= next_run.run_after <= timezone.now() + tasks.EVERY
    assert tasks.EVERY <= timedelta(minutes=5)  # the issue: new rows on the dashboards within 5 minutes


def test_scheduling_twice_leaves_one_run_waiting() -> None:
    assert tasks.schedule() is True
    assert tasks.schedule() is False
    assert len(waiting()) == 1


def test_the_db_worker_runs_the_refresh(
    person: Client, worker: User, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker closes connections between tasks; here that would end the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    EncounterFactory.create(client=person, worker=worker)
    tasks.schedule(at=timezone.now())
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")
    assert team_contacts(team) == 1
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    assert len(waiting()) == 1  # the next run, in a minute


def test_old_results_of_the_task_are_pruned() -> None:
    tasks.refresh_rollups.call()
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now() - timedelta(days=2))
    tasks.refresh_rollups.call()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 0
    assert len(waiting()) == 1


def test_the_command_refreshes_rebuilds_and_schedules(person: Client, worker: User, team: Team) -> None:
    EncounterFactory.create(client=person, worker=worker)
    out = StringIO()
    call_command("refresh_rollups", stdout=out)
    assert "Refreshed in" in out.getvalue() and "1 team-months of contacts" in out.getvalue()
    MonthlyTeamContacts.objects.all().delete()

    call_command("refresh_rollups", "--rebuild", "--schedule", stdout=out)

    assert team_contacts(team) == 1
    assert "Rebuilt in" in out.getvalue() and "Background refresh scheduled." in out.getvalue()
    assert len(waiting()) == 1


def test_a_corrected_time_moves_the_contact_out_of_its_old_month(person: Client, worker: User, team: Team) -> None:
    this_month = timezone.now()
    contact = EncounterFactory.create(client=person, worker=worker, happened_at=this_month)
    rollups.refresh()
    Encounter.objects.filter(pk=contact.pk).update(happened_at=this_month - timedelta(days=40))
    rollups.refresh()
    months = dict(MonthlyTeamContacts.objects.filter(worker__isnull=True).values_list("month", "contacts"))
    assert months == {timezone.localtime(this_month - timedelta(days=40)).date().replace(day=1): 1}


def test_a_new_check_in_rewrites_only_the_distributions_that_changed(person: Client, worker: User, team: Team) -> None:
    who5 = instrument("who5")
    now = timezone.now()
    for days in (200, 120, 60):
        check_in(person, who5, [3, 3, 3, 3, 3], at=now - timedelta(days=days), by=worker)
    rollups.refresh()
    check_in(person, who5, [4, 4, 4, 4, 4], at=now, by=worker)

    done = rollups.refresh()

    assert done.people == {person.pk}
    assert done.score_cells == {(team.pk, timezone.localdate().replace(day=1))}


def test_the_dashboard_says_when_figures_are_stale_and_enqueues_nothing(
    supervisor_client: HttpClient,
) -> None:
    """A GET only reads: the refresh runs from the worker on its schedule (issue 14)."""
    rollups.refresh()
    RollupState.objects.update(refreshed_at=timezone.now() - timedelta(minutes=20))
    DBTaskResult.objects.all().delete()

    page = supervisor_client.get(reverse("dashboards:dashboard")).content.decode()

    assert "the background worker may not be running" in page
    assert DBTaskResult.objects.count() == 0


def test_fresh_figures_say_nothing_and_enqueue_nothing(supervisor_client: HttpClient) -> None:
    rollups.refresh()
    page = supervisor_client.get(reverse("dashboards:dashboard")).content.decode()
    assert "background worker" not in page and DBTaskResult.objects.count() == 0


@pytest.mark.parametrize("stale", [False, True])
@pytest.mark.parametrize(
    ("role", "page", "query"),
    [
        ("supervisor", "dashboards:dashboard", ""),
        ("supervisor", "dashboards:dashboard", "?period=6"),
        ("data_admin", "dashboards:organisation", ""),
        ("data_admin", "dashboards:organisation", f"?period={timezone.now().year - 1}"),
    ],
)
def test_no_dashboard_get_enqueues_a_task_even_with_changes_pending(
    client: HttpClient,
    request: pytest.FixtureRequest,
    role: str,
    page: str,
    query: str,
    stale: bool,
    person: Client,
    worker: User,
    team: Team,
) -> None:
    """Neither page starts any task (a refresh, an export, anything) from a GET, whatever is
    pending or however old the figures are: the worker's schedule does that."""
    rollups.refresh()
    EncounterFactory.create(client=person, worker=worker, team=team)
    assert PendingChange.objects.exists()
    if stale:
        RollupState.objects.update(refreshed_at=timezone.now() - timedelta(minutes=20))
    DBTaskResult.objects.all().delete()
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse(page) + query)

    assert response.status_code == 200
    assert DBTaskResult.objects.count() == 0
    assert PendingChange.objects.exists()  # nor did the GET take the changes in itself
