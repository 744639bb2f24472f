"""Log a contact without signal, in Debian's Chromium with the context offline: a wellbeing
check-in and a goal review drawn from the phone's encrypted cache and queued with the
contact (issue 15); a distribution volunteer's offline use, limited to what it may see and
record (issue 17)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from clients.models import Alias, Client, SafetyFlag
from encounters.models import Encounter, ForOthers, ReportedReversal, ServiceType, Site, StockLevel
from encounters.services.stock import receive_delivery
from goals.models import Review
from goals.services import set_goal
from outcomes.models import CheckIn
from tests.factories import ClientFactory

from .conftest import PageChecks
from .test_check_in import answer
from .test_offline import (
    cut_off_first_sync,
    go_online,
    idb_dump,
    open_offline_log,
    save,
    turn_on,
    unlock,
    waiting_banner,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOAL = "Get my ID back so I can rent a room"


@pytest.fixture
def robin(worker: User, team: Team) -> Client:
    person = ClientFactory.create(home_team=team, preferred_name="Robin", last_seen_at=timezone.now())
    Alias.objects.create(client=person, name="Birdie")
    SafetyFlag.objects.create(client=person, text="Meet in pairs")
    return person


def test_a_check_in_and_a_goal_review_logged_offline_are_saved_with_the_contact(
    page: Page,
    context: BrowserContext,
    check_page: PageChecks,
    live_server: LiveServer,
    worker: User,
    robin: Client,
    site: Site,
) -> None:
    base = live_server.url
    goal = set_goal(
        actor=worker,
        client=robin,
        words=GOAL,
        steps=["Ask for a birth certificate", "Find the office"],
        gas_expected="Has an appointment",
    )
    other = ClientFactory.create(home_team=robin.home_team, preferred_name="Sam", last_seen_at=timezone.now())
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)

    # Answers begun for Sam are cleared when Robin is chosen instead: never saved for the wrong person.
    page.locator("label.picker-option", has_text="Sam").tap()
    checkin = page.locator("#offline-checkin")
    checkin.get_by_text("Wellbeing check-in").tap()
    checkin.get_by_text("Housing situation").tap()
    answer(checkin, "Where they are living now", "Temporary")
    expect(page.locator("#offline-goals")).to_contain_text("No goals being worked on.")
    page.locator("label.picker-option", has_text="Robin").tap()
    expect(checkin.locator("input:checked")).to_have_count(0)

    goals = page.locator("#offline-goals")
    goals.get_by_text("Their goals").tap()
    card = goals.locator(".goal-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(GOAL)
    expect(card).to_contain_text("Not reviewed yet")
    card.get_by_text("Review this goal").tap()
    card.locator("label.rating-option", has_text="7").tap()
    card.get_by_label("0 Has an appointment").check()
    card.get_by_label("Find the office").check()
    card.get_by_label("Note").fill("Has the form now")
    answer(checkin, "Where they are living now", "Stable")
    checkin.get_by_text("WHO-5 Wellbeing Index").tap()
    expect(checkin.get_by_text("CC BY-NC-SA 3.0 IGO")).to_be_visible()
    answer(checkin, "I have felt cheerful and in good spirits", "More than half of the time")
    check_page()
    save(page)
    waiting_banner(page, 1)
    expect(page.locator(".goal-card")).to_have_count(0)  # a fresh contact: nobody chosen
    stored = idb_dump(page)
    for secret in (GOAL, "Find the office", "Has the form now", "Robin", robin.code):
        assert secret not in stored
    assert not Review.objects.exists() and not CheckIn.objects.exists()

    go_online(page, context)
    expect(page.locator("#offline-state")).to_contain_text("Nothing waiting to be sent.")
    check_page()
    encounter = Encounter.objects.get()
    assert encounter.client_id == robin.pk
    review = Review.objects.get()
    assert (review.goal_id, review.encounter_id, review.closeness, review.gas, review.note) == (
        goal.pk,
        encounter.pk,
        7,
        0,
        "Has the form now",
    )
    assert list(goal.steps.filter(is_done=True).values_list("text", flat=True)) == ["Find the office"]
    check_ins = {row.instrument.slug: row for row in CheckIn.objects.select_related("instrument")}
    assert set(check_ins) == {"housing", "who5"}
    assert {row.client_id for row in check_ins.values()} == {robin.pk}
    assert {row.encounter_id for row in check_ins.values()} == {encounter.pk}
    assert not Encounter.objects.filter(client=other).exists()


def test_a_volunteer_offline_keeps_codes_aliases_and_flags_and_queues_supplies_for_others_and_a_reversal(
    page: Page,
    context: BrowserContext,
    check_page: PageChecks,
    live_server: LiveServer,
    volunteer: User,
    supervisor: User,
    worker: User,
    robin: Client,
    site: Site,
) -> None:
    """At 360 px: no name, no goals, no check-in, no referral or overdose response; a contact
    with Robin (found by an alias) with supplies, supplies for others and a reported reversal
    with its refill, sent when the signal returns and taken off the stock."""
    base = live_server.url
    set_goal(actor=worker, client=robin, words=GOAL)
    kit = ServiceType.objects.get(slug="naloxone-kit")
    receive_delivery(actor=supervisor, team=site.team, service_type=kit, quantity=30, on=timezone.localdate())
    turn_on(page, check_page, base, volunteer)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)

    for staff_only in ("Their goals", "Wellbeing check-in", "Make a referral", "Overdose response"):
        expect(page.get_by_text(staff_only)).to_have_count(0)
    expect(page.locator("label.picker-option", has_text="Robin")).to_have_count(0)  # the name is not kept
    page.get_by_label("Find by code or name").fill("birdie")  # by alias
    option = page.locator("label.picker-option", has_text=robin.code)
    expect(option).to_contain_text("Meet in pairs")
    option.tap()
    expect(page.locator("#offline-flags")).to_contain_text("Meet in pairs")
    page.get_by_role("button", name="One more: Naloxone kit").first.tap()
    page.get_by_text("More services", exact=True).tap()
    page.get_by_text("Supplies for others (secondary distribution)").tap()
    for _ in range(2):
        page.locator(".for-others").get_by_role("button", name="One more: Naloxone kit").tap()
    page.get_by_label("About how many people are they for?").fill("3")
    page.get_by_text("They used naloxone on someone (a reversal)").tap()
    page.get_by_label("They used naloxone on someone", exact=True).check()
    page.locator(".reversal").get_by_label("Survived").check()
    page.locator(".reversal").get_by_label("Not called").check()
    check_page()
    save(page)
    waiting_banner(page, 1)
    stored = idb_dump(page)
    assert robin.code not in stored and "Birdie" not in stored and GOAL not in stored

    go_online(page, context)
    expect(page.locator("#offline-state")).to_contain_text("Nothing waiting to be sent.")
    check_page()
    encounter = Encounter.objects.get()
    assert (encounter.worker_id, encounter.client_id) == (volunteer.pk, robin.pk)
    # One kit to the person and the refill that comes with the reported reversal.
    assert dict(encounter.services.values_list("service_type__slug", "quantity")) == {"naloxone-kit": 2}
    made = ForOthers.objects.get(encounter=encounter)
    assert made.people == 3 and dict(made.items.values_list("service_type__slug", "quantity")) == {"naloxone-kit": 2}
    assert ReportedReversal.objects.get().outcome == "survived"
    assert StockLevel.objects.get(service_type=kit).on_hand == 30 - 2 - 2
    assert not Review.objects.exists() and not CheckIn.objects.exists()


def test_a_test_result_prep_and_a_vaccine_dose_logged_offline_arrive_once_with_the_contact(
    page: Page,
    context: BrowserContext,
    check_page: PageChecks,
    live_server: LiveServer,
    worker: User,
    robin: Client,
    site: Site,
) -> None:
    """On a phone (360 px), offline: a result typed for Sam is cleared when Robin is chosen instead; for
    Robin an HIV result, PrEP started, a second hepatitis B dose and the first dose of a vaccine
    of the team's own, queued with the contact. When the signal returns the first answer is cut
    off; sent again, everything is there once, the team's vaccine by its name on the person's page."""
    from health.models import HealthTest, Prevention, TeamVaccine, Vaccination

    own = TeamVaccine.objects.create(team=robin.home_team, name="Meningitis ACWY", doses=2, note="Eight weeks apart")
    ClientFactory.create(home_team=robin.home_team, preferred_name="Sam", last_seen_at=timezone.now())
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)

    page.locator("label.picker-option", has_text="Sam").tap()
    health = page.locator("#offline-health")
    health.get_by_text("Tests (HIV, hepatitis, syphilis)").tap()
    hiv = health.locator("fieldset.health-test", has_text="HIV")
    hiv.get_by_label("Result", exact=True).select_option(label="Reactive")
    page.locator("label.picker-option", has_text="Robin").tap()
    expect(hiv.get_by_label("Result", exact=True)).to_have_value("")  # never saved for the wrong person

    hiv.get_by_label("Result", exact=True).select_option(label="Non-reactive")
    health.get_by_text("PrEP and PEP", exact=True).tap()
    health.locator("fieldset.prevention", has_text="PrEP").get_by_label("Where it stands").select_option(
        label="Started"
    )
    health.get_by_text("Vaccinations", exact=True).tap()
    health.locator("fieldset.vaccination", has_text="Hepatitis B").get_by_label("Dose").select_option(label="Dose 2")
    mening = health.locator("fieldset.vaccination", has_text="Meningitis ACWY")
    expect(mening).to_contain_text("Eight weeks apart")
    expect(mening.get_by_label("Dose").locator("option")).to_have_text(["Not given", "Dose 1", "Dose 2"])
    mening.get_by_label("Dose").select_option(label="Dose 1")
    expect(hiv.get_by_label("Result", exact=True).locator("option:checked")).to_have_text("Non-reactive")
    check_page()
    save(page)
    waiting_banner(page, 1)
    outbox = [line for line in idb_dump(page).splitlines() if line.startswith("outbox:")]
    assert len(outbox) == 1 and "health-hiv-result" not in outbox[0] and "non_reactive" not in outbox[0]
    assert not HealthTest.objects.exists()

    cut = cut_off_first_sync(page)
    go_online(page, context)
    expect(page.locator("#offline-state")).to_contain_text("1 contact waiting")
    assert cut and Encounter.objects.count() == 1
    page.get_by_role("button", name="Send now").tap()
    expect(page.locator("#offline-state")).to_contain_text("Nothing waiting to be sent.")
    check_page()

    encounter = Encounter.objects.get()
    assert encounter.client_id == robin.pk
    test = HealthTest.objects.get()
    assert (test.client_id, test.encounter_id) == (robin.pk, encounter.pk)
    assert (test.kind, test.result) == ("hiv", "non_reactive")
    prep = Prevention.objects.get()
    assert (prep.client_id, prep.encounter_id, prep.kind, prep.status) == (robin.pk, encounter.pk, "prep", "started")
    doses = set(Vaccination.objects.values_list("client", "encounter", "vaccine", "team_vaccine", "dose"))
    assert doses == {(robin.pk, encounter.pk, "hep_b", None, 2), (robin.pk, encounter.pk, "other", own.pk, 1)}

    # The person's page reads what arrived.
    page.goto(base + reverse("clients:detail", args=[robin.code]))
    check_page()
    section = page.locator("section", has=page.locator("#health-heading"))
    expect(section).to_contain_text("Non-reactive")
    expect(section).to_contain_text("Started")
    expect(section).to_contain_text("dose 2")
    expect(section.locator("li", has_text="Meningitis ACWY")).to_contain_text("dose 1")
