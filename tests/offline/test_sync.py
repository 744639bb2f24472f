"""Syncing the outbox: each queued contact saved exactly once through Log a contact's own
submission code, with an answer in words (applied, duplicate, conflict, rejected)."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from clients.services.merge import merge_clients
from core.errors import Invalid
from encounters.models import Encounter, Referral, Site
from offline.models import Device
from offline.seal import open_sealed, seal
from tests.factories import ClientFactory

from .helpers import fields, queued, sync, viewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(worker: User) -> Device:
    return Device.objects.create(user=worker, label="Chrome on Android")


def answers(response: object) -> list[tuple[str, str]]:
    return [(item["id"], item["answer"]) for item in response.json()["answers"]]  # type: ignore[attr-defined]


def test_three_contacts_are_stored_once_each_even_when_sent_twice(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site, team: object
) -> None:
    cached = fields(person.code, site, note="Asked about housing.", service_condoms="3")
    group = fields("anonymous", site, head_count="4", **{"service_sterile-syringes": "20"})
    referral = fields(person.code, site, **{"referral-to": "housing", "referral-status": "made"})
    items = [queued(worker, cached), queued(worker, group), queued(worker, referral)]

    first = sync(worker_client, device, items)
    again = sync(worker_client, device, items)

    assert first.status_code == 200, first.content
    assert [item["message"] for item in first.json()["answers"]] == ["Saved."] * 3
    assert answers(first) == [(cached["id"], "applied"), (group["id"], "applied"), (referral["id"], "applied")]
    assert answers(again) == [(cached["id"], "duplicate"), (group["id"], "duplicate"), (referral["id"], "duplicate")]
    assert again.json()["answers"][0]["message"] == "Saved already: nothing was stored twice."
    stored = {str(pk): note for pk, note in Encounter.objects.values_list("pk", "note")}
    assert stored == {cached["id"]: "Asked about housing.", group["id"]: "", referral["id"]: ""}
    assert Encounter.objects.get(pk=group["id"]).head_count == 4
    assert Referral.objects.get().client_id == person.pk
    created = AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CREATED)
    assert created.count() == 3  # no second audit event for a duplicate
    device.refresh_from_db()
    assert device.last_sync_at is not None


def test_the_same_id_with_other_content_is_a_conflict_and_stores_nothing(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    first = fields(person.code, site, note="Asked about housing.")
    sync(worker_client, device, [queued(worker, first)])
    changed = {**first, "note": "Asked about a GP."}

    answer = sync(worker_client, device, [queued(worker, changed)]).json()["answers"][0]

    assert (answer["answer"], answer["differs"]) == ("conflict", ["note"])
    assert "Asked" not in answer["message"]  # no note in an answer
    assert Encounter.objects.get().note == "Asked about housing."


def test_a_contact_for_a_person_merged_meanwhile_is_a_conflict_naming_the_kept_record(
    worker_client: HttpClient, worker: User, supervisor: User, device: Device, person: Client, site: Site
) -> None:
    other = ClientFactory.create(home_team=person.home_team)
    item = fields(other.code, site, service_condoms="1")
    merge_clients(actor=supervisor, survivor=person, merged=other, field_choices={})

    answer = sync(worker_client, device, [queued(worker, item)]).json()["answers"][0]

    assert answer["answer"] == "conflict"
    assert answer["merged_into"] == person.code
    assert "merged into another record" in answer["message"]
    assert not Encounter.objects.filter(pk=item["id"]).exists()
    # Resolved: saved for the record they were merged into (the same id: it was never stored).
    resolved = sync(worker_client, device, [queued(worker, {**item, "who": person.code})])
    assert answers(resolved) == [(item["id"], "applied")]
    assert Encounter.objects.get(pk=item["id"]).client_id == person.pk


def test_a_person_moved_to_another_team_is_a_conflict_for_a_worker_who_knew_them(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site, other_team: object
) -> None:
    sync(worker_client, device, [queued(worker, fields(person.code, site))])
    Client.objects.filter(pk=person.pk).update(home_team=other_team)
    item = fields(person.code, site)

    answer = sync(worker_client, device, [queued(worker, item)]).json()["answers"][0]

    assert answer["answer"] == "conflict"
    assert "moved to another team" in answer["message"]
    assert Encounter.objects.count() == 1


def test_an_unknown_person_is_rejected_without_saying_whether_they_exist(
    worker_client: HttpClient, worker: User, device: Device, site: Site, other_team: object
) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    item = fields(stranger.code, site)

    answer = sync(worker_client, device, [queued(worker, item)]).json()["answers"][0]

    assert answer["answer"] == "rejected"
    assert "Choose a person from the list" in answer["message"]
    assert Encounter.objects.count() == 0


def test_a_contact_that_breaks_a_rule_is_rejected_in_words(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    item = fields(person.code, site, happened_at="2999-01-01T10:00")

    answer = sync(worker_client, device, [queued(worker, item)]).json()["answers"][0]

    assert answer["answer"] == "rejected"
    assert "A contact cannot be in the future." in answer["message"]
    assert Encounter.objects.count() == 0


def test_a_follow_up_on_the_day_of_a_contact_synced_the_next_day_is_applied(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    """Queued yesterday with yesterday's follow-up (a referral made, an open one still open),
    synced today: judged against the day the contact happened, not the day it was synced."""
    yesterday = timezone.localtime() - timedelta(days=1)
    day = yesterday.date().isoformat()
    earlier = Referral.objects.create(
        client=person,
        team=person.home_team,
        to="housing",
        status="made",
        follow_up_on=yesterday.date(),
        created_by=worker,
    )
    when = yesterday.strftime("%Y-%m-%dT%H:%M")
    made = {"referral-to": "housing", "referral-status": "made", "referral-follow_up_on": day}
    updated = {f"update-{earlier.pk}-status": "open", f"update-{earlier.pk}-follow_up_on": day}
    item = fields(person.code, site, happened_at=when, **made, **updated)
    too_early = fields(
        person.code,
        site,
        happened_at=when,
        **{**made, "referral-follow_up_on": (yesterday.date() - timedelta(days=1)).isoformat()},
    )

    result = sync(worker_client, device, [queued(worker, item), queued(worker, too_early)]).json()["answers"]

    assert [answer["answer"] for answer in result] == ["applied", "rejected"]
    assert "Choose a follow-up date from the day of the contact on." in result[1]["message"]
    made_there = Referral.objects.get(encounter_id=item["id"])
    assert made_there.follow_up_on == yesterday.date()
    earlier.refresh_from_db()
    assert earlier.follow_up_on == yesterday.date()
    assert Encounter.objects.count() == 1


def test_another_workers_sealed_contact_or_a_forged_seal_is_rejected(
    worker_client: HttpClient, worker: User, supervisor: User, device: Device, person: Client, site: Site
) -> None:
    theirs = queued(supervisor, fields(person.code, site))
    forged = queued(worker, fields(person.code, site))
    forged["sealed"] = {**forged["sealed"], "ct": forged["sealed"]["ct"][:-4] + "AAAA"}

    result = answers(sync(worker_client, device, [theirs, forged]))

    assert [answer for _id, answer in result] == ["rejected", "rejected"]
    assert Encounter.objects.count() == 0


def test_a_part_registered_by_another_app_travels_in_the_outbox(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    """The outbox carries Log a contact's fields, so a check-in (outcomes' part) needs no sync code."""
    from outcomes.models import CheckIn

    item = fields(person.code, site, **{"checkin_for": person.code, "checkin-housing-housing": "1"})

    result = answers(sync(worker_client, device, [queued(worker, item)]))

    assert result == [(item["id"], "applied")]
    check_in = CheckIn.objects.select_related("instrument").get()
    assert (str(check_in.encounter_id), check_in.instrument.slug) == (item["id"], "housing")


def test_views_made_offline_reach_the_audit_trail_with_when_they_were_made(
    worker_client: HttpClient, worker: User, device: Device, person: Client, other_team: object
) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    views = [
        viewed(worker, person.code, "2026-03-01T10:15:00+00:00"),
        viewed(worker, stranger.code, "2026-03-01T10:16:00+00:00"),
    ]

    sync(worker_client, device, [], views)
    sync(worker_client, device, [], views)  # sent again: its answer was lost

    logged = AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_VIEWED_OFFLINE)
    assert [(event.client_id, event.details["viewed_at"]) for event in logged] == [
        (person.pk, "2026-03-01T10:15:00+00:00")
    ]


def test_a_revoked_device_is_told_to_wipe_and_its_sealed_contacts_still_arrive(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    worker_client.post(reverse("offline:device_revoke", args=[device.pk]))
    item = fields(person.code, site)

    response = sync(worker_client, device, [queued(worker, item)])

    assert response.json()["revoked"] is True
    assert answers(response) == [(item["id"], "applied")]


def test_a_sync_without_a_session_is_sent_to_sign_in_and_stores_nothing(
    client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    response = sync(client, device, [queued(worker, fields(person.code, site))])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert Encounter.objects.count() == 0


def test_another_users_device_is_not_found(
    worker_client: HttpClient, supervisor: User, person: Client, site: Site
) -> None:
    theirs = Device.objects.create(user=supervisor, label="Firefox on Android")
    assert sync(worker_client, theirs, []).status_code == 404


def test_a_seal_opens_only_with_this_servers_key(settings: object) -> None:
    sealed = seal({"note": "Asked about housing."})
    assert "housing" not in str(sealed)
    assert open_sealed(sealed) == {"note": "Asked about housing."}
    settings.SECRET_KEY = "another-server-" + "x" * 50  # type: ignore[attr-defined]
    with pytest.raises(Invalid):
        open_sealed(sealed)


def test_a_check_in_and_a_goal_review_queued_offline_are_saved_with_the_contact(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    """The offline page's panels: the answers and the review are fields of the contact, saved
    through the one save path, at the time the contact happened; sent twice, stored once."""
    from goals.models import Review
    from goals.services import set_goal
    from outcomes.models import CheckIn

    goal = set_goal(
        actor=worker, client=person, words="Get my ID back", steps=["Find the office"], gas_expected="An appointment"
    )
    step = goal.steps.get()
    when = (timezone.localtime() - timedelta(hours=20)).replace(second=0, microsecond=0)
    review = {
        f"goal_review-{goal.pk}-closeness": "6",
        f"goal_review-{goal.pk}-gas": "0",
        f"goal_review-{goal.pk}-steps_done": str(step.pk),
        f"goal_review-{goal.pk}-note": "Has the form now",
    }
    check_in = {"checkin_for": person.code, "checkin-housing-housing": "1", "checkin-who5-cheerful": "4"}
    item = fields(person.code, site, happened_at=when.strftime("%Y-%m-%dT%H:%M"), **review, **check_in)

    first = answers(sync(worker_client, device, [queued(worker, item)]))
    again = answers(sync(worker_client, device, [queued(worker, item)]))

    assert (first, again) == ([(item["id"], "applied")], [(item["id"], "duplicate")])
    saved = Review.objects.get()
    assert (str(saved.encounter_id), saved.closeness, saved.gas, saved.note) == (item["id"], 6, 0, "Has the form now")
    assert saved.reviewed_at == when
    step.refresh_from_db()
    assert step.is_done
    check_ins = {row.instrument.slug: row for row in CheckIn.objects.select_related("instrument")}
    assert set(check_ins) == {"housing", "who5"}
    assert all(str(row.encounter_id) == item["id"] and row.taken_at == when for row in check_ins.values())


def test_a_review_of_a_goal_not_the_persons_or_without_a_rating_is_rejected_and_stores_nothing(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    from goals.models import Review
    from goals.services import set_goal

    someone_else = ClientFactory.create(home_team=person.home_team)
    theirs = set_goal(actor=worker, client=someone_else, words="Their own goal")
    mine = set_goal(actor=worker, client=person, words="Get my ID back")
    not_theirs = fields(person.code, site, **{f"goal_review-{theirs.pk}-closeness": "5"})
    no_rating = fields(person.code, site, **{f"goal_review-{mine.pk}-note": "Talked about it"})
    check_in_for_another = fields(person.code, site, checkin_for=someone_else.code, **{"checkin-housing-housing": "1"})

    result = sync(
        worker_client, device, [queued(worker, item) for item in (not_theirs, no_rating, check_in_for_another)]
    )

    assert [answer["answer"] for answer in result.json()["answers"]] == ["rejected"] * 3
    messages = [answer["message"] for answer in result.json()["answers"]]
    assert "not one of the person's goals" in messages[0]
    assert "Choose how close they feel" in messages[1]
    assert "given for someone else" in messages[2]
    assert not Encounter.objects.exists() and not Review.objects.exists()


def test_a_volunteers_outbox_saves_supplies_for_others_and_a_reversal_and_nothing_more(
    client: HttpClient, volunteer: User, worker: User, person: Client, site: Site, other_team: object
) -> None:
    """Through the offline sync path, the save path refuses what a distribution volunteer may
    not record (accounts/roles.py): a referral, a staff overdose response, a check-in, a goal
    review; and a person of another team is unknown."""
    from encounters.models import ForOthers, ReportedReversal
    from goals.models import Review
    from goals.services import set_goal
    from outcomes.models import CheckIn

    device = Device.objects.create(user=volunteer, label="Chrome on Android")
    client.force_login(volunteer)
    goal = set_goal(actor=worker, client=person, words="Get my ID back")
    allowed = fields(
        person.code,
        site,
        service_condoms="3",
        **{"others-sterile-syringes": "20", "others-people": "4"},
        **{"reversal-reported": "on", "reversal-outcome": "survived", "reversal-emergency_services": "called"},
    )
    anonymous = fields("anonymous", site, head_count="2", **{"others-condoms": "10", "others-people": "3"})
    refused = [
        fields(person.code, site, **{"referral-to": "housing", "referral-status": "made"}),
        fields(person.code, site, **{"overdose-outcome": "responsive", "overdose-emergency_services": "called"}),
        fields(person.code, site, checkin_for=person.code, **{"checkin-housing-housing": "1"}),
        fields(person.code, site, **{f"goal_review-{goal.pk}-closeness": "5"}),
        fields(ClientFactory.create(home_team=other_team).code, site),
    ]

    result = sync(client, device, [queued(volunteer, item) for item in [allowed, anonymous, *refused]]).json()

    assert [answer["answer"] for answer in result["answers"]] == ["applied", "applied"] + ["rejected"] * 5
    staff_only = "recorded by staff"
    assert [staff_only in answer["message"] for answer in result["answers"][2:6]] == [True] * 4
    assert set(Encounter.objects.values_list("pk", flat=True)) == {uuid.UUID(allowed["id"]), uuid.UUID(anonymous["id"])}
    assert Encounter.objects.filter(worker=volunteer).count() == 2
    assert ForOthers.objects.count() == 2 and ReportedReversal.objects.count() == 1
    assert not Referral.objects.exists() and not CheckIn.objects.exists() and not Review.objects.exists()


def test_a_volunteer_cannot_sync_through_another_users_device(
    client: HttpClient, volunteer: User, worker: User, device: Device, person: Client, site: Site
) -> None:
    client.force_login(volunteer)
    response = sync(client, device, [queued(volunteer, fields(person.code, site))])
    assert response.status_code == 404
    assert not Encounter.objects.exists()


def test_a_test_result_prep_and_a_vaccine_dose_queued_offline_arrive_once_with_the_contact(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    """The offline page's health fields (health_for names the person chosen), as the phone seals
    them: stored with the contact, and nothing twice when the outbox is sent again."""
    from health.models import HealthTest, Prevention, Vaccination

    item = fields(
        person.code,
        site,
        health_for=person.code,
        **{
            "health-hiv-result": "non_reactive",
            "health-hiv-method": "rapid",
            "health-hiv-follow_up_on": "",
            "health-prep-status": "started",
            "health-prep-words": "",
            "health-vaccine-hep_b-dose": "2",
            "health-vaccine-hep_b-where": "by_team",
        },
    )

    first = sync(worker_client, device, [queued(worker, item)])
    again = sync(worker_client, device, [queued(worker, item)])

    assert answers(first) == [(item["id"], "applied")]
    assert answers(again) == [(item["id"], "duplicate")]
    encounter = Encounter.objects.get()
    test = HealthTest.objects.get()
    assert (test.client_id, test.encounter_id) == (person.pk, encounter.pk)
    assert (test.kind, test.result) == ("hiv", "non_reactive")
    prep = Prevention.objects.get()
    assert (prep.client_id, prep.encounter_id, prep.kind, prep.status) == (person.pk, encounter.pk, "prep", "started")
    dose = Vaccination.objects.get()
    assert (dose.client_id, dose.encounter_id, dose.vaccine, dose.dose) == (person.pk, encounter.pk, "hep_b", 2)


def test_health_fields_named_for_someone_else_are_rejected_and_store_nothing(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    other = ClientFactory.create(home_team=person.home_team)
    item = fields(person.code, site, health_for=other.code, **{"health-vaccine-hep_a-dose": "1"})

    answer = sync(worker_client, device, [queued(worker, item)]).json()["answers"][0]

    assert answer["answer"] == "rejected"
    assert "someone else" in answer["message"]
    assert not Encounter.objects.exists()


def test_a_dose_of_the_teams_own_vaccine_queued_offline_arrives_once_even_if_retired_meanwhile(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site
) -> None:
    """Queued while the vaccine was in use, sent after a supervisor retired it: the dose is kept
    (the contact happened then), stored once; a retry is a duplicate."""
    from health.models import TeamVaccine, Vaccination

    own = TeamVaccine.objects.create(team=person.home_team, name="Meningitis ACWY", doses=2)
    item = fields(
        person.code,
        site,
        health_for=person.code,
        **{f"health-vaccine-team-{own.pk}-dose": "2", f"health-vaccine-team-{own.pk}-where": "elsewhere"},
    )
    own.is_active = False
    own.save()

    first = sync(worker_client, device, [queued(worker, item)])
    again = sync(worker_client, device, [queued(worker, item)])

    assert answers(first) == [(item["id"], "applied")]
    assert answers(again) == [(item["id"], "duplicate")]
    dose = Vaccination.objects.get()
    assert (dose.client_id, dose.encounter_id, dose.vaccine, dose.team_vaccine_id, dose.dose, dose.where) == (
        person.pk,
        Encounter.objects.get().pk,
        "other",
        own.pk,
        2,
        "elsewhere",
    )


def test_another_teams_vaccine_queued_offline_is_rejected_and_stores_nothing(
    worker_client: HttpClient, worker: User, device: Device, person: Client, site: Site, other_team: Team
) -> None:
    """A worker of two teams can see both teams' vaccines offline; one that is not the chosen
    person's team's is refused at sync, with the whole contact."""
    from health.models import TeamVaccine, Vaccination

    theirs = TeamVaccine.objects.create(team=other_team, name="Shingles", doses=2)
    item = fields(person.code, site, health_for=person.code, **{f"health-vaccine-team-{theirs.pk}-dose": "1"})

    answer = sync(worker_client, device, [queued(worker, item)]).json()["answers"][0]

    assert answer["answer"] == "rejected"
    assert not Encounter.objects.exists() and not Vaccination.objects.exists()
