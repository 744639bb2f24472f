"""Access rows for a team's own vaccines (health/views/vaccines.py): the team's supervisors
only; workers 403; another team's supervisor 404 on the team's vaccine and team (their own list
is theirs: 200); data admins and system admins 403. Volunteers get what workers get (403:
tests/security/test_volunteer_access.py, and tests/health/test_team_vaccines.py)."""

from typing import Any

from django.urls import reverse

from health.prevention import TeamVaccine

from .matrix import supervisor_object, supervisor_page


def objects(base: dict[str, Any]) -> dict[str, Any]:
    team = base["person"].home_team
    return {"team_vaccine": TeamVaccine.objects.create(team=team, name="Meningitis ACWY", doses=1)}


def vaccine_path(name: str) -> Any:
    return lambda o: reverse(name, args=[o["team_vaccine"].pk])


def team_path(o: dict[str, Any]) -> str:
    return reverse("health:team_vaccine_new", args=[o["person"].home_team_id])


ROWS = [
    supervisor_page("health:team_vaccine_list"),
    supervisor_object("health:team_vaccine_new", team_path),
    supervisor_object(
        "health:team_vaccine_new", team_path, method="post", ok=302, data={"name": "Pneumococcal", "doses": "1"}
    ),
    supervisor_object("health:team_vaccine_edit", vaccine_path("health:team_vaccine_edit")),
    supervisor_object(
        "health:team_vaccine_edit",
        vaccine_path("health:team_vaccine_edit"),
        method="post",
        ok=302,
        data={"name": "Meningitis (ACWY)", "doses": "1", "note": ""},
    ),
    supervisor_object(
        "health:team_vaccine_active",
        vaccine_path("health:team_vaccine_active"),
        method="post",
        ok=302,
        data={"active": "0"},
    ),
]

WRONG_METHOD = [
    ("health:team_vaccine_active", "get", vaccine_path("health:team_vaccine_active")),
    ("health:team_vaccine_list", "post", lambda o: reverse("health:team_vaccine_list")),
]
