"""Demo data for supplies: a distribution volunteer's contacts with supplies for others and
reversals people reported, and the team's stock (deliveries, a count, reorder levels, one
item running low so Home warns).

Everything goes through the services a programme uses (log_encounter, the stock services),
so the stock is exactly received - given + adjusted. The volunteer's recent contacts carry
no services of their own (only supplies for others), so each team's quick buttons (its four
services given most over 90 days: demo/living.py) stay what the rest of the demo makes them.
Called by load_demo; running it again adds nothing.
"""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import is_limited
from encounters.catalogue import NALOXONE, SYRINGES
from encounters.models import ForOthers, ServiceType, Site, StockLevel
from encounters.services.contacts import log_encounter
from encounters.services.stock import adjust_count, receive_delivery, set_reorder_level
from encounters.services.supplies import ReversalReport, SuppliesForOthers

STRIPS = "fentanyl-test-strips"
VOLUNTEER_CONTACTS = 24  # over the last year, about two a month
OUTCOMES = ["survived"] * 8 + ["unknown", "died"]
SERVICES = ["not_called", "called", "declined"]


def load_supplies(team: Team, staff: list[User], sites: list[Site]) -> None:
    supervisors = [user for user in staff if team.pk in user.supervised_team_ids()]
    volunteers = [user for user in staff if is_limited(user) and team.pk in user.team_ids]
    if not supervisors or StockLevel.objects.filter(team=team).exists():
        return
    rng = random.Random(f"{team.name} supplies")
    _stock(team, supervisors[0])
    for volunteer in volunteers:
        _volunteer_contacts(team, volunteer, sites, rng)


def _stock(team: Team, supervisor: User) -> None:
    today = timezone.localdate()
    kit, syringes, strips = (ServiceType.objects.get(slug=slug) for slug in (NALOXONE, SYRINGES, STRIPS))
    for months_ago in (5, 3, 1):
        on = (today - timedelta(days=30 * months_ago)).replace(day=2)
        receive_delivery(actor=supervisor, team=team, service_type=kit, quantity=120, on=on, delivery="Pharmacy order")
        receive_delivery(actor=supervisor, team=team, service_type=syringes, quantity=2000, on=on)
    receive_delivery(actor=supervisor, team=team, service_type=strips, quantity=40, on=today - timedelta(days=20))
    adjust_count(actor=supervisor, team=team, service_type=kit, counted=355, reason="Two kits expired", on=today)
    set_reorder_level(actor=supervisor, team=team, service_type=kit, level=60)
    set_reorder_level(actor=supervisor, team=team, service_type=syringes, level=500)
    set_reorder_level(actor=supervisor, team=team, service_type=strips, level=50)  # below it: Home warns


def _volunteer_contacts(team: Team, volunteer: User, sites: list[Site], rng: random.Random) -> None:
    if ForOthers.objects.filter(encounter__worker=volunteer).exists():
        return
    now = timezone.now().replace(second=0, microsecond=0)
    for n in range(VOLUNTEER_CONTACTS):
        days_ago = 3 + n * 15 + rng.randrange(5)
        parts: dict[str, object] = {
            "for_others": SuppliesForOthers(
                items=((NALOXONE, rng.randint(1, 3)), (SYRINGES, rng.choice([10, 20, 30]))), people=rng.randint(2, 8)
            )
        }
        services = {}
        if n % 3 == 0:
            parts["reversal"] = ReversalReport(
                naloxone_doses=rng.randint(1, 3), outcome=rng.choice(OUTCOMES), emergency_services=rng.choice(SERVICES)
            )
            if days_ago > 90:  # the refill that came with the report (older than the quick buttons' 90 days)
                services = {ServiceType.objects.get(slug=NALOXONE): 1}
        log_encounter(
            actor=volunteer,
            encounter_id=uuid.uuid4(),
            team=team,
            client=None,
            head_count=1,
            happened_at=now - timedelta(days=days_ago, hours=rng.randrange(8)),
            site=rng.choice(sites) if sites else None,
            kind="street",
            services=services,
            parts=parts,
        )
