"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Why these settings:
- No browser is ever downloaded (`playwright install` cannot reach its servers): Playwright
  drives the Chromium that apt installs at /usr/bin/chromium. Without it, every test marked
  `browser` is skipped with a reason that says how to get it, rather than failing.
- A phone: 360 x 740 CSS pixels, touch, device scale 1 (so screenshots are 360 px wide).
- Every page a test visits gets `check_page()`: axe-core finds no serious or critical
  accessibility violation, and the strict Content-Security-Policy blocked nothing. A test
  that visits a page and never checks it fails at teardown.
- Playwright's sync API marks an event loop as running in the test's thread, so Django's
  async-safety guard has to be told that the ORM calls in the test body are fine. A side
  effect: Django then keeps the test body's database connection apart from the one the
  test database was set up on, so `serialized_rollback` cannot restore migrated data, and
  `service_catalogue` puts the catalogue back instead.
- Browser tests run last. The live server needs a transactional database, whose flush after
  each test empties the catalogue that later non-transactional tests expect.
"""

import os
import re
from collections.abc import Generator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import BrowserContext, ConsoleMessage, Frame, Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from accounts.two_factor import requires_two_factor
from clients.models import ConsentKind
from encounters.catalogue import DEFAULT_SERVICE_TYPES
from encounters.models import ServiceType
from outcomes.instruments import sync_builtins
from outcomes.models import CheckIn, Instrument, InstrumentItem
from tests.factories import TEST_PASSWORD
from tests.totp import authenticator_for, code_for

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# From the data migration (its module name starts with a digit, so it is imported by name).
DEFAULT_CONSENT_KINDS = import_module(
    "clients.migrations.0003_fill_consent_kinds_and_search_names"
).DEFAULT_CONSENT_KINDS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
BLOCKING_IMPACTS = {"serious", "critical"}

# Runs in every document before the page's own scripts: keeps the CSP violations the
# browser reports, so a test can read them back after the page has loaded.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
  );
});
"""

NO_CHROMIUM = (
    f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing. Install Debian's Chromium with "
    "`apt-get install -y chromium` (never `playwright install`: browser downloads are unreachable)."
)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip before any fixture starts the live server or tries to launch the browser."""
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last, after pytest has grouped tests by session-scoped parameters.

    pytest-django puts transactional tests after the others, but pytest then groups tests
    that share a session-scoped parameter, and pytest-playwright gives `browser_name` to any
    test with an argument named `page`, `context` or `browser`: that can pull these tests in
    among ones that need the migrated catalogue their flush removes.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def service_catalogue(transactional_db: None) -> None:
    """The built-in service catalogue, kinds of consent and check-in instruments, as the data
    migrations fill them."""
    for slug, name, months, order in DEFAULT_CONSENT_KINDS:
        ConsentKind.objects.get_or_create(slug=slug, defaults={"name": name, "valid_months": months, "order": order})
    for slug, name, category, unit, counts_quantity, order in DEFAULT_SERVICE_TYPES:
        defaults = {
            "name": name,
            "category": category,
            "unit": unit,
            "counts_quantity": counts_quantity,
            "order": order,
        }
        ServiceType.objects.get_or_create(slug=slug, defaults=defaults)
    # The built-in check-in instruments (outcomes migration 0003).
    sync_builtins(Instrument, InstrumentItem, CheckIn)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Relative URLs in page.goto() go to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": PHONE,
        "screen": PHONE,
        "device_scale_factor": 1,
        "is_mobile": True,
        "has_touch": True,
        "locale": "en",
    }


SETTLE_TRANSITIONS = """() => Promise.all(document.getAnimations()
    .filter(a => Number.isFinite(a.effect?.getComputedTiming().endTime))
    .map(a => a.finished.catch(() => null)))"""


class PageChecks:
    """Accessibility and CSP checks for every page a test opens.

    Call it after each navigation (and after an htmx swap worth checking); the fixture's
    teardown fails the test if a page was loaded and never checked.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.axe = Axe()
        self.csp_console: list[str] = []
        self.visited: list[str] = []
        self.checked = 0
        page.add_init_script(script=CSP_LISTENER)
        page.on("console", self._on_console)
        page.on("framenavigated", self._on_navigated)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_console.append(message.text)

    def _on_navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame and not frame.url.startswith("about:"):
            self.visited.append(frame.url)

    def __call__(self) -> None:
        self.page.wait_for_load_state("load")
        url = self.page.url
        blocked = self.page.evaluate("window.__cspViolations || []") + self.csp_console
        self.csp_console = []
        assert blocked == [], f"Content-Security-Policy violations on {url}: {blocked}"
        # A button changing colour is mid-transition for 0.15 s after a tap; judge the colours
        # a person reads once it settles, not a frame of the fade.
        self.page.evaluate(SETTLE_TRANSITIONS)
        results = self.axe.run(self.page)
        serious = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        report = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']}: " + " | ".join(node["html"] for node in v["nodes"])
            for v in serious
        )
        assert serious == [], f"axe found serious or critical violations on {url}:\n{report}"
        self.checked = len(self.visited)

    def unchecked(self) -> list[str]:
        return self.visited[self.checked :]


@pytest.fixture
def check_page(page: Page, request: pytest.FixtureRequest) -> Generator[PageChecks]:
    checks = PageChecks(page)
    yield checks
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed:
        assert checks.unchecked() == [], f"pages visited but never checked: {checks.unchecked()}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Keep each phase's report on the item, so teardown knows whether the test passed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def context(new_context: Any) -> BrowserContext:
    context: BrowserContext = new_context()
    context.set_default_timeout(10_000)
    return context


# The sign-in pages' words in each language: (username, password, the button, code).
SIGN_IN_WORDS = {
    "en": ("Username", "Password", "Sign in", "Code"),
    "es": ("Nombre de usuario", "Contraseña", "Iniciar sesión", "Código"),
}


def sign_in(page: Page, check_page: PageChecks, base_url: str, user: User, language: str = "en") -> None:
    """Sign in through the real sign-in pages, as a worker would; users whose role needs
    two-factor sign-in type the code their authenticator app (tests/totp.py) shows.
    `language`: the language the pages are in (the browser's language cookie)."""
    username, password, button, code = SIGN_IN_WORDS[language]
    device = authenticator_for(user) if requires_two_factor(user) else None
    page.goto(base_url + reverse("accounts:sign_in"))
    check_page()
    page.get_by_label(username).fill(user.username)
    page.get_by_label(password).fill(TEST_PASSWORD)
    page.get_by_role("button", name=button).tap()
    if device is not None:
        page.wait_for_url(base_url + reverse("accounts:sign_in_code"))
        check_page()
        page.get_by_label(code).fill(code_for(device))
        page.get_by_role("button", name=button).tap()
    page.wait_for_url(base_url + reverse("core:home"))
    check_page()


def log_contact_address(base_url: str, before: str = "") -> re.Pattern[str]:
    """Log a contact's address: each page is one contact, its id in the address (?contact=)."""
    return re.compile(re.escape(f"{base_url}{reverse('encounters:log')}?{before}contact=") + "[0-9a-f-]{36}$")
