"""Logging contacts without signal (issue 15), in Debian's Chromium with the context offline.

Each test turns offline use on as a worker does (Home → Offline use, a PIN), then works with
the browser context offline (Playwright's set_offline) and checks what the server stored.
"""

import time
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Alias, Client, SafetyFlag
from encounters.models import Encounter, Referral, Site
from offline.models import Device
from tests.factories import ClientFactory

from .conftest import PageChecks, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIN = "246813"
NOTE = "Talked about the winter shelter."


@pytest.fixture
def robin(worker: User, team: Team) -> Client:
    """A person of the worker's team, seen lately, with an alias and a safety flag."""
    person = ClientFactory.create(home_team=team, preferred_name="Robin", last_seen_at=timezone.now())
    Alias.objects.create(client=person, name="Birdie")
    SafetyFlag.objects.create(client=person, text="Meet in pairs")
    return person


def turn_on(page: Page, check_page: PageChecks, base: str, worker: User) -> None:
    sign_in(page, check_page, base, worker)
    page.goto(base + reverse("offline:home"))
    check_page()
    page.get_by_label("Choose an offline PIN").fill(PIN)
    page.get_by_label("The same PIN again").fill(PIN)
    page.get_by_role("button", name="Turn on offline use").tap()
    expect(page.get_by_text("Offline use is on for this browser.")).to_be_visible(timeout=30_000)
    check_page()


def open_offline_log(page: Page, check_page: PageChecks, base: str) -> None:
    """Log a contact while offline: the service worker serves the offline page."""
    page.goto(base + reverse("encounters:log"))
    expect(page.get_by_label("Offline PIN")).to_be_visible()
    check_page()


def unlock(page: Page, pin: str = PIN) -> None:
    page.get_by_label("Offline PIN").fill(pin)
    page.get_by_role("button", name="Unlock").tap()


def save(page: Page) -> None:
    page.get_by_role("button", name="Save contact").tap()
    expect(page.get_by_text("Saved on this phone.")).to_be_visible()


def log_three(page: Page, robin: Client) -> None:
    """A cached person, an anonymous group, and a contact with a referral."""
    page.locator("label.picker-option", has_text="Robin").tap()
    expect(page.locator("#offline-flags")).to_contain_text("Meet in pairs")
    page.get_by_role("button", name="One more: Sterile syringes").tap()
    page.get_by_label("Note (optional)").fill(NOTE)
    save(page)
    page.locator("label.picker-option", has_text="Anonymous contact").tap()
    page.get_by_label("How many people", exact=True).fill("3")
    page.get_by_role("button", name="One more: Sterile syringes").tap()
    save(page)
    page.get_by_label("Find by code or name").fill("birdie")  # by alias
    page.locator("label.picker-option", has_text="Robin").tap()
    page.get_by_text("Make a referral").tap()
    page.get_by_label("Referred to").select_option("housing")
    save(page)


def idb_dump(page: Page) -> str:
    """Everything this origin keeps in IndexedDB and the Cache Storage, as text."""
    return str(
        page.evaluate(
            """async () => {
        const out = [];
        for (const info of await indexedDB.databases()) {
          const db = await new Promise((ok, no) => {
            const r = indexedDB.open(info.name);
            r.onsuccess = () => ok(r.result);
            r.onerror = () => no(r.error);
          });
          for (const name of db.objectStoreNames) {
            const rows = await new Promise((ok) => {
              const r = db.transaction(name).objectStore(name).getAll();
              r.onsuccess = () => ok(r.result);
            });
            out.push(name + ":" + JSON.stringify(rows));
          }
          db.close();
        }
        for (const name of await caches.keys()) {
          const cache = await caches.open(name);
          for (const request of await cache.keys()) {
            out.push(request.url + ":" + await (await cache.match(request)).text());
          }
        }
        return out.join("\\n");
    }"""
        )
    )


def waiting_banner(page: Page, count: int) -> None:
    expect(page.locator("#offline-state")).to_contain_text(f"{count} contact" + ("s" if count != 1 else ""))


