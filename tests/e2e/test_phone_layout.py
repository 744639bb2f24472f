"""Log a contact on a 360 x 740 phone: two screens, nothing jumps, at most 8 taps (issue 13).

A typical contact: a registered person from the recent list, two supplies with quantities,
the site, Save. The team has quick buttons, a full recent list (8 people), three sites; the
person has goals and open questionnaires, so every optional panel is drawn (closed).
"""

import time
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from encounters.models import Encounter, ServiceType, Site, TeamService
from tests.factories import ClientFactory, EncounterFactory, SiteFactory
from tests.goals.factories import GoalFactory

from .conftest import PageChecks, log_contact_address, sign_in
from .test_log_contact import NALOXONE, SYRINGES, one_more, person_option, stored_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_SCREENS = 1480
MOST_TAPS = 8
MOST_SHIFT = 0.1

# Every layout shift, from the page's first paint on. `__cls` is Cumulative Layout Shift as
# browsers report it (shifts within 500 ms of a tap are left out); `__shifted` counts those
# too, so panels that arrive just after the tap that chose a person still count.
LAYOUT_SHIFTS = """
window.__cls = 0;
window.__shifted = 0;
window.__moved = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__shifted += entry.value;
    if (!entry.hadRecentInput) { window.__cls += entry.value; }
    for (const source of entry.sources || []) {
      const node = source.node;
      const name = node ? `${node.nodeName}#${node.id || ""}.${node.className || ""}` : "?";
      window.__moved.push(`${entry.value.toFixed(3)} ${name} ${source.previousRect.y}->${source.currentRect.y}`);
    }
  }
}).observe({ type: "layout-shift", buffered: true });
"""


def late_script(route: Route) -> None:
    time.sleep(0.5)
    route.continue_()


class Thumb:
    """Taps the worker's thumb makes: `tap` is the only way the test touches the page."""

    def __init__(self) -> None:
        self.count = 0

    def tap(self, target: Locator, **options: Any) -> None:
        self.count += 1
        target.tap(**options)

    def choose(self, select: Locator, label: str) -> None:
        """A <select> on a phone: one tap opens the list, one tap picks."""
        self.count += 2
        select.select_option(label=label)


@pytest.fixture
def typical_day(worker: User, site: Site) -> dict[str, Any]:
    """A team's ordinary day: quick buttons, three sites, eight recent people, the person
    seen before at another site, with goals and questionnaires to offer."""
    team = site.team
    for order, slug in enumerate(["sterile-syringes", "naloxone-kit", "condoms", "used-equipment-returned"]):
        TeamService.objects.create(team=team, service_type=ServiceType.objects.get(slug=slug), order=order)
    other_site = SiteFactory.create(team=team, name="Van stop")
    SiteFactory.create(team=team, name="Drop-in")
    now = timezone.now()
    person = ClientFactory.create(home_team=team, preferred_name="Sasha", last_seen_at=now - timedelta(days=3))
    seen = now - timedelta(days=3)
    EncounterFactory.create(client=person, team=team, worker=worker, site=other_site, happened_at=seen)
    for days in range(1, 8):
        ClientFactory.create(home_team=team, last_seen_at=now - timedelta(days=days, hours=1))
    for words in ["Get my ID card back", "See a dentist"]:
        GoalFactory.create(client=person, words=words)
    return {"person": person, "site": site}


def test_a_typical_contact_fits_two_screens_nothing_jumps_and_takes_at_most_8_taps_from_home(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, typical_day: dict[str, Any]
) -> None:
    person, site = typical_day["person"], typical_day["site"]
    sign_in(page, check_page, live_server.url, worker)
    page.add_init_script(script=LAYOUT_SHIFTS)

    # The scripts arrive late, as on a slow connection: the page is drawn before they run, so
    # anything they would move counts.
    page.route("**/*.js", late_script)

    thumb = Thumb()
    thumb.tap(page.get_by_role("main").get_by_role("link", name="Log a contact"))
    expect(page).to_have_url(log_contact_address(live_server.url))
    check_page()
    thumb.tap(person_option(page, "Sasha"))
    # Not a tap: the panels drawn for Sasha (goals, check-in, referrals) arrive.
    page.wait_for_load_state("networkidle")
    expect(page.locator("#contact-goals-panel")).to_have_count(1)

    height = page.evaluate("document.documentElement.scrollHeight")
    open_panels = page.locator("form.log-form details[open]").count()
    shifts = page.evaluate("[window.__cls, window.__shifted, window.__moved]")
    assert open_panels == 0
    assert height <= TWO_SCREENS, f"Log a contact is {height} px tall with a person chosen"
    assert shifts[0] <= MOST_SHIFT, f"Cumulative Layout Shift {shifts[0]:.3f}: {shifts[2]}"
    assert shifts[1] <= MOST_SHIFT, f"the page moved by {shifts[1]:.3f} as the person's panels arrived: {shifts[2]}"

    for service, quantity in [(SYRINGES, 2), (NALOXONE, 1)]:
        for _ in range(quantity):
            thumb.tap(one_more(page, service))
    thumb.choose(page.get_by_label("Site"), site.name)
    check_page()
    thumb.tap(page.get_by_role("button", name="Save contact"))

    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    check_page()
    assert thumb.count <= MOST_TAPS, f"{thumb.count} taps for a typical contact from Home"
    encounter = Encounter.objects.filter(client=person).latest("created_at")
    assert (encounter.site_id, stored_services(encounter)) == (site.pk, {SYRINGES: 2, NALOXONE: 1})


def test_the_team_s_services_come_first_and_the_rest_are_one_tap_away(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User, typical_day: dict[str, Any]
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.goto(live_server.url + reverse("encounters:log"))
    check_page()
    quick = page.locator("fieldset.what-given > .services .stepper .form-label, fieldset.what-given > .services label")
    expect(quick).to_have_text(["Sterile syringes", "Naloxone kit", "Condoms", "Used equipment returned"])
    expect(page.get_by_role("spinbutton", name="Fentanyl test strips")).to_be_hidden()
    page.get_by_text("More services").tap()
    expect(page.get_by_role("spinbutton", name="Fentanyl test strips")).to_be_visible()
    check_page()
