"""The person's own view on a phone (issue 21): goal attainment with its known T-scores,
change said in one sentence, and the summary the person takes, in Spanish, on one A4 page
and on a 360 px screen."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, Site
from outcomes.models import Instrument
from tests.factories import ClientFactory
from tests.goals.factories import GoalFactory, ReviewFactory
from tests.outcomes.helpers import check_in

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The known cases: (levels with weights) -> the T-score the page shows.
KNOWN = [
    ([(2, 1), (1, 1), (0, 1)], "63.7"),
    ([(1, 2), (-1, 1)], "54.0"),
    ([(-2, 1), (0, 1)], "37.6"),
    ([(-2, 1), (-2, 1), (0, 1), (2, 1)], "42.7"),
]
LEVELS = {"gas_much_less": "Out every night", "gas_expected": "Inside most nights", "gas_more": "Inside every night"}

# WHO-5 answers (each 0-5, total x4) from a first total of 40: the change and its sentence.
WHO5_CHANGES = [
    ([4, 4, 4, 4, 1], "Reliably better: a change of +28 points"),  # 68
    ([3, 3, 3, 3, 2], "Not yet a reliable change: a change of +16 points reaches the smallest change"),  # 56
    ([2, 2, 2, 2, 3], "No reliable change: a change of +4 points is within what measurement error"),  # 44
    ([0, 0, 1, 1, 1], "Reliably worse: a change of -28 points"),  # 12
]


def who5() -> Instrument:
    return Instrument.objects.prefetch_related("items").get(slug="who5", is_current=True)


def test_known_t_scores_and_each_who5_change_sentence_on_person_pages(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, team: Team
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    for levels, shown in KNOWN:
        person = ClientFactory.create(home_team=team)
        for level, weight in levels:
            goal = GoalFactory.create(client=person, gas_weight=weight, **LEVELS)
            ReviewFactory.create(goal=goal, closeness=5, gas=level)
        page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
        attainment = page.locator("#goal-attainment")
        expect(attainment).to_contain_text(f"Goal attainment: {shown} (T-score over {len(levels)} goals")
        attainment.get_by_text("How goal attainment is worked out").tap()
        expect(attainment.get_by_text(re.compile("Kiresuk TJ, Sherman RE"))).to_be_visible()
        check_page()
    start = timezone.now() - timedelta(days=90)
    for answers, sentence in WHO5_CHANGES:
        person = ClientFactory.create(home_team=team)
        check_in(person, who5(), [2, 2, 2, 2, 2], by=worker, at=start)
        check_in(person, who5(), answers, by=worker, at=start + timedelta(days=80))
        page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
        expect(page.locator(".change-sentence")).to_have_text(re.compile("^" + re.escape(sentence)))
        check_page()


def test_the_summary_in_spanish_fits_one_a4_page_and_a_phone(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client, team: Team
) -> None:
    start = timezone.now() - timedelta(days=90)
    goal = GoalFactory.create(client=person, words="Dormir bajo techo casi todas las noches", **LEVELS)
    ReviewFactory.create(goal=goal, closeness=7, gas=1, reviewed_at=start + timedelta(days=60))
    for index in range(5):
        GoalFactory.create(client=person, words=f"Una meta más ({index}) con sus propias palabras")
    check_in(person, who5(), [2, 2, 2, 2, 2], by=worker, at=start)
    check_in(person, who5(), [3, 3, 3, 3, 2], by=worker, at=start + timedelta(days=80))
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    page.get_by_role("link", name="A summary to take").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("A summary to take")
    check_page()
    expect(page.get_by_label("Show the programme's name")).not_to_be_checked()  # discreet by default
    page.get_by_label("Language of the summary").select_option(label="Español")
    page.get_by_role("button", name="Show the summary").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tu resumen")
    check_page()
    summary = page.locator("article.summary")
    expect(summary).to_contain_text("Dormir bajo techo casi todas las noches")
    expect(summary).to_contain_text("Dónde estás: un poco más de lo que esperabas (“Inside every night”).")
    expect(summary).to_contain_text("Subió 16 puntos desde tu primer chequeo")
    expect(summary).to_contain_text("Un/a trabajador/a de calle de tu equipo")
    expect(summary).not_to_contain_text(team.name)
    # A 360 px phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # A4: the menus go, and it prints on one page.
    page.emulate_media(media="print")
    expect(page.locator("nav").first).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=False)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.SUMMARY_MADE)
    assert event.details == {
        "parts": ["goals", "wellbeing", "consent", "viewers"],
        "language": "es",
        "programme_name": False,
    }


def test_a_listed_word_in_a_note_gets_a_suggestion_but_not_in_the_persons_own_goal(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, person: Client, site: Site
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("clients:detail", args=[person.code]))
    check_page()
    page.get_by_role("main").get_by_role("link", name="Log a contact").tap()
    page.get_by_label("Note (optional)").fill("Was called an offender at the shelter again")
    page.get_by_label("Site").select_option(label=site.name)
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Contact with"))
    suggestion = page.locator(".messages").get_by_text(re.compile("A suggestion about wording"))
    expect(suggestion).to_have_text(
        "A suggestion about wording (saved as written): “offender”. Defines the person by a conviction. "
        "You could write: person with a conviction; person in contact with the justice system."
    )
    check_page()
    assert Encounter.objects.get().note == "Was called an offender at the shelter again"  # saved as written

    # The person's goal, in their own words: never checked.
    page.goto(live_server.url + reverse("goals:new", args=[person.code]))
    check_page()
    page.get_by_label("Their goal, in their own words").fill("Stop being treated like an offender")
    page.get_by_role("button", name="Save goal").tap()
    expect(page.get_by_role("status")).to_have_text("Goal noted.")
    expect(page.get_by_text(re.compile("A suggestion about wording"))).to_have_count(0)
    check_page()