def test_three_contacts_logged_offline_survive_a_closed_tab_and_are_stored_once_each(
    page: Page,
    context: BrowserContext,
    check_page: PageChecks,
    live_server: LiveServer,
    worker: User,
    robin: Client,
    site: Site,
) -> None:
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)
    log_three(page, robin)
    waiting_banner(page, 3)
    check_page()

    # Nothing readable at rest: no note, alias, name or code in IndexedDB or the Cache Storage.
    stored = idb_dump(page)
    assert "outbox" in stored and "people" in stored
    for secret in (NOTE, "Birdie", "Robin", robin.code, "Meet in pairs"):
        assert secret not in stored

    # The tab closes; the phone restarts the browser page: nothing lost, locked until the PIN.
    page.close()
    page = context.new_page()
    check_page.__init__(page)  # type: ignore[misc]
    open_offline_log(page, check_page, base)
    waiting_banner(page, 3)
    unlock(page)
    expect(page.locator(".outbox-item")).to_have_count(3)
    expect(page.locator(".outbox-item").first).to_contain_text("Robin")

    # The signal returns, and the first sync's answer is cut off halfway: the server stored
    # the contacts, the phone never heard. The next sync answers "duplicate": still 3.
    cut = cut_off_first_sync(page)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#offline-state")).to_contain_text("3 contacts waiting")
    assert cut and Encounter.objects.count() == 3
    page.get_by_role("button", name="Send now").tap()
    expect(page.locator("#offline-state")).to_contain_text("Nothing waiting to be sent.")
    check_page()

    stored_contacts = Encounter.objects.order_by("happened_at", "created_at")
    assert stored_contacts.count() == 3
    assert set(stored_contacts.values_list("worker_id", flat=True)) == {worker.pk}
    named = Encounter.objects.filter(client=robin)
    assert named.count() == 2 and named.filter(note=NOTE).count() == 1
    group = Encounter.objects.get(client__isnull=True)
    assert group.head_count == 3
    assert Referral.objects.get().client_id == robin.pk
    assert Device.objects.get().last_sync_at is not None
    # Robin was chosen twice offline: two views in the audit trail, though sent twice.
    viewed = AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_VIEWED_OFFLINE, client_id=robin.pk)
    assert viewed.count() == 2


def queue_one(page: Page, name: str) -> None:
    page.locator("label.picker-option", has_text=name).tap()
    page.get_by_role("button", name="One more: Sterile syringes").tap()
    save(page)


def cut_off_first_sync(page: Page) -> list[str]:
    """The first sync's answer is cut off halfway: the server stores what was sent, the phone
    never hears. Later syncs go through. The list gets the cut request's address."""
    cut: list[str] = []

    def cut_off(route: Route) -> None:
        if not cut:
            cut.append(route.request.url)
            route.fetch()  # the server stores it...
            route.abort("connectionreset")  # ...and the answer never arrives
        else:
            route.continue_()

    page.route("**/sync/", cut_off)
    return cut


def go_online(page: Page, context: BrowserContext) -> None:
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def test_a_contact_for_a_person_merged_meanwhile_comes_back_as_a_conflict_the_worker_resolves(
    page: Page,
    context: BrowserContext,
    check_page: PageChecks,
    live_server: LiveServer,
    worker: User,
    supervisor: User,
    robin: Client,
    team: Team,
) -> None:
    from clients.services.merge import merge_clients

    kept = ClientFactory.create(home_team=team, preferred_name="Sam", last_seen_at=timezone.now())
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)
    queue_one(page, "Robin")
    merge_clients(actor=supervisor, survivor=kept, merged=robin, field_choices={})

    go_online(page, context)

    answer = page.locator(".outbox-answer")
    expect(answer).to_contain_text("merged into another record")
    check_page()
    assert Encounter.objects.count() == 0
    page.get_by_role("button", name=f"Save it for {kept.code}").tap()
    expect(page.locator("#offline-state")).to_contain_text("Nothing waiting to be sent.")
    assert list(Encounter.objects.values_list("client_id", flat=True)) == [kept.pk]


def test_a_session_that_expired_keeps_the_outbox_until_the_worker_signs_in_again(
    page: Page, context: BrowserContext, check_page: PageChecks, live_server: LiveServer, worker: User, robin: Client
) -> None:
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)
    queue_one(page, "Robin")
    context.clear_cookies()  # the session ended while the phone was offline

    go_online(page, context)

    expect(page.get_by_text("Sign in again to send what is waiting.")).to_be_visible()
    waiting_banner(page, 1)
    check_page()
    assert Encounter.objects.count() == 0
    sign_in(page, check_page, base, worker)  # the home page sends what waits
    wait_for(lambda: Encounter.objects.count() == 1)
    assert Encounter.objects.get().client_id == robin.pk


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the phone did not send what was waiting"
        time.sleep(0.2)


