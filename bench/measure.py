"""Time the worker pages and the live search against one seeded database, in process, on request.

bench/run.py starts one of these per scale, with DATABASE_URL pointing at that scale's
database, and asks them in turn for one timed request at a time ("list", "page" or
"search" on stdin, one JSON line back on stdout). Taking turns means both scales see the same
background load on this machine (other people's tests share the server), so the ratio
between them is fair even when the absolute times wander.

The first line out reports who was chosen, the query count of each page (captured once,
after warm-up, so capturing never slows a timed request) and the size of the data.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
import warnings
from typing import Any

import django

MIN_CONTACTS = 40
WARM_UP = 10
# What workers type into the live search (POST /people/ with htmx, as each pause in typing
# sends): names as given, misspelt, with or without accents, surnames, street names and
# parts of names. Each timed search takes the next one, at both scales in the same order.
SEARCHES = [
    "maria", "Jhonny", "jose garcia", "Mraia", "roberto", "gato", "Fransisco", "lopez", "José", "kevn",
    "cristina ruiz", "sunny", "natali", "Inés", "alejandor", "smith", "carmen", "luna", "Sergio Moreno", "pilar",
]  # fmt: skip
# A search that finds people at every scale, for the query count.
COUNTED_SEARCH = "maria"


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    # WhiteNoise looks for collected static files, which a benchmark does not need.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()

    from django.db import connection
    from django.db.models import Count
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Membership, Team
    from clients.models import Client
    from encounters.models import Encounter

    # The same rule at every scale: in the first team, among active people with at least
    # MIN_CONTACTS contacts, the one with the median number of contacts (ties by code).
    team = Team.objects.order_by("name").first()
    if team is None:
        raise SystemExit("no team in this database: was it seeded?")
    candidates = list(
        Client.objects.filter(home_team=team)
        .active()
        .annotate(contacts=Count("encounters"))
        .filter(contacts__gte=MIN_CONTACTS)
        .order_by("contacts", "code")
        .values_list("code", "contacts")
    )
    if not candidates:
        raise SystemExit(f"nobody in {team} has {MIN_CONTACTS} contacts: was it seeded?")
    code, contacts = candidates[len(candidates) // 2]
    membership = (
        Membership.objects.filter(team=team, role=Membership.Role.WORKER)
        .select_related("user")
        .order_by("user__username")
    ).first()
    if membership is None:
        raise SystemExit(f"no worker in {team}")

    http = HttpClient()
    http.force_login(membership.user)
    urls = {
        "list": reverse("clients:list"),
        "page": reverse("clients:detail", kwargs={"code": code}),
        "search": reverse("clients:list"),
    }
    searches = itertools.cycle(SEARCHES)

    def search(text: str) -> Any:  # the test client's response
        return http.post(urls["search"], {"q": text}, headers={"HX-Request": "true"})

    def get(name: str) -> float:
        started = time.perf_counter()
        response = search(next(searches)) if name == "search" else http.get(urls[name])
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{urls[name]} answered {response.status_code}")
        return elapsed

    page = http.get(urls["page"]).content.decode()
    if code not in page or f"{contacts} contacts" not in page:
        raise SystemExit(f"the person page does not show {code} with {contacts} contacts")
    if "Johnny" not in search("Jhonny").content.decode():
        raise SystemExit("searching for 'Jhonny' finds no Johnny: was search_names seeded?")
    for _ in range(WARM_UP):
        for name in urls:
            get(name)
    queries = {}
    for name in urls:
        with CaptureQueriesContext(connection) as captured:
            search(COUNTED_SEARCH) if name == "search" else get(name)
        queries[name] = len(captured)
    searches = itertools.cycle(SEARCHES)  # timed searches start at the same text at every scale

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        (postgres,) = cursor.fetchone()
    emit(
        {
            "people": Client.objects.count(),
            "contacts": Encounter.objects.count(),
            "team_people": Client.objects.filter(home_team=team).count(),
            "person_contacts": contacts,
            "queries": queries,
            "postgres": postgres,
        }
    )
    for line in sys.stdin:
        emit({"ms": get(line.strip())})


if __name__ == "__main__":
    main()
