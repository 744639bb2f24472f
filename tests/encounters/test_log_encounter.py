"""The one save path of a contact (encounters.services.contacts.log_encounter): exactly once.

The same id with the same submission is a duplicate (nothing written, the stored contact
returned); with a different one it is a conflict carrying both versions; another worker's
id is not found. What the page shows for each: test_encounter_log.py.
"""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from clients.services.erasure import erase_client
from core.errors import Invalid, NotFound
from encounters.models import Encounter, OverdoseResponse, Referral, ServiceProvided, ServiceType, Site
from encounters.services.contacts import ContactConflict, Outcome
from encounters.services.corrections import ContactValues, correct_encounter, for_correction
from encounters.services.overdose import OverdoseDetails
from encounters.services.referrals import NewReferral
from tests.contacts import log_contact
from tests.factories import ClientFactory, SiteFactory

pytestmark = pytest.mark.django_db

RESPONSE = OverdoseDetails(naloxone_doses=2, emergency_services="called", outcome="transported")


@pytest.fixture
def syringes() -> ServiceType:
    return ServiceType.objects.get(slug="sterile-syringes")


def created() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CREATED).count()


def test_the_same_submission_twice_is_stored_once(
    worker: User, person: Client, site: Site, syringes: ServiceType
) -> None:
    contact_id, at = uuid.uuid4(), timezone.now().replace(microsecond=0)
    parts = {"referral": NewReferral(to="housing"), "overdose": RESPONSE}
    submission: dict[str, Any] = {"encounter_id": contact_id, "site": site, "happened_at": at, "note": "Asked"}
    first = log_contact(worker, person, services={syringes: 10}, parts=parts, **submission)
    again = log_contact(worker, person, services={syringes: 10}, parts=parts, **submission)
    assert (first.outcome, again.outcome) == (Outcome.CREATED, Outcome.DUPLICATE)
    assert (first.created, again.created) == (True, False)
    assert again.encounter.pk == first.encounter.pk == contact_id
    assert (Encounter.objects.count(), ServiceProvided.objects.count(), created()) == (1, 1, 1)
    assert (Referral.objects.count(), OverdoseResponse.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("change", "differs"),
    [
        ({"note": "Something else"}, ["note"]),
        ({"kind": "van"}, ["kind"]),
        ({"quantity": 5}, ["services"]),
        ({"other_site": True}, ["site"]),
        ({"parts": {"overdose": RESPONSE}}, ["parts.overdose"]),
        ({"other_person": True}, ["person"]),
        ({"later": True}, ["happened_at"]),
    ],
    ids=["note", "kind", "quantity", "site", "a part", "person", "time"],
)
def test_the_same_id_with_a_different_contact_is_a_conflict_with_both_versions(
    worker: User, person: Client, site: Site, syringes: ServiceType, change: dict, differs: list[str]
) -> None:
    contact_id, at = uuid.uuid4(), timezone.now().replace(microsecond=0)
    first = log_contact(
        worker, person, encounter_id=contact_id, site=site, happened_at=at, note="Asked", services={syringes: 10}
    )
    who = ClientFactory.create(home_team=person.home_team) if change.get("other_person") else person
    second_site = SiteFactory.create(team=person.home_team) if change.get("other_site") else site
    with pytest.raises(ContactConflict) as raised:
        log_contact(
            worker,
            who,
            encounter_id=contact_id,
            site=second_site,
            happened_at=at + timedelta(minutes=10) if change.get("later") else at,
            note=change.get("note", "Asked"),
            kind=change.get("kind", "street"),
            services={syringes: change.get("quantity", 10)},
            parts=change.get("parts"),
        )
    versions = raised.value.payload
    assert raised.value.status == 409
    assert versions.encounter.pk == first.encounter.pk
    assert versions.differs() == differs
    assert versions.stored["note"] == "Asked" and versions.stored["services"] == {"sterile-syringes": 10}
    assert (Encounter.objects.count(), created(), OverdoseResponse.objects.count()) == (1, 1, 0)
    assert Encounter.objects.get().note == "Asked"


