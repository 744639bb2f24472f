import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, OverdoseResponse, Referral, ServiceProvided, ServiceType, Site, TeamService
from encounters.services import overdose
from tests.factories import ClientFactory, ServiceTypeFactory, SiteFactory

pytestmark = pytest.mark.django_db

URL = reverse("encounters:log")


def contact(who: str, site: Site | None, **extra: str) -> dict[str, str]:
    data = {
        "id": str(uuid.uuid4()),
        "who": who,
        "head_count": "1",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk) if site else "",
        "kind": "street",
    }
    return {**data, **extra}


def test_log_a_contact_with_services(worker_client: HttpClient, worker: User, person: Client, site: Site) -> None:
    data = contact(person.code, site, **{"service_sterile-syringes": "10", "service_naloxone-kit": "2"})
    response = worker_client.post(URL, data)
    encounter = Encounter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("encounters:detail", args=[encounter.pk])
    assert str(encounter.pk) == data["id"]
    ids = (encounter.client_id, encounter.worker_id, encounter.team_id, encounter.site_id)
    assert ids == (person.pk, worker.pk, person.home_team_id, site.pk)
    given = dict(encounter.services.values_list("service_type__slug", "quantity"))
    assert given == {"sterile-syringes": 10, "naloxone-kit": 2}
    person.refresh_from_db()
    assert person.last_seen_at == encounter.happened_at
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENCOUNTER_CREATED)
    assert (event.object_id, event.client_id, event.actor_id) == (str(encounter.pk), person.pk, worker.pk)


def test_an_anonymous_contact_keeps_its_head_count(worker_client: HttpClient, team: Team, site: Site) -> None:
    worker_client.post(URL, contact("anonymous", site, head_count="4", **{"service_condoms": "12"}))
    encounter = Encounter.objects.get()
    assert encounter.client is None
    assert encounter.head_count == 4
    assert encounter.team_id == team.pk
    assert AuditEvent.objects.get(action=AuditEvent.Action.ENCOUNTER_CREATED).client_id is None


def test_a_named_person_always_counts_as_one(worker_client: HttpClient, person: Client, site: Site) -> None:
    worker_client.post(URL, contact(person.code, site, head_count="5"))
    assert Encounter.objects.get().head_count == 1


def test_posting_the_same_contact_twice_stores_it_once(worker_client: HttpClient, person: Client, site: Site) -> None:
    data = contact(person.code, site, **{"service_sterile-syringes": "10"})
    first = worker_client.post(URL, data)
    second = worker_client.post(URL, data)
    assert Encounter.objects.count() == 1
    assert ServiceProvided.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CREATED).count() == 1
    confirmation = worker_client.get(second["Location"])
    assert "Contact saved." in confirmation.content.decode()


def test_someone_elses_contact_id_is_not_found(
    client: HttpClient, supervisor: User, person: Client, site: Site, worker_client: HttpClient
) -> None:
    data = contact(person.code, site)
    worker_client.post(URL, data)
    client.force_login(supervisor)
    response = client.post(URL, data)
    assert response.status_code == 404
    assert Encounter.objects.count() == 1


def test_another_teams_contact_id_is_not_found_and_changes_nothing(
    client: HttpClient, outsider: User, person: Client, site: Site, worker_client: HttpClient, other_team: Team
) -> None:
    """An adversary in another team who learns a contact's id (from a shared phone, a log)
    and sends their own contact with it: the row is out of their scope (row-level security
    hides it from the lookup too), so the answer is the one 404, never a server error, and
    the stored contact is untouched."""
    data = contact(person.code, site, note="Asked about housing")
    worker_client.post(URL, data)
    stranger = ClientFactory.create(home_team=other_team)
    theirs = SiteFactory.create(team=other_team)
    client.force_login(outsider)
    response = client.post(URL, {**contact(stranger.code, theirs), "id": data["id"]})
    assert response.status_code == 404
    stored = Encounter.objects.get()
    assert (stored.client_id, stored.note) == (person.pk, "Asked about housing")