def test_five_wrong_pins_wipe_what_is_readable_and_the_queued_contacts_still_arrive_at_the_next_sign_in(
    page: Page, context: BrowserContext, check_page: PageChecks, live_server: LiveServer, worker: User, robin: Client
) -> None:
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)
    queue_one(page, "Robin")
    page.reload()  # locked again
    check_page()
    for tries_left in (4, 3, 2, 1):
        unlock(page, "0000")
        expect(page.get_by_text(f"{tries_left} tries left")).to_be_visible()
    unlock(page, "0000")

    expect(page.get_by_text("5 wrong PINs: what this phone could read was wiped.")).to_be_visible()
    expect(page.get_by_label("Offline PIN")).to_be_hidden()
    check_page()
    stored = idb_dump(page)
    assert '"wrapped"' not in stored and '"box"' not in stored and "people:[]" in stored
    assert '"sealed"' in stored  # the queued contact, sealed to the server
    page.reload()
    unlock_form = page.locator("#offline-unlock")
    expect(unlock_form).to_be_hidden()
    check_page()

    context.clear_cookies()
    context.set_offline(False)
    sign_in(page, check_page, base, worker)
    wait_for(lambda: Encounter.objects.count() == 1)
    assert Encounter.objects.get().client_id == robin.pk


def test_a_revoked_device_is_wiped_at_its_next_connection(
    page: Page, context: BrowserContext, check_page: PageChecks, live_server: LiveServer, worker: User, robin: Client
) -> None:
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)
    Device.objects.update(revoked_at=timezone.now())  # revoked from another device meanwhile

    go_online(page, context)

    expect(page.get_by_text("Offline use was revoked for this device")).to_be_visible()
    expect(page.locator("#offline-form")).to_be_hidden()
    check_page()
    stored = idb_dump(page)
    assert '"wrapped"' not in stored and "people:[]" in stored
    assert robin.code not in stored


def test_signing_out_wipes_what_is_readable_and_keeps_the_sealed_outbox(
    page: Page, context: BrowserContext, check_page: PageChecks, live_server: LiveServer, worker: User, robin: Client
) -> None:
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)
    queue_one(page, "Robin")
    context.set_offline(False)
    page.route("**/sync/", lambda route: route.abort())  # still no signal for the sync itself
    page.goto(base + reverse("core:home"))
    check_page()

    page.get_by_role("button", name="Sign out").tap()
    page.wait_for_url(base + reverse("accounts:sign_in"))
    check_page()

    stored = idb_dump(page)
    assert '"wrapped"' not in stored and '"box"' not in stored and '"sealed"' in stored
    page.unroute("**/sync/")
    sign_in(page, check_page, base, worker)
    wait_for(lambda: Encounter.objects.count() == 1)


def test_saving_on_the_live_page_without_signal_loses_nothing(
    page: Page, context: BrowserContext, check_page: PageChecks, live_server: LiveServer, worker: User, robin: Client
) -> None:
    """The issue's first complaint: Save without a connection showed "No internet" and lost
    everything typed. Now the service worker keeps the fields and serves the offline page."""
    base = live_server.url
    turn_on(page, check_page, base, worker)
    page.goto(base + reverse("encounters:log"))
    check_page()
    contact_id = page.locator(".log-form input[name='id']").input_value()
    page.locator("label.picker-option", has_text="Robin").tap()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="One more: Sterile syringes").tap()
    page.get_by_label("Note (optional)").fill(NOTE)
    context.set_offline(True)

    page.get_by_role("button", name="Save contact").tap()

    expect(page.get_by_label("Offline PIN")).to_be_visible()
    check_page()
    unlock(page)
    expect(page.get_by_text("nothing you typed was lost")).to_be_visible()
    expect(page.get_by_label("Note (optional)")).to_have_value(NOTE)
    expect(page.locator(f"#offline-form input[name='who'][value='{robin.code}']")).to_be_checked()
    check_page()
    save(page)
    go_online(page, context)
    expect(page.locator("#offline-state")).to_contain_text("Nothing waiting to be sent.")
    stored = Encounter.objects.get()
    assert (str(stored.pk), stored.client_id, stored.note) == (contact_id, robin.pk, NOTE)
    assert dict(stored.services.values_list("service_type__name", "quantity")) == {"Sterile syringes": 1}