def test_the_conflict_carries_the_stored_parts(worker: User, person: Client) -> None:
    contact_id = uuid.uuid4()
    log_contact(worker, person, encounter_id=contact_id, parts={"overdose": RESPONSE})
    with pytest.raises(ContactConflict) as raised:
        log_contact(worker, person, encounter_id=contact_id)
    assert raised.value.payload.stored["parts"]["overdose"] == {
        "naloxone_doses": 2,
        "emergency_services": "called",
        "outcome": "transported",
        "debrief": "",
    }
    assert raised.value.payload.sent["parts"] == {}


def test_a_correction_since_does_not_turn_the_original_submission_into_a_conflict(
    worker: User, person: Client, site: Site
) -> None:
    """Duplicate means the same submission, not the same state: a retry that arrives after
    a correction (an offline phone) is still the contact already stored."""
    contact_id, at = uuid.uuid4(), timezone.now().replace(microsecond=0)
    log_contact(worker, person, encounter_id=contact_id, site=site, happened_at=at, note="First words")
    loaded = for_correction(worker).get(pk=contact_id)
    corrected = ContactValues(**{**ContactValues.of(loaded).__dict__, "note": "Corrected words"})
    correct_encounter(actor=worker, encounter=loaded, version=1, values=corrected)
    again = log_contact(worker, person, encounter_id=contact_id, site=site, happened_at=at, note="First words")
    assert again.outcome == Outcome.DUPLICATE
    assert Encounter.objects.get().note == "Corrected words"


def test_a_contact_stored_before_the_digest_takes_any_resubmission_as_a_duplicate(worker: User, person: Client) -> None:
    contact_id = uuid.uuid4()
    log_contact(worker, person, encounter_id=contact_id, note="Then")
    Encounter.objects.filter(pk=contact_id).update(submission_digest="")
    assert log_contact(worker, person, encounter_id=contact_id, note="Now").outcome == Outcome.DUPLICATE


def test_another_workers_id_is_not_found(worker: User, supervisor: User, person: Client) -> None:
    contact_id = uuid.uuid4()
    log_contact(worker, person, encounter_id=contact_id)
    with pytest.raises(NotFound):
        log_contact(supervisor, person, encounter_id=contact_id)
    assert Encounter.objects.get().worker_id == worker.pk


def test_the_actor_logs_only_for_their_teams_people_and_sites(worker: User, person: Client, other_team: Team) -> None:
    with pytest.raises(NotFound):
        log_contact(worker, ClientFactory.create(home_team=other_team))
    with pytest.raises(Invalid):
        log_contact(worker, person, site=SiteFactory.create(team=other_team))
    assert not Encounter.objects.exists() and not AuditEvent.objects.exists()


def test_an_unknown_part_is_refused(worker: User, person: Client) -> None:
    with pytest.raises(Invalid):
        log_contact(worker, person, parts={"horoscope": ("Leo",)})
    assert not Encounter.objects.exists()


def test_erasing_the_person_blanks_the_digest_with_the_note(worker: User, supervisor: User, person: Client) -> None:
    """The digest is made from the note: it goes where the note goes."""
    log_contact(worker, person, note="Met at the bridge")
    assert Encounter.objects.get().submission_digest != ""
    erase_client(actor=supervisor, client=Client.objects.get(pk=person.pk))
    assert Encounter.objects.values_list("note", "submission_digest").get() == ("", "")


def test_the_page_answers_a_different_contact_under_the_same_id_with_409(
    worker_client: HttpClient, person: Client, site: Site
) -> None:
    data = {
        "id": str(uuid.uuid4()),
        "who": person.code,
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk),
        "kind": "street",
        "note": "First",
    }
    assert worker_client.post(reverse("encounters:log"), data).status_code == 302
    response = worker_client.post(reverse("encounters:log"), {**data, "note": "Second"})
    assert response.status_code == 409
    page = response.content.decode()
    # The conflict page of Log a contact (encounters/views/log_conflict.py): both versions,
    # to the worker who logged the contact (another worker's id is a 404).
    assert "This contact was saved already, with other details" in page
    assert "Second" in page and "First" in page
    assert Encounter.objects.get().note == "First"