def test_a_person_of_another_team_cannot_be_chosen(worker_client: HttpClient, other_team: Team, site: Site) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    response = worker_client.post(URL, contact(stranger.code, site))
    assert response.status_code == 200
    assert "Choose a person from the list" in response.content.decode()
    assert Encounter.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"service_sterile-syringes": "1000"}, "less than or equal to 999"),
        ({"service_sterile-syringes": "-1"}, "greater than or equal to 0"),
        ({"head_count": "0"}, "greater than or equal to 1"),
        ({"happened_at": "2999-01-01T10:00"}, "cannot be in the future"),
        ({"happened_at": "yesterday"}, "Enter a valid date/time"),
        ({"who": ""}, "Choose a person, or Anonymous"),
    ],
    ids=["too-many", "negative", "nobody", "future", "not-a-date", "no-one-chosen"],
)
def test_bad_input_keeps_what_was_typed_and_stores_nothing(
    worker_client: HttpClient, site: Site, extra: dict[str, str], message: str
) -> None:
    data = {**contact("anonymous", site, **{"service_condoms": "7"}), **extra}
    response = worker_client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert Encounter.objects.count() == 0
    form = response.context["form"]
    assert form["service_condoms"].value() == "7"
    assert str(form["id"].value()) == data["id"]


def test_a_site_of_another_team_is_refused(worker_client: HttpClient, person: Client, other_team: Team) -> None:
    elsewhere = SiteFactory.create(team=other_team)
    response = worker_client.post(URL, {**contact(person.code, None), "site": str(elsewhere.pk)})
    assert response.status_code == 200
    assert Encounter.objects.count() == 0