SET_LAST_SYNC = """(hoursAgo) => new Promise((ok, no) => {
  const open = indexedDB.open("alongside-offline");
  open.onsuccess = () => {
    const transaction = open.result.transaction("meta", "readwrite");
    const store = transaction.objectStore("meta");
    const read = store.get("state");
    read.onsuccess = () => {
      read.result.lastSync = Date.now() - hoursAgo * 3600 * 1000;
      store.put(read.result, "state");
    };
    transaction.oncomplete = () => { open.result.close(); ok(); };
    transaction.onerror = () => no(transaction.error);
  };
})"""


def test_the_phone_warns_an_hour_before_the_time_wipe_and_wipes_12_hours_after_the_last_sync(
    page: Page, context: BrowserContext, check_page: PageChecks, live_server: LiveServer, worker: User, robin: Client
) -> None:
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)
    queue_one(page, "Robin")

    page.evaluate(SET_LAST_SYNC, 11.5)
    page.reload()
    expect(page.get_by_text("Connect within the hour")).to_be_visible()
    check_page()
    page.evaluate(SET_LAST_SYNC, 12.1)
    page.reload()

    expect(page.get_by_text("It was too long since the last sync")).to_be_visible()
    expect(page.get_by_label("Offline PIN")).to_be_hidden()
    check_page()
    stored = idb_dump(page)
    assert '"wrapped"' not in stored and '"box"' not in stored and '"sealed"' in stored
    go_online(page, context)  # still signed in: the sealed contact is sent
    expect(page.locator("#offline-state")).to_contain_text("Nothing waiting to be sent.")
    assert Encounter.objects.get().client_id == robin.pk


def test_the_worker_deletes_a_queued_contact_before_it_is_sent_and_a_sync_sent_twice_stores_once(
    page: Page, context: BrowserContext, check_page: PageChecks, live_server: LiveServer, worker: User, robin: Client
) -> None:
    base = live_server.url
    turn_on(page, check_page, base, worker)
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)
    queue_one(page, "Robin")
    page.locator("label.picker-option", has_text="Anonymous contact").tap()
    page.get_by_role("button", name="One more: Sterile syringes").tap()
    save(page)
    waiting_banner(page, 2)
    anonymous = page.locator(".outbox-item", has_text="Anonymous contact")
    anonymous.get_by_role("button", name="Delete").tap()
    anonymous.get_by_role("button", name="Tap again to delete").tap()
    waiting_banner(page, 1)
    check_page()

    # The network repeats the sync request: the server gets it twice, the phone one answer.
    def twice(route: Route) -> None:
        route.fetch()
        route.fulfill(response=route.fetch())

    page.route("**/sync/", twice)
    go_online(page, context)

    expect(page.locator("#offline-state")).to_contain_text("Nothing waiting to be sent.")
    assert list(Encounter.objects.values_list("client_id", flat=True)) == [robin.pk]


def test_the_page_locks_after_15_minutes_without_use(
    page: Page, context: BrowserContext, check_page: PageChecks, live_server: LiveServer, worker: User, robin: Client
) -> None:
    base = live_server.url
    turn_on(page, check_page, base, worker)
    page.clock.install()
    context.set_offline(True)
    open_offline_log(page, check_page, base)
    unlock(page)
    expect(page.locator("#offline-form")).to_be_visible()
    # A key press is use: the 15 minutes count from here, not from whenever the unlock's last
    # step ran (a slow machine may finish it after the clock has already moved).
    page.keyboard.press("Shift")
    page.clock.fast_forward("14:00")
    expect(page.locator("#offline-form")).to_be_visible()
    page.clock.fast_forward("01:05")

    expect(page.get_by_text("Locked. Enter your offline PIN to go on.")).to_be_visible()
    expect(page.locator("#offline-form")).to_be_hidden()
    expect(page.get_by_label("Offline PIN")).to_be_visible()
    check_page()
