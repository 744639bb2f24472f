"""Time the worker pages and the live search against one seeded database, in process, on request.

bench/run.py starts one of these per scale, with DATABASE_URL pointing at that scale's
database, and asks them in turn for one timed request at a time (a key of run.PAGES, e.g.
"list", "page", "search", "log" on stdin, one JSON line back on stdout). Taking turns means both scales see the same
background load on this machine (other people's tests share the server), so the ratio
between them is fair even when the absolute times wander.

The first line out reports who was chosen, the query count of each page (captured once,
after warm-up, so capturing never slows a timed request) and the size of the data, and the
dashboard's two other figures: the same figures by a direct query over the rollups' time
(`LiveSource` against `RollupSource`, dashboards/sources.py, after checking that they agree),
and the incremental refresh after a day's new rows (A_DAY: contacts with services and
check-ins with answers, each written by its own statements as the app writes them).
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
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
# The dashboard's figures computed by each source (after warm-up), and refreshes timed.
ROLLUP_RUNS, LIVE_RUNS, REFRESH_RUNS = 20, 5, 5
DAYS = 3 * 365  # the seed's contacts and check-ins are spread over three years

# A day's new rows, one contact at a time: a random active person of any team, by a worker of
# their team, at a time in the last 24 hours; syringes and a naloxone kit; a check-in at one
# contact in CHECKIN_SHARE (WHO-5 or self-ratings, as the seed shares them) with its answers.
# Statement by statement, so the rollups' triggers note them as they note the app's writes.
# The contacts made are kept in bench_day, so A_DAY_GONE can remove them after the timed
# refresh: each timed refresh then takes in one day's rows on top of the seeded ones.
A_DAY = """
CREATE TEMPORARY TABLE IF NOT EXISTS bench_day (id uuid);
DO $$
DECLARE
    c record;
    contact uuid;
    made uuid;
    chosen uuid;
    who5 uuid := (SELECT id FROM outcomes_instrument WHERE slug = 'who5' AND is_current);
    ratings uuid := (SELECT id FROM outcomes_instrument WHERE slug = 'self_ratings' AND is_current);
BEGIN
    FOR c IN
        SELECT p.id AS client_id, p.home_team_id AS team_id, m.user_id AS worker_id,
               now() - random() * interval '1 day' AS happened_at, random() AS roll
          FROM (SELECT id, home_team_id FROM clients_client
                 WHERE status = 'active' AND merged_into_id IS NULL
                 ORDER BY random() LIMIT %(contacts)s) AS p
         CROSS JOIN LATERAL (SELECT user_id FROM accounts_membership
                              WHERE team_id = p.home_team_id AND role = 'worker'
                              ORDER BY random() LIMIT 1) AS m
    LOOP
        contact := gen_random_uuid();
        INSERT INTO bench_day VALUES (contact);
        INSERT INTO encounters_encounter (id, client_id, head_count, happened_at, kind, worker_id, team_id, created_at)
        VALUES (contact, c.client_id, 1, c.happened_at, 'street', c.worker_id, c.team_id, now());
        INSERT INTO encounters_serviceprovided (encounter_id, service_type_id, quantity)
        SELECT contact, id, 1 + floor(random() * 10)::int FROM encounters_servicetype
         WHERE slug IN ('sterile-syringes', 'naloxone-kit');
        IF c.roll < %(checkin_share)s THEN
            made := gen_random_uuid();
            chosen := CASE WHEN c.roll < %(who5_share)s * %(checkin_share)s THEN who5 ELSE ratings END;
            INSERT INTO outcomes_checkin
                (id, client_id, team_id, encounter_id, instrument_id, taken_at, recorded_by_id, total, created_at)
            VALUES (made, c.client_id, c.team_id, contact, chosen, c.happened_at, c.worker_id,
                    CASE WHEN chosen = who5 THEN 60 END, now());
            INSERT INTO outcomes_answer (check_in_id, item_id, value, is_declined)
            SELECT made, item.id, CASE WHEN chosen = who5 THEN 3 ELSE 6 END, false
              FROM outcomes_instrumentitem AS item WHERE item.instrument_id = chosen;
        END IF;
    END LOOP;
