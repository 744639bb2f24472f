"""On a phone (360 px): a worker records three drug-checking results (a fentanyl strip, a
benzodiazepine strip and a spectrometer's reading typed in), each with what the person
expected and what was found, linked to no one (the default), and reads them back on the
team's drug-checking page as the page shows them."""

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from health.models import DrugCheck

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360  # the phone of tests/e2e/conftest.py


def record(page: Page, check_page: PageChecks, *, method: str, expected: str, strip: str = "", found: str = "",
           plans: str, words: str = "") -> None:  # fmt: skip
    page.get_by_label(method, exact=True).check()
    page.get_by_label("What the person expected").fill(expected)
    if strip:
        page.get_by_label("What the strip showed").select_option(label=strip)
    if found:
        page.get_by_label("What was found").fill(found)
    page.get_by_label(plans, exact=True).check()
    if words:
        page.get_by_label("In their words (optional)").fill(words)
    page.get_by_role("button", name="Save result").tap()
    expect(page.get_by_role("status").first).to_contain_text("Drug-checking result saved.")
    check_page()


def fits_the_phone(page: Page, rows: Locator) -> None:
    """Nothing wider than the screen: no sideways scrolling, every result inside it."""
    assert page.viewport_size is not None and page.viewport_size["width"] == WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    for index in range(rows.count()):
        box = rows.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, index


def test_a_worker_records_drug_checking_results_linked_to_no_one_and_reads_them_back(
    page: Page, check_page: PageChecks, live_server: LiveServer, worker: User
) -> None:
    sign_in(page, check_page, live_server.url, worker)
    page.get_by_role("link", name="Drug checking").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drug checking")
    check_page()
    results = page.locator("ul.drug-checks > li")
    expect(results).to_have_text(["No results yet."])
    # Linked to no one unless the person wants it: the code is empty and says so.
    expect(page.get_by_label("Person's code, only if they want it linked to them")).to_have_value("")
    expect(page.get_by_text("Leave it empty: by default this is not linked to anyone.")).to_be_visible()

    # A spectrometer without its reading is not saved: the page says what is missing.
    page.get_by_label("Spectrometer (result typed in)", exact=True).check()
    page.get_by_role("button", name="Save result").tap()
    expect(page.get_by_text("Type in what the spectrometer found.")).to_be_visible()
    check_page()
    assert not DrugCheck.objects.exists()

    record(page, check_page, method="Spectrometer (result typed in)", expected="cocaine",
           found="cocaine, levamisole", plans="Did not say")  # fmt: skip
    record(page, check_page, method="Benzodiazepine test strip", expected="heroin", strip="Not detected",
           plans="Kept their plans")  # fmt: skip
    record(page, check_page, method="Fentanyl test strip", expected="heroin", strip="Detected",
           plans="Changed their plans", words="Will use with a friend, and less")  # fmt: skip

    # Read back as the page shows them, newest first (all three today: in the order saved, last first).
    expect(results).to_have_count(3)
    fentanyl, benzo, spectrometer = (results.nth(index) for index in range(3))
    expect(fentanyl).to_contain_text("Fentanyl test strip")
    expect(fentanyl).to_contain_text("Expected: heroin")
    expect(fentanyl).to_contain_text("Detected")
    expect(fentanyl).to_contain_text("Changed their plans")
    expect(benzo).to_contain_text("Benzodiazepine test strip")
    expect(benzo).to_contain_text("Expected: heroin")
    expect(benzo).to_contain_text("Not detected")
    expect(benzo).to_contain_text("Kept their plans")
    expect(spectrometer).to_contain_text("Spectrometer (result typed in)")
    expect(spectrometer).to_contain_text("Expected: cocaine")
    expect(spectrometer).to_contain_text("cocaine, levamisole")
    expect(spectrometer).to_contain_text("Did not say")
    # None is linked to a person, on the page or where it is kept.
    expect(page.locator("ul.drug-checks").get_by_text("linked to a person")).to_have_count(0)
    assert list(DrugCheck.objects.order_by("created_at").values_list("method", "client_id")) == [
        ("spectrometer", None),
        ("benzo_strip", None),
        ("fentanyl_strip", None),
    ]
    fits_the_phone(page, results)

    # Reloaded, the same three results are there (and saving is not repeated).
    page.reload()
    check_page()
    expect(results).to_have_count(3)
    expect(results.nth(0)).to_contain_text("Fentanyl test strip")
    assert DrugCheck.objects.count() == 3
