"""Load demo data: two teams, their staff, sites, people and a year of contacts.

Idempotent: running it again adds nothing. Refuses to run unless
ALONGSIDE_ALLOW_DEMO_DATA is set, so demo sign-ins never reach a production database.
"""

import random
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Membership, Team, User
from accounts.roles import is_limited
from accounts.tokens import PREFIX_LENGTH, hash_secret
from clients.models import Client, new_code
from core.scope import EVERY_TEAM, team_scope
from demo.check_ins import load_check_ins
from demo.context_items import load_context
from demo.education import load_education
from demo.export_cohort import load_export_cohort
from demo.goals import load_goals
from demo.health import load_health, load_reports
from demo.imports import load_imports
from demo.living import load_living_programme
from demo.logins import API_TOKENS, DEMO_PASSWORD
from demo.offline import load_offline_devices
from demo.prevention import load_prevention, load_team_vaccines
from demo.referrals import load_referrals
from demo.supplies import load_supplies
from demo.totp import NEEDS_CODE, demo_key_hex
from encounters.models import Encounter, ServiceProvided, ServiceType, Site

TEAMS = {
    "North team": [
        ("Bus station", "Centre", "street"),
        ("Drop-in, Mill Road", "North", "drop_in"),
        ("Van stop, Park Lane", "North", "van"),
    ],
    "River team": [
        ("Riverside path", "East", "street"),
        ("Harbour drop-in", "East", "drop_in"),
        ("Phone line", "All areas", "phone"),
    ],
}
# (username, first name, team or None, role or None, data admin, system admin)
STAFF = [
    ("worker", "Alex", "North team", Membership.Role.WORKER, False, False),
    ("supervisor", "Sam", "North team", Membership.Role.SUPERVISOR, False, False),
    ("volunteer", "Vic", "North team", Membership.Role.VOLUNTEER, False, False),
    ("worker-river", "Rio", "River team", Membership.Role.WORKER, False, False),
    ("supervisor-river", "Noor", "River team", Membership.Role.SUPERVISOR, False, False),
    ("data-admin", "Dana", None, None, True, False),
    ("admin", "Ade", None, None, False, True),
]
NAMES = [
    "Ana",
    "Ben",
    "Cris",
    "Dee",
    "Eli",
    "Fran",
    "Gabi",
    "Hana",
    "Ivo",
    "Jo",
    "Kai",
    "Lou",
    "Max",
    "Nico",
    "Oli",
    "Pat",
    "Quin",
    "Ray",
    "Sol",
    "Tam",
    "Uma",
    "Val",
    "Wren",
    "Xavi",
    "Yas",
    "Zoe",
    "Mo",
    "Lee",
]
PEOPLE_PER_TEAM = 30


