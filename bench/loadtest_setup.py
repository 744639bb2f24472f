"""The load test's plan: sessions for the seeded staff, the people they serve, the URLs.

Run by bench/loadtest.py inside the app's environment (DJANGO_SETTINGS_MODULE and the
cluster's database), after the seed: `python -m bench.loadtest_setup <plan.json> <users>`.

Sessions are real rows made as signing in makes them (the user's id, the auth hash, the
clocks and second factor that accounts.sessions.stamp sets), one per simulated person, so
two simulated people never share one. Each worker session carries codes of people of that
worker's team and one of its sites; the data admin (made here, since the seed has none)
gets the export form for every team and the last full month.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from itertools import cycle
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, Team, User  # noqa: E402
from accounts.sessions import SessionStore, stamp  # noqa: E402
from accounts.two_factor import requires_two_factor  # noqa: E402
from clients.models import Client  # noqa: E402
from core.scope import EVERY_TEAM, team_scope  # noqa: E402
from encounters.models import Site  # noqa: E402

from .measure import SEARCHES  # noqa: E402

BACKEND = "django.contrib.auth.backends.ModelBackend"
PEOPLE_PER_TEAM = 300
DATA_ADMIN = "load-data-admin"


def session_for(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    stamp(session, second_factor="totp" if requires_two_factor(user) else "")
    session.create()
    return str(session.session_key)


def main() -> None:
    target, users = Path(sys.argv[1]), int(sys.argv[2])
    bench_teams = list(Team.objects.filter(name__startswith="Bench team").order_by("name"))
    if not bench_teams:
        raise SystemExit("no seeded teams: run the seed first (bench/loadtest.py does)")
    with team_scope(EVERY_TEAM):  # read as the app role: people are under row-level security
        people = {
            team.pk: list(
                Client.objects.filter(home_team=team, status="active", merged_into__isnull=True)
                .order_by("code")
                .values_list("code", flat=True)[:PEOPLE_PER_TEAM]
            )
            for team in bench_teams
        }
    if not all(people.values()):
        raise SystemExit("a bench team has no people to visit: the plan would send nothing")
    sites = {
        team.pk: str(Site.objects.filter(team=team).order_by("name").values_list("pk", flat=True)[0])
        for team in bench_teams
    }
    members = Membership.objects.filter(team__in=bench_teams).select_related("user").order_by("user__username")
    workers = cycle([m for m in members if m.role == Membership.Role.WORKER])
    supervisors = cycle([m for m in members if m.role == Membership.Role.SUPERVISOR])
    admin, _ = User.objects.get_or_create(username=DATA_ADMIN, defaults={"is_data_admin": True})
    admin.set_unusable_password()
    admin.save()

    def worker_entry(membership: Membership) -> dict[str, object]:
        team = membership.team_id
        return {"session": session_for(membership.user), "people": people[team], "site": sites[team]}

    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    plan = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "workers": [worker_entry(next(workers)) for _ in range(users)],
        "supervisors": [{"session": session_for(next(supervisors).user)} for _ in range(max(1, users // 5))],
        "data_admins": [{"session": session_for(admin)}],
        "searches": SEARCHES,
        "urls": {
            "home": reverse("core:home"),
            "search": reverse("clients:list"),
            "person": reverse("clients:detail", args=["AAA-AAA"]).replace("AAA-AAA", "{code}"),
            "log": reverse("encounters:log"),
            "dashboard": reverse("dashboards:dashboard"),
            "organisation": reverse("dashboards:organisation"),
            "export_start": reverse("exports:export_start"),
            "export_done_marker": "/download/",
        },
        "export_form": {
            "datasets": "contacts",
            "teams": [str(team.pk) for team in bench_teams],
            "start": f"{last_month:%Y-%m}",
            "end": f"{last_month:%Y-%m}",
            "period": "month",
            "file_format": "csv",
            "k": "11",
            "begin": "1",
        },
    }
    target.write_text(json.dumps(plan))
    target.chmod(0o600)  # live sessions


if __name__ == "__main__":
    main()
