"""The health section of a person's page: each test's cascade, open ones first."""

from typing import Any

from django.utils import timezone

from accounts.models import User
from clients.models import Client

from .models import Alert, HealthTest
from .prevention import Prevention, Vaccination

SECTION_SIZE = 20


def person_health(client: Client, user: User) -> dict[str, Any]:
    """The person's latest tests with their linkage steps, where PrEP and PEP stand now, and
    their latest vaccinations (four queries, whatever the count)."""
    tests = list(HealthTest.objects.visible_to(user).filter(client=client).for_section()[: SECTION_SIZE + 1])
    shown = tests[:SECTION_SIZE]
    return {
        "open": [test for test in shown if test.is_open],
        "others": [test for test in shown if not test.is_open],
        "more": len(tests) > SECTION_SIZE,
        "today": timezone.localdate(),
        "prevention": _prevention_now(client, user),
        "vaccinations": latest_vaccinations(client, user, limit=SECTION_SIZE),
    }


def latest_vaccinations(client: Client, user: User, *, limit: int | None = None) -> list[Vaccination]:
    """The person's doses, newest first, each with its team's vaccine by name (one query): the
    latest `limit` on the person's page, every one on the health record."""
    doses = (
        Vaccination.objects.visible_to(user)
        .filter(client=client)
        .select_related("team_vaccine")
        .order_by("-given_on", "-created_at")
    )
    return list(doses[:limit] if limit is not None else doses)


def _prevention_now(client: Client, user: User) -> list[Prevention]:
    """The latest of PrEP and of PEP (one query: PostgreSQL's DISTINCT ON the kind)."""
    latest = (
        Prevention.objects.visible_to(user)
        .filter(client=client)
        .order_by("kind", "-noted_on", "-created_at")
        .distinct("kind")
    )
    return sorted(latest, key=lambda row: list(Prevention.Kind).index(Prevention.Kind(row.kind)))


def home_alerts(user: User) -> dict[str, Any]:
    """The bad-batch alerts on the user's Home: their teams' and everyone's, current (one query)."""
    return {"alerts": list(Alert.objects.for_home(user, timezone.now()))}
