"""Access rows for health (health/): a person's health record, read and noted; bad-batch alerts."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from health.models import Alert

from .matrix import Row, scoped_object, team_page

DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}


def record_path(o: dict[str, Any]) -> str:
    return reverse("health:person_health", args=[o["person"].code])


def noted(o: dict[str, Any]) -> dict[str, str]:
    return {"on": timezone.localdate().isoformat(), "health-hiv-result": "non_reactive", "health-hiv-method": "rapid"}


ROWS = [
    scoped_object("health:person_health", record_path),
    Row(
        "health:person_health",
        "post",
        record_path,
        {"worker": 302, "supervisor": 302, "outsider": 404, "other_supervisor": 404, **DENIED},
        noted,
    ),
]

WRONG_METHOD = [
    ("health:person_health", "put", record_path),
]


ALERT_DENIED = {"system_admin": 403, "anonymous": 302}


def alert_path(name: str) -> Any:
    return lambda o: reverse(name, args=[o["alert"].pk])


def alert_posted(o: dict[str, Any]) -> dict[str, str]:
    ends = timezone.localtime() + timedelta(days=2)
    return {
        "description_en": "Strong blue pills",
        "area": "Centre",
        "expires_at": ends.strftime("%Y-%m-%dT%H:%M"),
        "teams": str(o["person"].home_team_id),
    }


ROWS += [
    Row(
        "health:alert_list",
        "get",
        lambda o: reverse("health:alert_list"),
        {"worker": 200, "supervisor": 200, "outsider": 200, "other_supervisor": 200, "data_admin": 200, **ALERT_DENIED},
    ),
    # The team chosen is the person's: another team's worker or supervisor may not post for it
    # (not one of their choices: the form comes back, 200, and nothing is posted).
    Row(
        "health:alert_list",
        "post",
        lambda o: reverse("health:alert_list"),
        {"worker": 302, "supervisor": 302, "outsider": 200, "other_supervisor": 200, "data_admin": 302, **ALERT_DENIED},
        alert_posted,
    ),
    Row(
        "health:alert_card",
        "get",
        alert_path("health:alert_card"),
        {"worker": 200, "supervisor": 200, "outsider": 404, "other_supervisor": 404, "data_admin": 200, **ALERT_DENIED},
    ),
    Row(
        "health:alert_confirm",
        "post",
        alert_path("health:alert_confirm"),
        {"worker": 403, "supervisor": 302, "outsider": 404, "other_supervisor": 404, "data_admin": 302, **ALERT_DENIED},
    ),
    Row(
        "health:alert_end",
        "post",
        alert_path("health:alert_end"),
        {"worker": 403, "supervisor": 302, "outsider": 404, "other_supervisor": 404, "data_admin": 302, **ALERT_DENIED},
    ),
]


def check_posted(o: dict[str, Any]) -> dict[str, str]:
    return {
        "on": timezone.localdate().isoformat(),
        "method": "fentanyl_strip",
        "strip_result": "detected",
        "plans": "not_said",
        "team": str(o["person"].home_team_id),
    }


def incident_posted(o: dict[str, Any]) -> dict[str, str]:
    return {
        "on": timezone.localdate().isoformat(),
        "kind": "supplies_confiscated",
        "involved": "police",
        "help_given": "legal_aid",
        "may_count": "no",
        "team": str(o["person"].home_team_id),
    }


TEAM_ONLY = {"data_admin": 403, "system_admin": 403, "anonymous": 302}
ROWS += [
    team_page("health:drug_checks"),
    team_page("health:incidents"),
    # Another team's members may not choose this team: a member of one team has their team fixed
    # (the team sent is ignored), so it is saved for their own team (302), never for this one
    # (tests/health/test_drug_checks_incidents.py::test_another_team_sent_is_ignored).
    Row(
        "health:drug_checks",
        "post",
        lambda o: reverse("health:drug_checks"),
        {"worker": 302, "supervisor": 302, "outsider": 302, "other_supervisor": 302, **TEAM_ONLY},
        check_posted,
    ),
    Row(
        "health:incidents",
        "post",
        lambda o: reverse("health:incidents"),
        {"worker": 302, "supervisor": 302, "outsider": 302, "other_supervisor": 302, **TEAM_ONLY},
        incident_posted,
    ),
]

WRONG_METHOD += [
    ("health:drug_checks", "put", lambda o: reverse("health:drug_checks")),
    ("health:incidents", "delete", lambda o: reverse("health:incidents")),
    ("health:alert_list", "delete", lambda o: reverse("health:alert_list")),
    ("health:alert_card", "post", alert_path("health:alert_card")),
    ("health:alert_confirm", "get", alert_path("health:alert_confirm")),
    ("health:alert_end", "get", alert_path("health:alert_end")),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    """A worker's proposed alert for the person's team."""
    team = base["person"].home_team
    alert = Alert.objects.create(
        description_en="Pills stronger than usual",
        area="Centre",
        status="proposed",
        expires_at=timezone.now() + timedelta(days=1),
        created_by=base["encounter"].worker,
    )
    alert.teams.set([team])
    return {"alert": alert}
