"""The organisation view's year of figures is built again at most hourly, however often the
rollups are refreshed (dashboards/hierarchy.py, REBUILT_EVERY), and says when it was read."""

from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.core.cache import cache
from django.utils import timezone

from dashboards import hierarchy
from dashboards.models import RollupState

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the builds; a build is a Year with nothing in it (the real one is tested elsewhere)."""
    made: list[int] = []

    def build(year: int, *, teams: Any, before: date) -> hierarchy.Year:
        made.append(year)
        return hierarchy.Year(year, list(teams), [])

    monkeypatch.setattr(hierarchy, "build", build)
    cache.clear()
    hierarchy._RECENT.clear()
    return made


def refreshed(at: datetime) -> None:
    RollupState.objects.update_or_create(pk=1, defaults={"refreshed_at": at})


def test_refreshes_within_the_hour_reuse_the_figures_and_a_later_hour_builds_them_again(builds: list[int]) -> None:
    teams = [uuid4()]
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    for minutes in (1, 14, 59):  # a refresh each time contacts came in, within one hour
        refreshed(hour + timedelta(minutes=minutes))
        hierarchy.year_figures(2026, teams=teams, before=date(2026, 12, 1))
    assert builds == [2026]
    refreshed(hour + timedelta(minutes=61))
    again = hierarchy.year_figures(2026, teams=teams, before=date(2026, 12, 1))
    assert builds == [2026, 2026]
    assert again.as_of == hour + timedelta(minutes=61)


def test_the_page_says_when_the_figures_were_read(builds: list[int], client: Any, data_admin: Any) -> None:
    from django.urls import reverse

    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    refreshed(hour + timedelta(minutes=1))
    client.force_login(data_admin)
    first = client.get(reverse("dashboards:organisation"))
    assert first.status_code == 200
    built_at = first.context["refreshed_at"]
    assert built_at == hour + timedelta(minutes=1)  # the rollups as the figures were read
    refreshed(hour + timedelta(minutes=2))  # refreshed again in the same hour: the same figures
    second = client.get(reverse("dashboards:organisation"))
    assert second.context["refreshed_at"] == built_at
    assert len(builds) == 1


def test_the_background_refresh_builds_the_default_year_so_the_page_builds_nothing(
    builds: list[int], client: Any, data_admin: Any, team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management import call_command
    from django.urls import reverse
    from django_tasks_db.management.commands import db_worker

    from dashboards import tasks

    # The worker closes connections between tasks; here that would end the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    tasks.schedule(at=timezone.now())
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")  # the real worker
    last_month = hierarchy.default_period(hierarchy.this_month())[1]
    assert builds == [last_month.year]  # built once, by the worker

    tasks.refresh_rollups.call()  # refreshed again within the hour: nothing to build
    assert builds == [last_month.year]

    client.force_login(data_admin)
    page = client.get(reverse("dashboards:organisation"))
    assert page.status_code == 200
    assert builds == [last_month.year]  # the data admin waited for no build
    hierarchy._RECENT.clear()  # another process: reads the shared cache, still no build
    assert client.get(reverse("dashboards:organisation")).status_code == 200
    assert builds == [last_month.year]
