"""Time the worker pages and the live search against one seeded database, in process, on request.

bench/run.py starts one of these per scale, with DATABASE_URL pointing at that scale's
database, and asks them in turn for one timed request at a time (a key of run.PAGES, e.g.
"list", "page", "search", "log" on stdin, one JSON line back on stdout). Taking turns means both scales see the same
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
import uuid
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
# A typical contact (issue 4): a person of the team, three services with quantities.
TYPICAL_SERVICES = {"sterile-syringes": "10", "naloxone-kit": "1", "condoms": "5"}
# The deep timeline page starts after this many of the person's contacts (page 3 of 25).
DEEP_AFTER = 50


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
    from django.utils import timezone

    from accounts.models import Membership, Team
    from accounts.sessions import stamp
    from clients.models import Client
    from encounters.models import Encounter, Referral, Site
    from encounters.paging import make_cursor
    from encounters.sections import CURSOR_SALT

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

    # Contacts are logged for another person of the team (the next candidate), so the timed
    # person's page and timeline stay as seeded.
    other_code = candidates[(len(candidates) // 2 + 1) % len(candidates)][0]
    site = Site.objects.filter(team=team, is_active=True).order_by("name").first()
    if site is None:
        raise SystemExit(f"no site in {team}")
    deep = (
        Encounter.objects.filter(client__code=code)
        .order_by("-happened_at", "-id")
        .values_list("happened_at", "id")[DEEP_AFTER - 1]
    )

    http = HttpClient()
    http.force_login(membership.user)
    session = http.session
    stamp(session, second_factor="")  # as the sign-in page does for a worker
    session.save()
    timeline = reverse("encounters:timeline", kwargs={"code": code})
    urls = {
        "list": reverse("clients:list"),
        "page": reverse("clients:detail", kwargs={"code": code}),
        "search": reverse("clients:list"),
        "log": reverse("encounters:log"),
        "timeline": timeline,
        "timeline_deep": f"{timeline}?before={make_cursor(salt=CURSOR_SALT, scope=code, at=deep[0], pk=deep[1])}",
        "not_seen": reverse("encounters:not_seen"),
        "followups": reverse("encounters:followups_team"),
    }
    searches = itertools.cycle(SEARCHES)

    def search(text: str) -> Any:  # the test client's response
        return http.post(urls["search"], {"q": text}, headers={"HX-Request": "true"})

    def log_contact() -> Any:
        """One POST of a typical contact, as the form sends it (a new id each time)."""
        data = {
            "id": str(uuid.uuid4()),
            "who": other_code,
            "head_count": "1",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "site": str(site.pk),
            "kind": "street",
            "save": "1",
            **{f"service_{slug}": quantity for slug, quantity in TYPICAL_SERVICES.items()},
        }
        return http.post(urls["log"], data)

    def request(name: str) -> Any:
        if name == "search":
            return search(next(searches))
        if name == "log":
            return log_contact()
        return http.get(urls[name])

    def get(name: str) -> float:
        started = time.perf_counter()
        response = request(name)
        elapsed = (time.perf_counter() - started) * 1000
        expected = 302 if name == "log" else 200
        if response.status_code != expected:
            raise SystemExit(f"{urls[name]} answered {response.status_code}")
        return elapsed

    page = http.get(urls["page"]).content.decode()
    if code not in page or f"{contacts} contacts" not in page:
        raise SystemExit(f"the person page does not show {code} with {contacts} contacts")
    if "Johnny" not in search("Jhonny").content.decode():
        raise SystemExit("searching for 'Jhonny' finds no Johnny: was search_names seeded?")
    logged = Encounter.objects.filter(client__code=other_code).count()
    if log_contact().status_code != 302 or Encounter.objects.filter(client__code=other_code).count() != logged + 1:
        raise SystemExit("posting a typical contact did not store it: has the log form changed?")
    followups = http.get(urls["followups"])
    followups_rows = followups.content.decode().count('href="/contacts/referrals/')  # one link per referral
    if followups.status_code != 200 or not followups_rows:
        raise SystemExit("the team's follow-ups page lists no referral due: were they seeded?")
    for _ in range(WARM_UP):
        for name in urls:
            get(name)
    queries = {}
    for name in urls:
        with CaptureQueriesContext(connection) as captured:
            search(COUNTED_SEARCH) if name == "search" else request(name)
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
            "referrals": Referral.objects.count(),
            "referrals_open": Referral.objects.open().count(),
            "followups_rows": followups_rows,
            "queries": queries,
            "postgres": postgres,
        }
    )
    for line in sys.stdin:
        emit({"ms": get(line.strip())})


if __name__ == "__main__":
    main()
