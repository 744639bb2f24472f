"""Demo referrals and overdose responses, so the follow-ups lists and the supervisors' list
have something to show.

Referrals in every state: suggested, made (overdue, due today, due this week, later, no
date), attended, not attended, declined; some made at a contact, some updated since. A few
overdose responses: no one named, a person transported, one at a contact where the person
asked for emergency services not to be called. Called by load_demo for a team that has
people but no referrals yet, so running it again adds nothing.
"""

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client
from encounters.models import Encounter, OverdoseResponse, Referral, ReferralUpdate

# (to, partner, [(days ago, status, follow up in days from that day or None)], made at a contact)
REFERRALS: list[tuple[str, str, list[tuple[int, str, int | None]], bool]] = [
    ("treatment", "Harbour OAT clinic", [(20, "suggested", 7), (12, "made", 9)], True),  # overdue
    ("housing", "Open Door Housing", [(7, "made", 7)], True),  # due today
    ("primary_care", "Mill Road GP", [(2, "made", 5)], False),  # due this week
    ("hiv_hepatitis", "Hep C outreach van", [(1, "suggested", 20)], True),  # later
    ("legal_aid", "", [(30, "suggested", None)], False),  # open, no date
    ("mental_health", "Riverside talking therapies", [(60, "made", 14), (45, "attended", None)], True),
    ("benefits", "Citizens advice", [(50, "made", 10), (38, "not_attended", None)], False),
    ("other", "Food bank", [(15, "suggested", 5), (10, "declined", None)], True),
]


def load_referrals(team: Team, workers: list[User]) -> None:
    if not workers or Referral.objects.filter(team=team).exists():
        return
    people = list(Client.objects.filter(home_team=team, merged_into__isnull=True).order_by("created_at")[:12])
    now = timezone.now()
    for index, (to, partner, steps, at_contact) in enumerate(REFERRALS):
        person, worker = people[index % len(people)], workers[index % len(workers)]
        encounter = Encounter.objects.filter(client=person).order_by("-happened_at").first() if at_contact else None
        first_ago, first_status, _first_days = steps[0]
        last_ago, last_status, last_days = steps[-1]
        referral = Referral.objects.create(
            client=person,
            team=team,
            encounter=encounter,
            to=to,
            partner=partner,
            status=last_status,
            follow_up_on=_follow_up(now.date(), last_ago, last_days),
            created_at=now - timedelta(days=first_ago),
            created_by=worker,
            updated_at=now - timedelta(days=last_ago) if len(steps) > 1 else None,
        )
        ReferralUpdate.objects.bulk_create(
            ReferralUpdate(
                referral=referral,
                status=status,
                follow_up_on=_follow_up(now.date(), ago, days),
                encounter=encounter if step == 0 else None,
                at=now - timedelta(days=ago),
                by=worker,
            )
            for step, (ago, status, days) in enumerate(steps)
        )
    load_overdose_responses(team, people, workers)


def _follow_up(today: date, ago: int, days: int | None) -> date | None:
    return today - timedelta(days=ago) + timedelta(days=days) if days is not None else None


def load_overdose_responses(team: Team, people: list[Client], workers: list[User]) -> None:
    now = timezone.now()
    site = team.sites.order_by("name").first()
    at_contact = Encounter.objects.filter(client=people[-1]).order_by("-happened_at").first()
    responses = [
        OverdoseResponse(
            team=team,
            site=site,
            happened_at=now - timedelta(days=9, hours=3),
            naloxone_doses=2,
            emergency_services=OverdoseResponse.EmergencyServices.CALLED,
            outcome=OverdoseResponse.Outcome.RESPONSIVE,
            debrief="Someone at the site asked for help. Breathing was slow; two doses given. "
            "Responsive after about five minutes; stayed with them until the ambulance came.",
            created_by=workers[0],
        ),
        OverdoseResponse(
            team=team,
            client=people[0],
            site=site,
            happened_at=now - timedelta(days=70),
            naloxone_doses=3,
            emergency_services=OverdoseResponse.EmergencyServices.CALLED,
            outcome=OverdoseResponse.Outcome.TRANSPORTED,
            debrief="Not breathing when found. Three doses and rescue breaths; taken to hospital.",
            created_by=workers[-1],
        ),
    ]
    if at_contact is not None:
        responses.append(
            OverdoseResponse(
                team=team,
                client=people[-1],
                encounter=at_contact,
                site_id=at_contact.site_id,
                happened_at=at_contact.happened_at,
                naloxone_doses=1,
                emergency_services=OverdoseResponse.EmergencyServices.NOT_CALLED_WISHES,
                outcome=OverdoseResponse.Outcome.DECLINED_TRANSPORT,
                debrief="One dose; responsive within minutes. Asked us not to call; we stayed for an hour.",
                created_by=workers[0],
            )
        )
    OverdoseResponse.objects.bulk_create(responses)
