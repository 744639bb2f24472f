"""A supervisor on a phone merges two records of one person, then undoes the merge."""

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from clients.models import Alias, Client, Merge
from encounters.models import Encounter
from tests.factories import ClientFactory, EncounterFactory

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 740}


def choices(page: Page, detail: str) -> Locator:
    """The two bordered choices (A's value, B's value) of one detail."""
    return page.get_by_role("group", name=detail).locator("label.merge-choice")


def test_supervisor_merges_two_records_and_undoes_the_merge(
    page: Page, check_page: PageChecks, live_server: LiveServer, supervisor: User, worker: User, team: Team
) -> None:
    kept = ClientFactory.create(home_team=team, preferred_name="Robin", year_of_birth=1990)
    other = ClientFactory.create(home_team=team, preferred_name="Robyn", year_of_birth=1991, pronouns="they/them")
    contact = EncounterFactory.create(client=other, team=team, worker=worker)
    alias = Alias.objects.create(client=other, name="Bee")
    sign_in(page, check_page, live_server.url, supervisor)

    page.goto(live_server.url + reverse("clients:detail", args=[kept.code]))
    check_page()
    page.get_by_label("Code of the other record").fill(other.code.lower())
    page.get_by_role("button", name="Merge into this record").tap()
    expect(page).to_have_url(live_server.url + reverse("clients:merge", args=[kept.code, other.code]))
    check_page()
    names = choices(page, "Name they use")
    expect(names).to_have_text([f"{kept.code} Robin", f"{other.code} Robyn"], use_inner_text=True)
    first, second = (names.nth(index).bounding_box() for index in (0, 1))
    assert first and second and second["y"] >= first["y"] + first["height"], "stacked on a phone"
    page.set_viewport_size(LAPTOP)
    first, second = (names.nth(index).bounding_box() for index in (0, 1))
    assert first and second and second["y"] == first["y"] and second["x"] > first["x"], "side by side on a laptop"
    page.set_viewport_size(PHONE)
    expect(page.get_by_text("Contacts", exact=True)).to_be_visible()

    names.nth(1).tap()
    choices(page, "Pronouns").nth(1).tap()
    page.get_by_role("button", name=f"Merge {other.code} into {kept.code}").tap()
    expect(page).to_have_url(live_server.url + reverse("clients:detail", args=[kept.code]))
    expect(page.get_by_role("status")).to_have_text(f"{other.code} is merged into {kept.code}.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Robyn")
    check_page()
    kept.refresh_from_db()
    assert (kept.preferred_name, kept.year_of_birth, kept.pronouns) == ("Robyn", 1990, "they/them")
    assert Encounter.objects.get(pk=contact.pk).client_id == kept.pk
    assert Client.objects.get(pk=other.pk).merged_into_id == kept.pk

    page.goto(live_server.url + reverse("clients:detail", args=[other.code]))
    expect(page).to_have_url(live_server.url + reverse("clients:detail", args=[kept.code]))
    check_page()

    page.get_by_role("button", name=f"Undo merge {other.code}").tap()
    expect(page.get_by_role("status")).to_have_text(f"The merge is undone: {other.code} has its own record again.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin")
    expect(page.get_by_role("button", name=f"Undo merge {other.code}")).to_have_count(0)
    check_page()
    kept.refresh_from_db()
    assert (kept.preferred_name, kept.pronouns) == ("Robin", "")
    assert Encounter.objects.get(pk=contact.pk).client_id == other.pk
    assert Alias.objects.get(pk=alias.pk).client_id == other.pk
    assert not Alias.objects.filter(client=kept).exists()  # "Robin", made an alias by the merge, went with the undo
    assert Client.objects.get(pk=other.pk).merged_into_id is None
    assert Merge.objects.get().undone_by_id == supervisor.pk

    page.goto(live_server.url + reverse("clients:detail", args=[other.code]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Robyn")
    check_page()
