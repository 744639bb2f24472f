"""Correcting a contact: who may and for how long, what is audited, and two people at once."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from clients.services.transfer import transfer_client
from encounters.models import Encounter, ServiceProvided, ServiceType, Site
from encounters.services.corrections import ContactValues, EditConflict, correct_encounter, for_correction
from tests.factories import EncounterFactory, ServiceTypeFactory, SiteFactory

pytestmark = pytest.mark.django_db


def edit_url(encounter: Encounter) -> str:
    return reverse("encounters:edit", args=[encounter.pk])


def given(encounter: Encounter, **quantities: int) -> None:
    for slug, quantity in quantities.items():
        ServiceProvided.objects.create(
            encounter=encounter, service_type=ServiceType.objects.get(slug=slug.replace("_", "-")), quantity=quantity
        )


def form_data(response: Any) -> dict[str, str]:
    """What the page's form would send as it stands (its values, typed or saved)."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        data[name] = field.widget.format_value(value) if name == "happened_at" else str(value)
    return data


def saved_services(encounter: Encounter) -> dict[str, int]:
    return dict(ServiceProvided.objects.filter(encounter=encounter).values_list("service_type__slug", "quantity"))


def changes() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CHANGED))


def make_old(encounter: Encounter, days: int) -> None:
    Encounter.objects.filter(pk=encounter.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_the_author_corrects_and_only_field_names_are_audited(worker_client: HttpClient, encounter: Encounter) -> None:
    given(encounter, sterile_syringes=10, condoms=5)
    page = worker_client.get(edit_url(encounter))
    assert page.status_code == 200
    data = form_data(page)
    assert (data["version"], data["service_sterile-syringes"], data["service_condoms"]) == ("1", "10", "5")
    data.update(
        {"kind": "van", "note": "Asked about housing", "service_sterile-syringes": "20", "service_condoms": "0"}
    )
    data["service_naloxone-kit"] = "1"
    response = worker_client.post(edit_url(encounter), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("encounters:detail", args=[encounter.pk])
    encounter.refresh_from_db()
    assert (encounter.kind, encounter.note, encounter.version) == ("van", "Asked about housing", 2)
    assert encounter.updated_by_id == encounter.worker_id and encounter.updated_at is not None
    assert saved_services(encounter) == {"sterile-syringes": 20, "naloxone-kit": 1}
    [event] = changes()
    assert event.details == {"fields": ["kind", "services", "note"]}
    assert (event.client_id, event.object_id) == (encounter.client_id, str(encounter.pk))
    assert "housing" not in json.dumps(event.details)


def test_saving_unchanged_stores_nothing_new(worker_client: HttpClient, encounter: Encounter) -> None:
    given(encounter, condoms=3)
    data = form_data(worker_client.get(edit_url(encounter)))
    response = worker_client.post(edit_url(encounter), data, follow=True)
    assert "Nothing was changed." in response.content.decode()
    encounter.refresh_from_db()
    assert (encounter.version, encounter.updated_at, changes()) == (1, None, [])


def test_opening_the_form_is_audited_as_a_view(worker_client: HttpClient, encounter: Encounter) -> None:
    worker_client.get(edit_url(encounter))
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENCOUNTER_VIEWED)
    assert event.client_id == encounter.client_id


def test_the_author_cannot_correct_after_seven_days(worker_client: HttpClient, encounter: Encounter) -> None:
    make_old(encounter, 8)
    page = worker_client.get(edit_url(encounter))
    assert page.status_code == 403
    assert "ask a supervisor of the team" in page.content.decode()
    response = worker_client.post(edit_url(encounter), {"version": "1", "kind": "van"})
    assert response.status_code == 403
    encounter.refresh_from_db()
    assert (encounter.kind, encounter.version, changes()) == ("street", 1, [])


def test_the_window_counts_from_saving_not_from_when_it_happened(
    worker_client: HttpClient, encounter: Encounter
) -> None:
    """Logged today about a contact ten days ago: the author still has the week."""
    Encounter.objects.filter(pk=encounter.pk).update(happened_at=timezone.now() - timedelta(days=10))
    make_old(encounter, 6)
    assert worker_client.get(edit_url(encounter)).status_code == 200


def test_another_worker_of_the_team_cannot_correct(
    client: HttpClient, encounter: Encounter, team: Team, worker: User
) -> None:
    from tests.conftest import member

    colleague = member(team, "worker", "colleague")
    client.force_login(colleague)
    assert client.get(reverse("encounters:detail", args=[encounter.pk])).status_code == 200  # may read it
    assert client.get(edit_url(encounter)).status_code == 403


def test_a_supervisor_corrects_after_the_window(supervisor_client: HttpClient, encounter: Encounter) -> None:
    make_old(encounter, 60)
    data = form_data(supervisor_client.get(edit_url(encounter)))
    supervisor_client.post(edit_url(encounter), {**data, "kind": "phone"})
    encounter.refresh_from_db()
    assert (encounter.kind, encounter.version) == ("phone", 2)


@pytest.mark.parametrize("role", ["outsider", "other_supervisor"])
def test_other_teams_get_404(client: HttpClient, encounter: Encounter, role: str, request: Any) -> None:
    client.force_login(request.getfixturevalue(role))
    assert client.get(edit_url(encounter)).status_code == 404
    assert client.post(edit_url(encounter), {"version": "1", "kind": "van"}).status_code == 404
    encounter.refresh_from_db()
    assert encounter.version == 1


def test_after_a_transfer_the_new_teams_supervisor_corrects_and_the_old_one_cannot(
    client: HttpClient, encounter: Encounter, other_team: Team, supervisor: User, other_supervisor: User
) -> None:
    assert encounter.client is not None
    transfer_client(actor=supervisor, client=encounter.client, to_team=other_team)
    client.force_login(supervisor)
    assert client.get(edit_url(encounter)).status_code == 404
    client.force_login(other_supervisor)
    data = form_data(client.get(edit_url(encounter)))
    assert client.post(edit_url(encounter), {**data, "kind": "drop_in"}).status_code == 302
    encounter.refresh_from_db()
    assert encounter.kind == "drop_in"


def test_two_people_at_once_the_second_gets_both_versions_and_loses_nothing(
    client: HttpClient, encounter: Encounter, worker: User, supervisor: User
) -> None:
    given(encounter, condoms=5)
    client.force_login(worker)
    mine = form_data(client.get(edit_url(encounter)))
    client.force_login(supervisor)
    theirs = form_data(client.get(edit_url(encounter)))
    client.post(edit_url(encounter), {**theirs, "note": "Supervisor's note", "service_condoms": "6"})

    client.force_login(worker)
    typed = {**mine, "note": "Worker's note", "kind": "van"}
    response = client.post(edit_url(encounter), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this contact" in page
    assert "Worker&#x27;s note" in page and "Supervisor&#x27;s note" in page
    assert "Condoms × 5" in page and "Condoms × 6" in page
    rows = {name: differs for name, _label, _yours, _saved, differs in response.context["rows"]}
    assert rows["note"] and rows["kind"] and rows["services"] and not rows["site"]
    encounter.refresh_from_db()
    assert (encounter.note, encounter.kind, encounter.version) == ("Supervisor's note", "street", 2)
    assert saved_services(encounter) == {"condoms": 6}
    assert [event.actor_id for event in changes()] == [supervisor.pk]

    again = form_data(response)  # what they typed, on top of the saved version
    assert {key: again[key] for key in ("note", "kind", "service_condoms", "version")} == {
        "note": "Worker's note",
        "kind": "van",
        "service_condoms": "5",
        "version": "2",
    }
    assert client.post(edit_url(encounter), again).status_code == 302
    encounter.refresh_from_db()
    assert (encounter.note, encounter.kind, encounter.version) == ("Worker's note", "van", 3)
    assert saved_services(encounter) == {"condoms": 5}


def test_the_save_is_a_compare_and_set_on_the_version(encounter: Encounter, worker: User, supervisor: User) -> None:
    """Both loaded version 1: exactly one save of version 1 is written."""
    loaded = for_correction(worker).get(pk=encounter.pk)
    values = ContactValues.of(loaded)
    first = ContactValues(**{**values.__dict__, "kind": "van"})
    second = ContactValues(**{**values.__dict__, "kind": "phone"})
    assert correct_encounter(actor=supervisor, encounter=loaded, version=1, values=first) == ["kind"]
    with pytest.raises(EditConflict):
        correct_encounter(actor=worker, encounter=loaded, version=1, values=second)
    encounter.refresh_from_db()
    assert (encounter.kind, encounter.version, encounter.updated_by_id) == ("van", 2, supervisor.pk)
    assert len(changes()) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"service_condoms": "-1"}, "greater than or equal to 0"),
        ({"service_condoms": "1000"}, "less than or equal to 999"),
        ({"service_wound-care": "2"}, "less than or equal to 1"),
        ({"happened_at": "2999-01-01T10:00"}, "A contact cannot be in the future."),
        ({"kind": "teleport"}, "Select a valid choice"),
        ({"note": "x" * 1001}, "at most 1000 characters"),
    ],
)
def test_bad_input_keeps_what_was_typed_and_stores_nothing(
    worker_client: HttpClient, encounter: Encounter, change: dict[str, str], message: str
) -> None:
    data = {**form_data(worker_client.get(edit_url(encounter))), "note": "Typed and kept", **change}
    response = worker_client.post(edit_url(encounter), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Nothing was saved." in page
    assert form_data(response) | change == data  # everything typed comes back
    encounter.refresh_from_db()
    assert (encounter.note, encounter.version, saved_services(encounter), changes()) == ("", 1, {}, [])


def test_a_site_of_another_team_is_refused(worker_client: HttpClient, encounter: Encounter, other_team: Team) -> None:
    elsewhere = SiteFactory.create(team=other_team, name="Their van stop")
    data = {**form_data(worker_client.get(edit_url(encounter))), "site": str(elsewhere.pk)}
    response = worker_client.post(edit_url(encounter), data)
    assert "Select a valid choice" in response.content.decode()
    encounter.refresh_from_db()
    assert (encounter.site_id, encounter.version) != (elsewhere.pk, 2)
    assert encounter.version == 1


def test_a_retired_site_and_service_type_stay_correctable(worker_client: HttpClient, encounter: Encounter) -> None:
    retired = ServiceTypeFactory.create(slug="old-kit", name="Old kit", is_active=False)
    ServiceProvided.objects.create(encounter=encounter, service_type=retired, quantity=2)
    assert encounter.site is not None
    Site.objects.filter(pk=encounter.site.pk).update(is_active=False)
    page = worker_client.get(edit_url(encounter))
    data = form_data(page)
    assert data["service_old-kit"] == "2" and data["site"] == str(encounter.site_id)
    worker_client.post(edit_url(encounter), {**data, "service_old-kit": "3", "note": "More kits"})
    encounter.refresh_from_db()
    assert (encounter.version, encounter.site_id, saved_services(encounter)) == (2, encounter.site_id, {"old-kit": 3})


def test_who_the_contact_was_with_cannot_be_changed(
    worker_client: HttpClient, encounter: Encounter, team: Team
) -> None:
    page = worker_client.get(edit_url(encounter))
    assert not {"who", "client", "head_count", "age_band", "gender"} & set(page.context["form"].fields)
    data = {**form_data(page), "who": "anonymous", "client": "", "head_count": "5", "note": "n"}
    worker_client.post(edit_url(encounter), data)
    stored = Encounter.objects.get(pk=encounter.pk)
    assert (stored.client_id, stored.head_count, stored.note) == (encounter.client_id, 1, "n")


def test_an_anonymous_contacts_head_count_age_and_gender_can_be_corrected(
    worker_client: HttpClient, worker: User, site: Site
) -> None:
    anonymous = EncounterFactory.create(client=None, team=site.team, site=site, worker=worker, head_count=3)
    data = form_data(worker_client.get(edit_url(anonymous)))
    data.update({"head_count": "4", "age_band": "25_34", "gender": "woman"})
    assert worker_client.post(edit_url(anonymous), data).status_code == 302
    anonymous.refresh_from_db()
    assert (anonymous.head_count, anonymous.age_band, anonymous.gender) == (4, "25_34", "woman")
    [event] = changes()
    assert event.details == {"fields": ["head_count", "age_band", "gender"]}
    assert event.client_id is None


def test_a_later_time_moves_last_seen_forward_and_an_earlier_one_back(
    worker_client: HttpClient, person: Client, worker: User, site: Site
) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    earlier = EncounterFactory.create(client=person, worker=worker, site=site, happened_at=now - timedelta(days=5))
    latest = EncounterFactory.create(client=person, worker=worker, site=site, happened_at=now - timedelta(days=1))
    Client.objects.filter(pk=person.pk).update(last_seen_at=latest.happened_at)

    def move(encounter: Encounter, to: Any) -> None:
        data = form_data(worker_client.get(edit_url(encounter)))
        data["happened_at"] = timezone.localtime(to).strftime("%Y-%m-%dT%H:%M")
        assert worker_client.post(edit_url(encounter), data).status_code == 302

    move(earlier, now - timedelta(hours=2))  # now the latest contact
    person.refresh_from_db()
    assert person.last_seen_at == now - timedelta(hours=2)
    move(earlier, now - timedelta(days=9))  # back again: the other contact is the latest
    person.refresh_from_db()
    assert person.last_seen_at == latest.happened_at


def test_the_same_minute_typed_back_keeps_the_saved_seconds(worker_client: HttpClient, encounter: Encounter) -> None:
    """The form shows minutes; a contact saved at 10:41:37 is not "changed" to 10:41."""
    with_seconds = timezone.now().replace(second=37, microsecond=120) - timedelta(hours=1)
    Encounter.objects.filter(pk=encounter.pk).update(happened_at=with_seconds)
    data = {**form_data(worker_client.get(edit_url(encounter))), "note": "Only the note"}
    worker_client.post(edit_url(encounter), data)
    encounter.refresh_from_db()
    assert encounter.happened_at == with_seconds
    assert changes()[0].details == {"fields": ["note"]}


def test_a_forged_version_gets_the_conflict_page_not_an_overwrite(
    worker_client: HttpClient, encounter: Encounter
) -> None:
    data = {**form_data(worker_client.get(edit_url(encounter))), "version": "7", "kind": "van"}
    assert worker_client.post(edit_url(encounter), data).status_code == 409
    encounter.refresh_from_db()
    assert (encounter.kind, encounter.version) == ("street", 1)


def test_a_double_tap_saves_once(worker_client: HttpClient, encounter: Encounter) -> None:
    data = {**form_data(worker_client.get(edit_url(encounter))), "note": "Once"}
    first = worker_client.post(edit_url(encounter), data)
    second = worker_client.post(edit_url(encounter), data, follow=True)  # the same version 1 again
    assert first["Location"] == second.redirect_chain[-1][0] == reverse("encounters:detail", args=[encounter.pk])
    assert "Correction saved." in second.content.decode()
    encounter.refresh_from_db()
    assert (encounter.note, encounter.version, len(changes())) == ("Once", 2, 1)


def test_a_double_tap_racing_itself_is_not_shown_as_a_conflict(
    worker_client: HttpClient, encounter: Encounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both taps loaded version 1 before either saved: the loser finds its own values saved."""
    data = {**form_data(worker_client.get(edit_url(encounter))), "note": "Once"}
    worker_client.post(edit_url(encounter), data)

    def lost_the_race(**kwargs: Any) -> list[str]:
        raise EditConflict

    monkeypatch.setattr("encounters.views.corrections.correct_encounter", lost_the_race)
    response = worker_client.post(edit_url(encounter), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("encounters:detail", args=[encounter.pk])
    assert "Correction saved." in response.content.decode()
