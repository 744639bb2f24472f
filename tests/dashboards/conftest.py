"""A small programme with known figures, worked out by hand below (tests/dashboards/test_figures.py).

North (`team`), January to March 2026, in UTC (the test settings' zone):

Contacts and services
  Jan 10  Robin, by the worker: 10 syringes, 1 naloxone kit
  Jan 20  Robin, by the supervisor: 5 syringes
  Jan 25  Ana, by the worker: 3 condoms, wound care
  Jan 28  anonymous group of 3, by the worker: 20 syringes
  Feb  5  Ben, by the worker: 2 naloxone kits
  (River, Jan 15: Cai, by the outsider: 50 syringes; never in North's figures)

WHO-5 totals (each person's latest of the month counts)
  Robin  Jan 5: 40 (baseline)   Feb 20: 68 (+28 after 46 days: reliably improved)   Mar 3: 64 (+24: improved)
  Ana    Jan 12: 52 (baseline)  Jan 30: 28 (18 days: too soon)                      Mar 20: 24 (-28: worse)
  Dee    Jan 3: 48 (baseline)   Mar 1: 60 (+12, under the 21 points that count: no reliable change)
  Ben    Feb 10: 80 (one total: not yet)
  (Cai, River, Jan 10: 20)
  January 28, 40, 48; February 68, 80; March 24, 60, 64.

Self-ratings (physical, mental, quality of life; None: prefer not to say)
  Robin Jan 12: 4, 6, None; Feb 1: 6, None, 7.  Ana Jan 15: 8, 2, 5.

Goals: Robin's set Jan 5; Ana's set Jan 20 and achieved Feb 14.
Overdose responses: Feb 3 for Robin (2 doses, called); Mar 9 no one named (1 dose, not called).
Right now: Robin last seen 40 days ago and Ben never seen since registering 100 days ago
(not seen for 30 days: 2); Robin's record-keeping consent due in 10 days; Robin's referral
due yesterday, Ana's in 3 days.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client, Consent, ConsentKind
from dashboards import rollups
from encounters.models import Encounter, ServiceProvided, ServiceType, Site
from goals.models import Goal
from tests.encounters.referral_factories import OverdoseResponseFactory, ReferralFactory
from tests.factories import ClientFactory, EncounterFactory
from tests.goals.factories import GoalFactory

from .helpers import check_in, instrument


def at(month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(date(2026, month, day), time(hour)))


@dataclass
class Programme:
    robin: Client
    ana: Client
    ben: Client
    dee: Client
    cai: Client


def give(encounter: Encounter, **quantities: int) -> None:
    for slug, quantity in quantities.items():
        service_type = ServiceType.objects.get(slug=slug.replace("_", "-"))
        ServiceProvided.objects.create(encounter=encounter, service_type=service_type, quantity=quantity)


@pytest.fixture
def programme(
    team: Team, other_team: Team, worker: User, supervisor: User, outsider: User, person: Client, site: Site
) -> Programme:
    now = timezone.now()
    robin = person
    Client.objects.filter(pk=robin.pk).update(last_seen_at=now - timedelta(days=40))
    ana = ClientFactory.create(home_team=team, preferred_name="Ana", last_seen_at=now - timedelta(days=2))
    ben = ClientFactory.create(home_team=team, preferred_name="Ben", created_at=now - timedelta(days=100))
    dee = ClientFactory.create(home_team=team, preferred_name="Dee", last_seen_at=now - timedelta(days=5))
    cai = ClientFactory.create(home_team=other_team, preferred_name="Cai", created_at=now - timedelta(days=100))

    def contact(who: Client | None, by: User, when: datetime, **given: int) -> None:
        made = EncounterFactory.create(
            client=who,
            team=team if by != outsider else other_team,
            head_count=1 if who else 3,
            worker=by,
            site=site if by != outsider else None,
            happened_at=when,
        )
        give(made, **given)

    contact(robin, worker, at(1, 10), sterile_syringes=10, naloxone_kit=1)
    contact(robin, supervisor, at(1, 20), sterile_syringes=5)
    contact(ana, worker, at(1, 25), condoms=3, wound_care=1)
    contact(None, worker, at(1, 28), sterile_syringes=20)
    contact(ben, worker, at(2, 5), naloxone_kit=2)
    contact(cai, outsider, at(1, 15), sterile_syringes=50)

    who5, ratings = instrument("who5"), instrument("self_ratings")

    def wellbeing(who: Client, when: datetime, total: int, by: User = worker) -> None:
        raw = total // 4  # five answers adding up to the raw score
        values = [min(5, max(0, raw - 5 * i)) for i in range(5)]
        assert sum(values) * 4 == total
        check_in(who, who5, values, at=when, by=by)

    wellbeing(robin, at(1, 5), 40)
    wellbeing(robin, at(2, 20), 68)
    wellbeing(robin, at(3, 3), 64)
    wellbeing(ana, at(1, 12), 52)
    wellbeing(ana, at(1, 30), 28)
    wellbeing(ana, at(3, 20), 24)
    wellbeing(dee, at(1, 3), 48, by=supervisor)
    wellbeing(dee, at(3, 1), 60, by=supervisor)
    wellbeing(ben, at(2, 10), 80)
    wellbeing(cai, at(1, 10), 20, by=outsider)
    check_in(robin, ratings, [4, 6, None], at=at(1, 12), by=worker)
    check_in(robin, ratings, [6, None, 7], at=at(2, 1), by=worker)
    check_in(ana, ratings, [8, 2, 5], at=at(1, 15), by=worker)

    GoalFactory.create(client=robin, created_at=at(1, 5))
    GoalFactory.create(client=ana, created_at=at(1, 20), status=Goal.Status.ACHIEVED, status_on=date(2026, 2, 14))
    OverdoseResponseFactory.create(client=robin, happened_at=at(2, 3), naloxone_doses=2, emergency_services="called")
    OverdoseResponseFactory.create(
        client=None, team=team, happened_at=at(3, 9), naloxone_doses=1, emergency_services="not_called_wishes"
    )

    today = timezone.localdate()
    Consent.objects.create(
        client=robin,
        kind=ConsentKind.objects.get(slug=ConsentKind.RECORD_KEEPING),
        decision=Consent.Decision.GIVEN,
        recorded_by=worker,
        expires_on=today + timedelta(days=10),
    )
    ReferralFactory.create(client=robin, follow_up_on=today - timedelta(days=1))
    ReferralFactory.create(client=ana, follow_up_on=today + timedelta(days=3))
    rollups.refresh()
    return Programme(robin, ana, ben, dee, cai)