def test_the_form_starts_with_now_the_last_site_and_a_fresh_id(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    worker_client.post(URL, contact(person.code, site))
    first = worker_client.get(URL).context["form"]
    second = worker_client.get(URL).context["form"]
    assert first.initial["site"] == site.pk
    assert first.initial["id"] != second.initial["id"]
    assert abs(first.initial["happened_at"] - timezone.now()) < timedelta(minutes=2)


def test_opening_from_a_persons_page_preselects_them(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.get(URL, {"person": person.code})
    assert response.context["chosen_code"] == person.code
    assert f'value="{person.code}"\n                               checked' in response.content.decode() or (
        f'id="who-{person.code}"' in response.content.decode()
    )


def test_recent_people_are_offered_first(worker_client: HttpClient, team: Team) -> None:
    recent = ClientFactory.create(home_team=team, last_seen_at=timezone.now())
    ClientFactory.create(home_team=team, last_seen_at=None)
    response = worker_client.get(URL)
    assert response.context["options"][0] == recent


def test_finding_a_person_keeps_everything_typed(worker_client: HttpClient, person: Client, site: Site) -> None:
    data = contact("anonymous", site, **{"service_condoms": "3"}, q="Rob", find="1")
    response = worker_client.post(URL, data)
    assert response.status_code == 200
    assert response.context["options"][0] == person
    assert response.context["form"]["service_condoms"].value() == "3"
    assert Encounter.objects.count() == 0


def test_htmx_find_returns_only_the_picker(worker_client: HttpClient, person: Client, site: Site) -> None:
    data = contact("", site, q="Rob", find="1")
    response = worker_client.post(URL, data, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="picker"')
    assert person.code in page


def test_every_active_service_type_is_offered_in_order(worker_client: HttpClient) -> None:
    ServiceType.objects.filter(slug="condoms").update(is_active=False)
    form = worker_client.get(URL).context["form"]
    offered = [service_type.slug for service_type, _field in form.service_fields()]
    assert "condoms" not in offered
    assert offered[:3] == ["sterile-syringes", "needles", "naloxone-kit"]


# --- Quick buttons, More services, anonymous details, note -----------------------------


def quick_slugs(response: Any) -> list[str]:
    return [service_type.slug for service_type, _field in response.context["form"].quick_fields()]


def more_slugs(response: Any) -> list[str]:
    return [service_type.slug for service_type, _field in response.context["form"].more_fields()]


def test_the_teams_quick_buttons_come_first_in_the_teams_order(worker_client: HttpClient, team: Team) -> None:
    for order, slug in enumerate(["condoms", "naloxone-kit", "used-equipment-returned"]):
        TeamService.objects.create(team=team, service_type=ServiceType.objects.get(slug=slug), order=order)
    response = worker_client.get(URL)
    assert quick_slugs(response) == ["condoms", "naloxone-kit", "used-equipment-returned"]
    assert more_slugs(response)[:2] == ["sterile-syringes", "needles"]
    assert "condoms" not in more_slugs(response)


def test_another_teams_quick_buttons_are_not_ours(worker_client: HttpClient, other_team: Team) -> None:
    TeamService.objects.create(team=other_team, service_type=ServiceType.objects.get(slug="condoms"))
    assert "condoms" not in quick_slugs(worker_client.get(URL))


def test_without_quick_buttons_the_first_six_services_are_quick(worker_client: HttpClient) -> None:
    response = worker_client.get(URL)
    active = list(ServiceType.objects.filter(is_active=True).values_list("slug", flat=True))
    assert quick_slugs(response) == active[:6]
    assert more_slugs(response) == active[6:]
    page = response.content.decode()
    assert "<details" in page
    assert "More services" in page


def test_a_quick_button_out_of_use_is_not_offered(worker_client: HttpClient, team: Team) -> None:
    condoms = ServiceType.objects.get(slug="condoms")
    TeamService.objects.create(team=team, service_type=condoms, order=1)
    TeamService.objects.create(team=team, service_type=ServiceType.objects.get(slug="needles"), order=2)
    condoms.is_active = False
    condoms.save()
    response = worker_client.get(URL)
    assert quick_slugs(response) == ["needles"]
    assert "condoms" not in more_slugs(response)


def test_used_equipment_returned_is_offered_and_counted(worker_client: HttpClient, person: Client, site: Site) -> None:
    response = worker_client.get(URL)
    assert "used-equipment-returned" in quick_slugs(response) + more_slugs(response)
    assert "Used equipment returned" in response.content.decode()
    worker_client.post(URL, contact(person.code, site, **{"service_used-equipment-returned": "40"}))
    given = Encounter.objects.get().services.select_related("service_type").get()
    assert (given.service_type.slug, given.quantity) == ("used-equipment-returned", 40)


def test_more_services_opens_when_one_of_them_has_a_value(worker_client: HttpClient, site: Site) -> None:
    data = contact("anonymous", site, head_count="0", **{"service_food-or-water": "1"})
    page = worker_client.post(URL, data).content.decode()
    assert re.search(r'<details class="mt-3 more-services"\s+open>', page)


def test_a_service_counted_yes_or_no_is_a_tick(worker_client: HttpClient, person: Client, site: Site) -> None:
    page = worker_client.get(URL).content.decode()
    tag = page[page.rindex("<input", 0, page.index('name="service_hiv-test"')) :].split(">")[0]
    assert 'type="checkbox"' in tag
    worker_client.post(URL, contact(person.code, site, **{"service_hiv-test": "1"}))
    assert Encounter.objects.get().services.values_list("service_type__slug", flat=True).get() == "hiv-test"


def test_an_anonymous_group_keeps_its_rough_age_and_gender(worker_client: HttpClient, site: Site) -> None:
    data = contact("anonymous", site, head_count="3", age_band="25_34", gender="woman", note="Met by the river.")
    worker_client.post(URL, data)
    encounter = Encounter.objects.get()
    assert (encounter.head_count, encounter.age_band, encounter.gender) == (3, "25_34", "woman")
    assert encounter.note == "Met by the river."


def test_a_registered_person_gets_no_age_band_or_gender_on_the_contact(
    worker_client: HttpClient, person: Client, site: Site
) -> None:
    worker_client.post(URL, contact(person.code, site, head_count="", age_band="25_34", gender="man"))
    encounter = Encounter.objects.get()
    assert (encounter.head_count, encounter.age_band, encounter.gender) == (1, "", "")


def test_an_anonymous_contact_needs_a_head_count(worker_client: HttpClient, site: Site) -> None:
    response = worker_client.post(URL, contact("anonymous", site, head_count=""))
    assert "Say how many people were at this contact." in response.content.decode()
    assert Encounter.objects.count() == 0


def test_the_note_says_who_can_read_it(worker_client: HttpClient) -> None:
    assert "The team can read this. Stick to facts that help the person." in worker_client.get(URL).content.decode()


def test_the_page_s_id_comes_from_its_address_and_a_redraw_keeps_it(worker_client: HttpClient, site: Site) -> None:
    """Back, reload and the history bring the page's address, and with it the same id."""
    kept = uuid.uuid4()
    assert f'value="{kept}"' in worker_client.get(f"{URL}?contact={kept}").content.decode()
    fresh = worker_client.get(URL).content.decode()  # alongside.js writes it into the address
    assert re.search(r'name="id" value="[0-9a-f-]{36}"', fresh)
    data = contact("anonymous", site, head_count="0")
    page = worker_client.post(URL, data).content.decode()
    assert f'value="{data["id"]}"' in page


def test_the_address_of_a_contact_already_saved_shows_it_as_saved(
    worker_client: HttpClient, person: Client, site: Site
) -> None:
    data = contact(person.code, site)
    worker_client.post(URL, data)
    page = worker_client.get(f"{URL}?contact={data['id']}").content.decode()
    assert "Contact already saved" in page
    assert 'name="save"' not in page  # no form to send twice
    assert Encounter.objects.count() == 1


# --- Bad input: refused with a clear message, what was typed kept, nothing stored --------


def test_a_quantity_over_a_thousand_is_refused(worker_client: HttpClient, person: Client, site: Site) -> None:
    data = contact(person.code, site, **{"service_condoms": "1001", "service_needles": "4"})
    response = worker_client.post(URL, data)
    assert "less than or equal to 999" in response.content.decode()
    assert response.context["form"]["service_needles"].value() == "4"
    assert Encounter.objects.count() == 0


def test_a_service_not_offered_to_the_team_is_refused(worker_client: HttpClient, person: Client, site: Site) -> None:
    ServiceTypeFactory.create(slug="sharps-bin", name="Sharps bin", is_active=False)
    data = contact(
        person.code, site, note="Asked about housing.", **{"service_sharps-bin": "2", "service_condoms": "5"}
    )
    response = worker_client.post(URL, data)
    page = response.content.decode()
    assert "This service is not offered to your team" in page
    assert "Sharps bin" in page
    assert response.context["form"]["service_condoms"].value() == "5"
    assert response.context["form"]["note"].value() == "Asked about housing."
    assert Encounter.objects.count() == 0


def test_an_unknown_service_left_at_zero_is_no_problem(worker_client: HttpClient, person: Client, site: Site) -> None:
    worker_client.post(URL, contact(person.code, site, **{"service_gone": "0"}))
    assert Encounter.objects.count() == 1


# --- Referrals and overdose response inside the form ----------------------------------


def open_referral(person: Client, worker: User, **fields: Any) -> Referral:
    values = {"to": Referral.To.HOUSING, "status": Referral.Status.MADE, "partner": "Casa Abierta", **fields}
    return Referral.objects.create(client=person, team=person.home_team, created_by=worker, **values)


def test_a_referral_made_at_the_contact_is_linked_to_it(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    follow_up = (timezone.localdate() + timedelta(days=7)).isoformat()
    data = contact(
        person.code,
        site,
        **{"referral-to": "treatment", "referral-partner": "Clinic on 5th", "referral-follow_up_on": follow_up},
    )
    response = worker_client.post(URL, data)
    encounter = Encounter.objects.get()
    assert response["Location"] == reverse("encounters:detail", args=[encounter.pk])
    referral = Referral.objects.get()
    stored = (referral.encounter_id, referral.client_id, referral.team_id, referral.created_by_id)
    assert stored == (encounter.pk, person.pk, person.home_team_id, worker.pk)
    assert (referral.to, referral.partner, referral.status) == ("treatment", "Clinic on 5th", "made")
    assert referral.follow_up_on == date.fromisoformat(follow_up)
    assert referral.updates.get().encounter_id == encounter.pk
    event = AuditEvent.objects.get(action=AuditEvent.Action.REFERRAL_MADE)
    assert (event.client_id, event.object_id) == (person.pk, str(referral.pk))


def test_a_suggested_referral_stays_suggested(worker_client: HttpClient, person: Client, site: Site) -> None:
    worker_client.post(URL, contact(person.code, site, **{"referral-to": "housing", "referral-status": "suggested"}))
    assert Referral.objects.get().status == Referral.Status.SUGGESTED


def test_an_open_referral_is_marked_attended_from_a_later_contact(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    referral = open_referral(person, worker, follow_up_on=timezone.localdate())
    page = worker_client.get(URL, {"person": person.code}).content.decode()
    assert "Their open referral (1)" in page
    assert "Casa Abierta" in page
    worker_client.post(URL, contact(person.code, site, **{f"update-{referral.pk}-status": "attended"}))
    encounter = Encounter.objects.get()
    referral.refresh_from_db()
    assert (referral.status, referral.follow_up_on) == ("attended", None)
    update = referral.updates.get()
    assert (update.status, update.encounter_id) == ("attended", encounter.pk)
    event = AuditEvent.objects.get(action=AuditEvent.Action.REFERRAL_UPDATED)
    assert event.details == {"status": "attended"}


def test_an_open_referral_can_stay_open_with_a_new_follow_up_date(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    referral = open_referral(person, worker, status=Referral.Status.SUGGESTED)
    later = timezone.localdate() + timedelta(days=14)
    fields = {f"update-{referral.pk}-status": "open", f"update-{referral.pk}-follow_up_on": later.isoformat()}
    worker_client.post(URL, contact(person.code, site, **fields))
    referral.refresh_from_db()
    assert (referral.status, referral.follow_up_on) == ("suggested", later)


def test_referrals_left_alone_are_not_touched(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    referral = open_referral(person, worker)
    worker_client.post(URL, contact(person.code, site, **{f"update-{referral.pk}-status": ""}))
    assert Encounter.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REFERRAL_UPDATED).exists()
    assert referral.updates.count() == 0


def test_only_the_chosen_persons_open_referrals_of_our_team_are_offered(
    worker_client: HttpClient, worker: User, person: Client, team: Team, other_team: Team
) -> None:
    mine = open_referral(person, worker)
    open_referral(person, worker, status=Referral.Status.ATTENDED)
    open_referral(ClientFactory.create(home_team=team), worker)
    stranger = ClientFactory.create(home_team=other_team)
    open_referral(stranger, worker)
    offered = worker_client.get(URL, {"person": person.code}).context["extras"].updates
    assert [form.referral for form in offered] == [mine]


def test_an_overdose_response_is_recorded_with_the_contact(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    fields = {
        "overdose-naloxone_doses": "2",
        "overdose-emergency_services": "not_called_wishes",
        "overdose-outcome": "responsive",
        "overdose-debrief": "Breathing again after the second dose.",
    }
    worker_client.post(URL, contact(person.code, site, **fields))
    encounter = Encounter.objects.get()
    response = OverdoseResponse.objects.get()
    stored = (response.encounter_id, response.client_id, response.team_id, response.site_id, response.created_by_id)
    assert stored == (encounter.pk, person.pk, person.home_team_id, site.pk, worker.pk)
    assert (response.naloxone_doses, response.emergency_services, response.outcome) == (
        2,
        "not_called_wishes",
        "responsive",
    )
    assert response.happened_at == encounter.happened_at
    assert AuditEvent.objects.get(action=AuditEvent.Action.OVERDOSE_RECORDED).client_id == person.pk


def test_a_retried_submission_with_extras_stores_each_once(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    referral = open_referral(person, worker)
    fields = {
        "referral-to": "benefits",
        f"update-{referral.pk}-status": "declined",
        "overdose-emergency_services": "called",
        "overdose-outcome": "transported",
    }
    data = contact(person.code, site, **fields)
    first = worker_client.post(URL, data)
    second = worker_client.post(URL, data)  # the referral is not open any more: still the same confirmation
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Encounter.objects.count() == 1
    assert Referral.objects.filter(to="benefits").count() == 1
    assert referral.updates.count() == 1
    assert OverdoseResponse.objects.count() == 1


def test_the_contact_and_its_extras_are_stored_together_or_not_at_all(
    worker_client: HttpClient, person: Client, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(**kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(overdose, "record_overdose_response", fail)
    fields = {"referral-to": "benefits", "overdose-emergency_services": "called", "overdose-outcome": "transported"}
    with pytest.raises(RuntimeError):
        worker_client.post(URL, contact(person.code, site, **fields))
    assert Encounter.objects.count() == 0
    assert Referral.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"referral-to": ""}, "Choose what the referral is to"),
        ({"referral-to": "housing", "referral-follow_up_on": "2000-01-01"}, "Choose a follow-up date from today on"),
        ({"referral-to": "somewhere"}, "Select a valid choice"),
        ({"overdose-emergency_services": ""}, "Say whether emergency services were called"),
        ({"overdose-naloxone_doses": "-1", "overdose-outcome": "other"}, "greater than or equal to 0"),
        ({"overdose-outcome": ""}, "Choose the outcome"),
        ({"service_condoms": "-3"}, "greater than or equal to 0"),
        ({"happened_at": "2999-01-01T10:00"}, "cannot be in the future"),
    ],
    ids=[
        "partner-only",
        "past-follow-up",
        "unknown-to",
        "no-call",
        "negative-doses",
        "no-outcome",
        "negative",
        "future",
    ],
)
def test_bad_extras_keep_everything_typed_and_store_nothing(
    worker_client: HttpClient, person: Client, site: Site, extra: dict[str, str], message: str
) -> None:
    fields = {
        "service_condoms": "7",
        "note": "Talked about the clinic.",
        "referral-to": "housing",
        "referral-partner": "Casa Abierta",
        "overdose-debrief": "Sat with them.",
        "overdose-emergency_services": "called",
        "overdose-outcome": "responsive",
    }
    data = {**contact(person.code, site), **fields, **extra}
    response = worker_client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert (Encounter.objects.count(), Referral.objects.count(), OverdoseResponse.objects.count()) == (0, 0, 0)
    form, extras = response.context["form"], response.context["extras"]
    assert form["service_condoms"].value() == data["service_condoms"]
    assert form["note"].value() == "Talked about the clinic."
    assert extras.referral["partner"].value() == data["referral-partner"]
    assert extras.overdose["debrief"].value() == "Sat with them."
    assert str(form["id"].value()) == data["id"]


def test_a_referral_for_an_anonymous_contact_is_refused(worker_client: HttpClient, site: Site) -> None:
    response = worker_client.post(URL, contact("anonymous", site, **{"referral-to": "housing"}))
    assert "A referral or an overdose response is recorded for a registered person" in response.content.decode()
    assert Encounter.objects.count() == 0


def test_an_update_of_someone_elses_referral_is_refused(
    worker_client: HttpClient, worker: User, person: Client, team: Team, other_team: Team, site: Site
) -> None:
    someone = open_referral(ClientFactory.create(home_team=team), worker)
    elsewhere = open_referral(ClientFactory.create(home_team=other_team), worker)
    for referral in (someone, elsewhere):
        data = contact(person.code, site, **{f"update-{referral.pk}-status": "attended"})
        response = worker_client.post(URL, data)
        assert "is not open for this person any more" in response.content.decode()
        referral.refresh_from_db()
        assert referral.status == Referral.Status.MADE
    assert Encounter.objects.count() == 0


def test_a_still_open_referral_needs_its_new_date(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    referral = open_referral(person, worker)
    response = worker_client.post(URL, contact(person.code, site, **{f"update-{referral.pk}-status": "open"}))
    assert "Choose the new follow-up date." in response.content.decode()
    assert Encounter.objects.count() == 0


def test_choosing_a_person_redraws_their_referrals_with_htmx(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    open_referral(person, worker, partner="Harbour Clinic")
    data = contact(person.code, site, find="1", part="extras", **{"referral-partner": "Typed before"})
    response = worker_client.post(URL, data, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "contact-extras" not in page  # the inside only: the wrapper listens for changes
    assert "<html" not in page
    assert "Harbour Clinic" in page
    assert 'value="Typed before"' in page
    assert Encounter.objects.count() == 0


def test_anonymous_gets_no_referral_part(worker_client: HttpClient, site: Site) -> None:
    data = contact("anonymous", site, find="1", part="extras")
    page = worker_client.post(URL, data, headers={"HX-Request": "true"}).content.decode()
    assert "can be added here for a registered person" in page
    assert "Make a referral" not in page


def test_without_javascript_the_page_redraws_for_the_person_chosen(
    worker_client: HttpClient, worker: User, person: Client, site: Site
) -> None:
    open_referral(person, worker, partner="Harbour Clinic")
    response = worker_client.post(URL, contact(person.code, site, find="1", **{"service_condoms": "2"}))
    page = response.content.decode()
    assert "Harbour Clinic" in page
    assert "Make a referral" in page
    assert response.context["form"]["service_condoms"].value() == "2"


def test_every_mistake_shows_at_once(worker_client: HttpClient, site: Site) -> None:
    data = contact("anonymous", site, head_count="0", **{"referral-to": "housing"})
    page = worker_client.post(URL, data).content.decode()
    assert "greater than or equal to 1" in page
    assert "A referral or an overdose response is recorded for a registered person" in page
    assert Encounter.objects.count() == 0


def test_an_unfinished_referral_for_an_anonymous_contact_says_why(worker_client: HttpClient, site: Site) -> None:
    """Without JavaScript the referral part stays on the page when Anonymous is chosen."""
    response = worker_client.post(URL, contact("anonymous", site, **{"referral-partner": "Casa Abierta"}))
    assert "A referral or an overdose response is recorded for a registered person" in response.content.decode()
    assert Encounter.objects.count() == 0
