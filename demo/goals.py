"""Demo goals: a few people per team with goals in their own words, steps and months of reviews.

One goal achieved, one with levels described (Goal Attainment Scaling) still being worked
on, one changed into a new goal, one set aside, one just started. Called by load_demo for
a team that has people but no goals yet, so running it again adds nothing.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client
from goals.models import Goal, Review, Step

GAS_LEVELS = {
    "gas_much_less": "Outside every night",
    "gas_less": "Inside one night a week",
    "gas_expected": "Inside three nights a week",
    "gas_more": "Inside most nights",
    "gas_much_more": "A room of my own",
}


@dataclass
class DemoGoal:
    words: str
    life_area: str
    steps: list[tuple[str, bool]]
    # (months ago, closeness 0-10, GAS level or None, note)
    reviews: list[tuple[int, int, int | None, str]]
    started_months_ago: int
    why: str = ""
    ending: str = ""  # "", achieved, set_aside, or changed (into `became`)
    note: str = ""
    levels: dict[str, str] = field(default_factory=dict)
    became: "DemoGoal | None" = None


def _stories() -> list[list[DemoGoal]]:
    """One list per person; a changed goal carries the goal it became."""
    return [
        [
            DemoGoal(
                "Get my ID card back",
                "legal",
                [("Ask for a birth certificate", True), ("Book the appointment", True), ("Bring two photos", True)],
                [(5, 2, None, ""), (4, 4, None, "Got the paper"), (3, 6, None, ""), (2, 9, None, "Appointment kept")],
                6,
                why="So I can open a bank account",
                ending="achieved",
                note="Got it!",
            )
        ],
        [
            DemoGoal(
                "Sleep inside at least three nights a week",
                "housing",
                [("Put my name down at the shelter", True), ("Keep my phone charged for the call back", False)],
                [(5, 1, -2, ""), (4, 3, -1, ""), (3, 4, -1, "Cold snap"), (2, 6, 0, ""), (1, 7, 1, "Most nights now")],
                6,
                why="I sleep better and feel safer",
                levels=GAS_LEVELS,
            )
        ],
        [
            DemoGoal(
                "Get back into work",
                "income",
                [("Write a CV", True), ("Apply for two jobs", False)],
                [(4, 3, None, ""), (3, 2, None, "Too much at once")],
                5,
                ending="changed",
                note="A smaller step first",
                became=DemoGoal(
                    "Do one volunteer shift a week at the food bank",
                    "income",
                    [("Ask at the food bank", True), ("Go on Tuesday", True), ("Go every Tuesday for a month", False)],
                    [(2, 4, None, ""), (1, 6, None, "Went three Tuesdays")],
                    3,
                ),
            ),
            DemoGoal(
                "Always carry my own pipe and mouthpiece",
                "safer_use",
                [("Pick up a kit at the van", True)],
                [(1, 8, None, "")],
                2,
            ),
        ],
        [
            DemoGoal(
                "Call my sister",
                "relationships",
                [("Find her number", True)],
                [(3, 2, None, "")],
                4,
                ending="set_aside",
                note="Not the right time, they said",
            )
        ],
        [DemoGoal("See a dentist about my tooth", "health", [("Find a dentist who takes walk-ins", False)], [], 0)],
    ]


def load_goals(team: Team, workers: list[User]) -> None:
    """Goals for the first named people of the team (none when the team has goals already)."""
    if Goal.objects.filter(team=team).exists():
        return
    people = Client.objects.filter(home_team=team).exclude(preferred_name="").order_by("created_at")
    for person, story in zip(people, _stories(), strict=False):
        for demo in story:
            _make(person, team, workers[0], demo)


def _make(person: Client, team: Team, worker: User, demo: DemoGoal) -> Goal:
    now = timezone.now()
    became = _make(person, team, worker, demo.became) if demo.became else None
    last_review = now - timedelta(days=30 * demo.reviews[-1][0]) if demo.reviews else now
    ended_on = became.created_at.date() if became else (last_review + timedelta(days=3)).date()
    goal = Goal.objects.create(
        client=person,
        team=team,
        words=demo.words,
        why=demo.why,
        life_area=demo.life_area,
        created_by=worker,
        created_at=now - timedelta(days=30 * demo.started_months_ago),
        status=demo.ending or Goal.Status.ACTIVE,
        status_on=ended_on if demo.ending else None,
        status_note=demo.note,
        became=became,
        **demo.levels,
    )
    Step.objects.bulk_create(
        Step(goal=goal, text=text, order=index, is_done=done, done_at=now if done else None)
        for index, (text, done) in enumerate(demo.steps)
    )
    Review.objects.bulk_create(
        Review(
            goal=goal,
            closeness=closeness,
            gas=gas,
            note=note,
            reviewed_by=worker,
            reviewed_at=now - timedelta(days=30 * months_ago),
        )
        for months_ago, closeness, gas, note in demo.reviews
    )
    return goal
