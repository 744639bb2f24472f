"""A batch of contacts through the one save path (`log_encounters`, what an import uses):
each contact checked, stored and audited exactly as `log_encounter` does one, in a fixed
number of statements for the batch."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid, NotFound
from encounters.models import Encounter, ServiceProvided, ServiceType, Site, StockLevel, StockMonth
from encounters.services.contacts import ContactConflict, NewContact, Outcome, log_encounters
from encounters.services.referrals import NewReferral
from encounters.services.stock import receive_delivery
from encounters.services.supplies import month_of
from outcomes.models import CheckIn, CheckInDraft, Instrument
from outcomes.services import CheckInAtContact, save_draft
from tests.factories import ClientFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def syringes() -> ServiceType:
    return ServiceType.objects.get(slug="sterile-syringes")


def batch(team: Team, people: list[Client], site: Site, syringes: ServiceType, *, days: int = 0) -> list[NewContact]:
    """A contact with each person (a day apart, going back), and one anonymous of three people."""
    now = timezone.now().replace(microsecond=0)
    contacts = [
        NewContact(
            encounter_id=uuid.uuid4(),
            team=team,
            client=person,
            head_count=1,
            happened_at=now - timedelta(days=days + n),
            site=site,
            kind="street",
            services={syringes: 5 + n},
        )
        for n, person in enumerate(people)
    ]
    anonymous = NewContact(
        encounter_id=uuid.uuid4(),
        team=team,
        client=None,
        head_count=3,
        happened_at=now - timedelta(days=days + 40),
        site=site,
        kind="van",
        services={syringes: 30},
    )
    return [*contacts, anonymous]


def test_a_batch_stores_each_contact_with_its_services_seen_dates_and_audit_event(
    team: Team, worker: User, site: Site, syringes: ServiceType
) -> None:
    people = [ClientFactory.create(home_team=team) for _ in range(3)]
    contacts = batch(team, people, site, syringes)
    answers = log_encounters(actor=worker, contacts=contacts)
    assert [answer.outcome for answer in answers] == [Outcome.CREATED] * 4
    assert [answer.encounter.pk for answer in answers] == [contact.encounter_id for contact in contacts]
    stored = {row.pk: row for row in Encounter.objects.all()}
    assert len(stored) == 4
    anonymous = stored[contacts[3].encounter_id]
    assert (anonymous.client_id, anonymous.head_count, anonymous.kind, anonymous.worker_id) == (
        None,
        3,
        "van",
        worker.pk,
    )
    given = dict(ServiceProvided.objects.values_list("encounter_id", "quantity"))
    assert given == {contact.encounter_id: 5 + n for n, contact in enumerate(contacts[:3])} | {
        contacts[3].encounter_id: 30
    }
    for person, contact in zip(people, contacts, strict=False):
        person.refresh_from_db()
        assert person.last_seen_at == contact.happened_at
    events = AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CREATED)
    assert sorted((event.object_id, event.client_id, event.actor_id) for event in events) == sorted(
        (str(contact.encounter_id), contact.client.pk if contact.client else None, worker.pk) for contact in contacts
    )


def test_the_same_batch_again_stores_nothing_new(team: Team, worker: User, site: Site, syringes: ServiceType) -> None:
    contacts = batch(team, [ClientFactory.create(home_team=team) for _ in range(2)], site, syringes)
    log_encounters(actor=worker, contacts=contacts)
    again = log_encounters(actor=worker, contacts=contacts)
    assert [answer.outcome for answer in again] == [Outcome.DUPLICATE] * 3
    assert (Encounter.objects.count(), ServiceProvided.objects.count()) == (3, 3)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CREATED).count() == 3


def test_an_id_twice_in_one_batch_is_stored_once_or_is_a_conflict(
    team: Team, worker: User, site: Site, syringes: ServiceType
) -> None:
    (contact, _anonymous) = batch(team, [ClientFactory.create(home_team=team)], site, syringes)
    answers = log_encounters(actor=worker, contacts=[contact, contact])
    assert [answer.outcome for answer in answers] == [Outcome.CREATED, Outcome.DUPLICATE]
    assert Encounter.objects.count() == 1
    changed = NewContact(**{**contact.__dict__, "encounter_id": uuid.uuid4()})
    other = NewContact(**{**changed.__dict__, "note": "Something else"})
    with pytest.raises(ContactConflict):
        log_encounters(actor=worker, contacts=[changed, other])
    assert Encounter.objects.count() == 1


def test_one_refused_contact_refuses_the_whole_batch(
    team: Team, other_team: Team, worker: User, site: Site, syringes: ServiceType
) -> None:
    contacts = batch(team, [ClientFactory.create(home_team=team) for _ in range(2)], site, syringes)
    elsewhere = NewContact(
        **{**contacts[0].__dict__, "encounter_id": uuid.uuid4(), "site": SiteFactory.create(team=other_team)}
    )
    with pytest.raises(Invalid):
        log_encounters(actor=worker, contacts=[*contacts, elsewhere])
    outsider_person = NewContact(
        **{**contacts[0].__dict__, "encounter_id": uuid.uuid4(), "client": ClientFactory.create(home_team=other_team)}
    )
    with pytest.raises(NotFound):
        log_encounters(actor=worker, contacts=[*contacts, outsider_person])
    assert not Encounter.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_CREATED).exists()


def test_parts_in_a_batch_are_saved_as_for_one_contact(
    team: Team, worker: User, site: Site, syringes: ServiceType
) -> None:
    """A check-in and a referral with some contacts of the batch; the drafts of every contact
    of the batch thrown away (the check-ins part's save_many), as log_encounter does."""
    who5 = Instrument.objects.prefetch_related("items").get(slug="who5", is_current=True)
    items = list(who5.items.all())
    people = [ClientFactory.create(home_team=team) for _ in range(3)]
    contacts = batch(team, people, site, syringes)
    for contact, person in zip(contacts, people, strict=False):
        save_draft(
            actor=worker, client=person, instrument=who5, contact_id=contact.encounter_id, answers={items[0].pk: 2}
        )
    answers = CheckInAtContact(who5.pk, {item.pk: 3 for item in items})
    contacts[0] = NewContact(**{**contacts[0].__dict__, "parts": {"check_ins": (answers,)}})
    contacts[2] = NewContact(**{**contacts[2].__dict__, "parts": {"referral": NewReferral(to="housing")}})
    log_encounters(actor=worker, contacts=contacts)
    check_in = CheckIn.objects.get()
    assert (check_in.encounter_id, check_in.client_id, check_in.total) == (contacts[0].encounter_id, people[0].pk, 60)
    assert not CheckInDraft.objects.exists()
    assert list(people[2].referrals.values_list("encounter_id", "to")) == [(contacts[2].encounter_id, "housing")]


def test_what_a_batch_gives_comes_off_the_stock_in_each_contact_s_month(
    team: Team, worker: User, supervisor: User, site: Site, syringes: ServiceType
) -> None:
    today = timezone.localdate()
    receive_delivery(actor=supervisor, team=team, service_type=syringes, quantity=1000, on=today - timedelta(days=90))
    contacts = batch(team, [ClientFactory.create(home_team=team) for _ in range(2)], site, syringes, days=20)
    log_encounters(actor=worker, contacts=contacts)
    by_month: dict = {}
    for contact in contacts:
        month = month_of(timezone.localdate(contact.happened_at))
        by_month[month] = by_month.get(month, 0) + contact.services[syringes]
    stored = dict(StockMonth.objects.filter(team=team, service_type=syringes).values_list("month", "given"))
    assert {month: given for month, given in stored.items() if given} == by_month
    assert StockLevel.objects.get(team=team, service_type=syringes).on_hand == 1000 - (5 + 6 + 30)


@pytest.mark.parametrize("size", [2, 20])
def test_a_batch_costs_the_same_statements_for_2_contacts_as_for_20(
    size: int, team: Team, worker: User, site: Site, syringes: ServiceType
) -> None:
    people = [ClientFactory.create(home_team=team) for _ in range(size)]
    contacts = batch(team, people, site, syringes)
    worker.team_ids  # noqa: B018 (loaded once per request by the middleware)
    with CaptureQueriesContext(connection) as queries:
        log_encounters(actor=worker, contacts=contacts)
    assert Encounter.objects.count() == size + 1
    # A savepoint and its release around the whole, the ids stored already, a savepoint, the
    # contacts, their services, the people seen, the audit events, its release, the goal
    # reviews waiting, the check-in drafts, the stock taken off: 12.
    assert len(queries) == 12, [query["sql"][:80] for query in queries.captured_queries]