END
$$;
"""

A_DAY_GONE = """
DELETE FROM outcomes_answer
 WHERE check_in_id IN (SELECT id FROM outcomes_checkin WHERE encounter_id IN (SELECT id FROM bench_day));
DELETE FROM outcomes_checkin WHERE encounter_id IN (SELECT id FROM bench_day);
DELETE FROM encounters_serviceprovided WHERE encounter_id IN (SELECT id FROM bench_day);
DELETE FROM encounters_encounter WHERE id IN (SELECT id FROM bench_day);
TRUNCATE bench_day;
"""


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    # WhiteNoise looks for collected static files, which a benchmark does not need.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()

    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Membership, Team, User
    from accounts.sessions import stamp
    from bench.seed import WHO5_SHARE
    from clients.models import Client
    from core.dates import add_months
    from core.paging import make_cursor
    from dashboards import rollups
    from dashboards.figures import dashboard as figures_for
    from dashboards.forms import DEFAULT_MONTHS
    from dashboards.sources import LiveSource, RollupSource, Scope
    from encounters.models import Encounter, Referral, Site
    from encounters.sections import CURSOR_SALT
    from health.models import HealthTest, Prevention, Vaccination
    from outcomes.models import CheckIn

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
    # The dashboard is the team's supervisor's (who signs in with a second factor).
    lead = Membership.objects.filter(team=team, role=Membership.Role.SUPERVISOR).select_related("user").first()
    if lead is None:
        raise SystemExit(f"no supervisor in {team}")
    supervising = HttpClient()
    supervising.force_login(lead.user)
    session = supervising.session
    stamp(session, second_factor="totp")
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
        "dashboard": reverse("dashboards:dashboard"),
        # The organisation view for the last complete calendar year, all teams, protected.
        "org_view": f"{reverse('dashboards:organisation')}?period={timezone.localdate().year - 1}",
    }
    admin, _made = User.objects.get_or_create(username="bench-org-admin", defaults={"is_data_admin": True})
    administering = HttpClient()
    administering.force_login(admin)
    session = administering.session
    stamp(session, second_factor="totp")
    session.save()
    # The API's contacts list (GET /api/v1/contacts: the last 30 days of the worker's teams,
    # the first page), with a read token of the same worker; no rate limit while timing.
    from django.conf import settings

    from accounts.services import create_api_token

    settings.ALONGSIDE_API_CALLS_PER_MINUTE = 10**9
    _token, secret = create_api_token(actor=membership.user, name="bench", scope="read", days=1)
    urls["api_contacts"] = reverse("api:contacts")
    bearer = {"Authorization": f"Bearer {secret}"}
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
        if name == "dashboard":
            return supervising.get(urls[name])
        if name == "org_view":
            return administering.get(urls[name])
        if name == "api_contacts":
            return HttpClient().get(urls[name], headers=bearer)
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
    # Stock accounting on: the team keeps stock of every item a typical contact gives, so each
    # saved contact takes them off in its save path (encounters/services/supplies.py).
    from encounters.models import ServiceType, StockLevel
    from encounters.services.stock import receive_delivery

    for slug in TYPICAL_SERVICES:
        if not StockLevel.objects.filter(team=team, service_type__slug=slug).exists():
            item = ServiceType.objects.get(slug=slug)
            receive_delivery(actor=lead.user, team=team, service_type=item, quantity=900_000, on=timezone.localdate())
    on_hand = dict(StockLevel.objects.filter(team=team).values_list("service_type__slug", "on_hand"))
    logged = Encounter.objects.filter(client__code=other_code).count()
    if log_contact().status_code != 302 or Encounter.objects.filter(client__code=other_code).count() != logged + 1:
        raise SystemExit("posting a typical contact did not store it: has the log form changed?")
    after = dict(StockLevel.objects.filter(team=team).values_list("service_type__slug", "on_hand"))
    if any(after[slug] != on_hand[slug] - int(quantity) for slug, quantity in TYPICAL_SERVICES.items()):
        raise SystemExit("a typical contact did not come off the team's stock: is stock accounting on?")
    followups = http.get(urls["followups"])
    followups_rows = followups.content.decode().count('href="/contacts/referrals/')  # one link per referral
    if followups.status_code != 200 or not followups_rows:
        raise SystemExit("the team's follow-ups page lists no referral due: were they seeded?")
    # The organisation view's first look at a year builds and audits its protected figures
    # (dashboards/hierarchy.py); later looks read them from the cache until the rollups change.
    cache.clear()
    org_view_cold_ms = get("org_view")
    for _ in range(WARM_UP):
        for name in urls:
            get(name)
    queries = {}
    for name in urls:
        # Each count right after a request of the same page: a signed-in session is written at
        # most once a minute (accounts/sessions.py touch, 3 statements), which the warm-up's
        # length could leave due at one scale and not the other.
        search(COUNTED_SEARCH) if name == "search" else request(name)
        with CaptureQueriesContext(connection) as captured:
            search(COUNTED_SEARCH) if name == "search" else request(name)
        queries[name] = len(captured)
    searches = itertools.cycle(SEARCHES)  # timed searches start at the same text at every scale

    # The dashboard's figures by a direct query and from the rollups (brought up to date
    # first: the warm-up logged contacts): the same numbers, in how much time.
    rollups.refresh()
    this_month = timezone.localdate().replace(day=1)
    scope = Scope((team.pk,), add_months(this_month, 1 - DEFAULT_MONTHS), this_month)
    names = {team.pk: team.name}
    if figures_for(scope, source=LiveSource(), team_names=names) != figures_for(
        scope, source=RollupSource(), team_names=names
    ):
        raise SystemExit("the dashboard's figures from the rollups and by a direct query differ")

    def figures_ms(source: Any) -> float:
        started = time.perf_counter()
        figures_for(scope, source=source, team_names=names)
        return (time.perf_counter() - started) * 1000

    rollup_ms = statistics.median(figures_ms(RollupSource()) for _ in range(ROLLUP_RUNS))
    live_ms = statistics.median(figures_ms(LiveSource()) for _ in range(LIVE_RUNS))

    # An incremental refresh after a day's new rows, a few days running.
    identified = Encounter.objects.filter(client__isnull=False).count()
    day = {
        "contacts": max(1, round(Encounter.objects.count() / DAYS)),
        "checkin_share": min(1.0, CheckIn.objects.count() / max(1, identified)),
        "who5_share": WHO5_SHARE,
    }
    refreshes, cells, people = [], 0, 0
    for _ in range(REFRESH_RUNS):
        with connection.cursor() as cursor:
            cursor.execute(A_DAY, day)
        started = time.perf_counter()
        done = rollups.refresh()
        refreshes.append((time.perf_counter() - started) * 1000)
        cells, people = len(done.contact_cells) + len(done.score_cells), len(done.people)
        with connection.cursor() as cursor:
            cursor.execute(A_DAY_GONE)
        rollups.refresh()

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        (postgres,) = cursor.fetchone()
    emit(
        {
            "people": Client.objects.count(),
            "contacts": Encounter.objects.count(),
            "team_people": Client.objects.filter(home_team=team).count(),
            "person_contacts": contacts,
            # The timed person's tests, PrEP or PEP and vaccine doses (the page's health section).
            "person_health_rows": sum(
                model.objects.filter(client__code=code).count() for model in (HealthTest, Prevention, Vaccination)
            ),
            "referrals": Referral.objects.count(),
            "referrals_open": Referral.objects.open().count(),
            "followups_rows": followups_rows,
            "queries": queries,
            "postgres": postgres,
            "checkins": CheckIn.objects.count(),
            "dashboard_rollup_ms": rollup_ms,
            "dashboard_live_ms": live_ms,
            "org_view_cold_ms": org_view_cold_ms,
            "rollup_refresh_ms": statistics.median(refreshes),
            "rollup_refresh_cells": cells,
            "rollup_refresh_people": people,
            "day_contacts": day["contacts"],
        }
    )
    for line in sys.stdin:
        emit({"ms": get(line.strip())})


if __name__ == "__main__":
    main()