class Command(BaseCommand):
    help = "Load demo data (only with ALONGSIDE_ALLOW_DEMO_DATA=1)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("Demo data is off: set ALONGSIDE_ALLOW_DEMO_DATA=1 (never in production).")
        # One transaction that may write every team's people (core/scope.py).
        with team_scope(EVERY_TEAM):
            teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
            staff = self.load_staff(teams)
            for name, team in teams.items():
                sites = [
                    Site.objects.get_or_create(team=team, name=site, defaults={"area": area, "kind": kind})[0]
                    for site, area, kind in TEAMS[name]
                ]
                # The team's workers and supervisors (a distribution volunteer records no
                # check-ins, goals or referrals: accounts/roles.py).
                workers = [user for user in staff if team.pk in user.team_ids and not is_limited(user)]
                if not Client.objects.filter(home_team=team).exists():
                    self.load_people(team, sites, workers, random.Random(name))
                load_goals(team, workers)
                load_referrals(team, workers)
                load_check_ins(team, workers)
                load_health(team, workers)
                load_prevention(team, workers)
                load_team_vaccines(team, workers)
                load_context(team, workers)
                supervisors = [user for user in workers if team.pk in user.supervised_team_ids()]
                load_education(team, supervisors[0] if supervisors else None)
                load_reports(team, workers, TEAMS[name][0][1])
                load_living_programme(team, workers, sites)
                # Regulars the anonymised exports can show (demo/export_cohort.py).
                load_export_cohort(team, TEAMS[name][0][1], workers)
                # Stock, and a volunteer's supplies for others and reported reversals (demo/supplies.py).
                load_supplies(team, [user for user in staff if team.pk in user.team_ids], sites)
            load_api_tokens()
            # A supervisor's spreadsheet imported, and one waiting to be checked (demo/imports.py).
            north = teams["North team"]
            van = Site.objects.get(team=north, name="Van stop, Park Lane")
            load_imports(north, User.objects.get(username="supervisor"), van)
            load_offline_devices(next(user for user in staff if user.username == "worker"))
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def load_staff(self, teams: dict[str, Team]) -> list[User]:
        users = []
        for username, first_name, team_name, role, is_data_admin, is_system_admin in STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "is_data_admin": is_data_admin,
                    "is_staff": is_system_admin,
                    "is_superuser": is_system_admin,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if team_name is not None and role is not None:
                Membership.objects.get_or_create(user=user, team=teams[team_name], defaults={"role": role})
            if username in NEEDS_CODE:
                # A known key, so `python -m demo.totp` prints the code (demo only).
                defaults = {"name": "demo authenticator", "key": demo_key_hex(username)}
                TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults=defaults)
            users.append(user)
        return users

    def load_people(self, team: Team, sites: list[Site], workers: list[User], rng: random.Random) -> None:
        now = timezone.now()
        services = list(ServiceType.objects.filter(is_active=True))
        genders = [choice for choice, _label in Client.Gender.choices if choice != Client.Gender.SELF_DESCRIBED]
        people = [
            Client(
                code=new_code(),
                preferred_name=rng.choice([*NAMES, ""]) if rng.random() < 0.8 else "",
                home_team=team,
                year_of_birth=rng.randint(1955, 2005) if rng.random() < 0.8 else None,
                gender=rng.choice([*genders, ""]),
                created_at=now - timedelta(days=rng.randint(200, 400)),
                created_by=workers[0],
            )
            for _ in range(PEOPLE_PER_TEAM)
        ]
        Client.objects.bulk_create(people)
        encounters: list[Encounter] = []
        given: list[ServiceProvided] = []
        for person in [*people, *[None] * 10]:
            for _ in range(rng.randint(1, 14)):
                when = now - timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
                encounter = Encounter(
                    client=person,
                    head_count=1 if person else rng.randint(1, 4),
                    happened_at=when,
                    site=rng.choice(sites),
                    kind=rng.choice(["street", "street", "drop_in", "van"]),
                    worker=rng.choice(workers),
                    team=team,
                )
                encounters.append(encounter)
                for service_type in rng.sample(services, rng.randint(1, 4)):
                    quantity = rng.randint(1, 20) if service_type.counts_quantity else 1
                    given.append(ServiceProvided(encounter=encounter, service_type=service_type, quantity=quantity))
        Encounter.objects.bulk_create(encounters)
        ServiceProvided.objects.bulk_create(given)
        for person in people:
            seen = [encounter.happened_at for encounter in encounters if encounter.client is person]
            person.last_seen_at = max(seen) if seen else None
        Client.objects.bulk_update(people, ["last_seen_at"])


def load_api_tokens() -> None:
    """The demo's API tokens (demo/logins.py), working for 90 days from each load."""
    for username, scope, secret in API_TOKENS:
        user = User.objects.get(username=username)
        ApiToken.objects.update_or_create(
            token_hash=hash_secret(secret),
            defaults={
                "user": user,
                "name": "Demo",
                "prefix": secret[:PREFIX_LENGTH],
                "scope": scope,
                "expires_at": timezone.now() + timedelta(days=ApiToken.MAX_DAYS),
                "revoked_at": None,
            },
        )
