"""Retention: `manage.py erase_inactive` lists (dry run) and, with --erase, erases."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import Team
from audit.models import AuditEvent
from clients.management.commands.erase_inactive import years_before
from clients.models import Alias, Client
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


@pytest.fixture
def people(team: Team) -> dict[str, Client]:
    now = timezone.now()
    old = ClientFactory.create(home_team=team, preferred_name="Ottoline Old", last_seen_at=now - 8 * YEAR)
    Alias.objects.create(client=old, name="Otto")
    return {
        "old": old,
        # Never seen: registration counts as the last contact.
        "never_seen": ClientFactory.create(home_team=team, preferred_name="Nell Never", created_at=now - 9 * YEAR),
        # Registered long ago but seen last year: kept.
        "recent": ClientFactory.create(
            home_team=team, preferred_name="Rita Recent", created_at=now - 9 * YEAR, last_seen_at=now - YEAR
        ),
        "erased": ClientFactory.create(
            home_team=team, preferred_name="", last_seen_at=now - 10 * YEAR, erased_at=now - YEAR
        ),
        # Merged into the old person: erased with them, never listed on its own.
        "merged": ClientFactory.create(
            home_team=team, preferred_name="Ottie Merged", last_seen_at=now - 8 * YEAR, merged_into=old
        ),
    }


def run(*args: str) -> str:
    out = StringIO()
    call_command("erase_inactive", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_codes_and_a_count_and_changes_nothing(people: dict[str, Client]) -> None:
    output = run()
    assert "2 people with no contact since" in output and "(7 years)" in output
    assert people["old"].code in output and people["never_seen"].code in output
    for key in ("recent", "erased", "merged"):
        assert people[key].code not in output
    assert "Dry run: nothing was erased" in output
    for name in ("Ottoline", "Otto", "Nell", "Rita", "Ottie"):
        assert name not in output  # never names
    assert Client.objects.get(pk=people["old"].pk).preferred_name == "Ottoline Old"
    assert Alias.objects.filter(client=people["old"]).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_ERASED).exists()


def test_erase_erases_each_listed_person_and_audits_each_as_the_retention_command(people: dict[str, Client]) -> None:
    output = run("--erase")
    assert "Identifying data erased for 2 people." in output
    for key in ("old", "never_seen", "merged"):
        erased = Client.objects.get(pk=people[key].pk)
        assert erased.preferred_name == "" and erased.erased_at is not None
    assert not Alias.objects.filter(client=people["old"]).exists()
    recent = Client.objects.get(pk=people["recent"].pk)
    assert recent.preferred_name == "Rita Recent" and recent.erased_at is None
    events = AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_ERASED)
    assert sorted((event.client_id, event.actor_id, event.details.get("system")) for event in events) == sorted(
        [(people["old"].pk, None, "erase_inactive"), (people["never_seen"].pk, None, "erase_inactive")]
    )
    assert run().startswith("0 people")  # a second run finds nobody


@override_settings(ALONGSIDE_RETENTION_YEARS=1)
def test_the_setting_is_the_default_and_years_overrides_it(people: dict[str, Client]) -> None:
    assert run().startswith("3 people")  # "recent" was last seen a year ago
    assert run("--years", "9").startswith("0 people")


def test_years_must_be_positive() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        run("--years", "0")


def test_years_before_handles_a_leap_day() -> None:
    leap_day = datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert years_before(leap_day, 7) == datetime(2021, 2, 28, 12, tzinfo=UTC)
