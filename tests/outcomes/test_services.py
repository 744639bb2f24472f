"""Recording check-ins: answers, declined items, refusals, drafts, and check-ins at a contact."""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid
from encounters.models import Encounter
from encounters.services.contacts import log_encounter
from outcomes.models import Answer, CheckIn, CheckInDraft, Instrument, InstrumentItem
from outcomes.services import DRAFT_MAX_AGE, CheckInAtContact, CheckInRefused, record_check_in, save_draft
from tests.contacts import log_contact
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_check_in_stores_answers_and_total(
    actor: User, person: Client, worker: User, who5: Instrument, who5_items: list[InstrumentItem]
) -> None:
    given = dict(zip([item.pk for item in who5_items], [3, 2, 3, 2, 3], strict=True))
    check_in = record_check_in(actor=worker, client=person, instrument=who5, answers=given)
    assert check_in.total == 52
    assert check_in.team_id == person.home_team_id
    stored = {answer.item_id: (answer.value, answer.is_declined) for answer in Answer.objects.filter(check_in=check_in)}
    assert stored == {pk: (value, False) for pk, value in given.items()}
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHECK_IN_RECORDED)
    assert (event.client_id, event.object_id) == (person.pk, str(check_in.pk))
    assert event.details == {"instrument": "who5", "version": 1, "answered": 5, "declined": 0}


def test_declined_item_is_stored_as_declined_and_gives_no_total(
    actor: User, person: Client, worker: User, who5: Instrument, who5_items: list[InstrumentItem]
) -> None:
    given = dict(zip([item.pk for item in who5_items], [5, 5, None, 5, 5], strict=True))
    check_in = record_check_in(actor=worker, client=person, instrument=who5, answers=given)
    assert check_in.total is None
    declined = Answer.objects.get(check_in=check_in, item=who5_items[2])
    assert (declined.value, declined.is_declined) == (None, True)


@pytest.mark.parametrize("value", [6, -1])
def test_value_outside_the_scale_is_refused_and_nothing_stored(
    value: int,
    actor: User,
    person: Client,
    worker: User,
    who5: Instrument,
    who5_items: list[InstrumentItem],
) -> None:
    given = {who5_items[0].pk: 3, who5_items[1].pk: value}
    with pytest.raises(CheckInRefused, match=f"{value} is not one of the answers to “I have felt calm and relaxed”"):
        record_check_in(actor=worker, client=person, instrument=who5, answers=given)
    assert not CheckIn.objects.exists()
    assert not Answer.objects.exists()


def test_unknown_item_is_refused_and_nothing_stored(
    actor: User, person: Client, worker: User, who5: Instrument, ratings: Instrument
) -> None:
    other_item = ratings.items.first()
    assert other_item is not None
    with pytest.raises(CheckInRefused, match="not in this questionnaire"):
        record_check_in(actor=worker, client=person, instrument=who5, answers={other_item.pk: 3})
    assert not CheckIn.objects.exists()


def test_no_answer_at_all_is_refused(actor: User, person: Client, worker: User, who5: Instrument) -> None:
    with pytest.raises(CheckInRefused, match="Nothing to save"):
        record_check_in(actor=worker, client=person, instrument=who5, answers={})


def test_housing_choice_outside_the_options_is_refused(
    actor: User, person: Client, worker: User, housing: Instrument
) -> None:
    item = housing.items.get()
    with pytest.raises(CheckInRefused):
        record_check_in(actor=worker, client=person, instrument=housing, answers={item.pk: 9})
    stable = record_check_in(actor=worker, client=person, instrument=housing, answers={item.pk: 1})
    assert stable.answers.get().value == 1


def test_database_refuses_an_answer_both_declined_and_valued(
    actor: User, person: Client, worker: User, who5: Instrument, who5_items: list[InstrumentItem]
) -> None:
    check_in = record_check_in(actor=worker, client=person, instrument=who5, answers={who5_items[0].pk: 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(check_in=check_in, item=who5_items[1], value=0, is_declined=True)


class TestDraftsFromLogAContact:
    """Drafts are the panel's memory; the check-in comes from the answers sent with the
    contact (the "check_ins" part of its one save path)."""

    def draft(self, actor: User, person: Client, who5: Instrument, contact_id: uuid.UUID, values: list) -> None:
        items = list(who5.items.all())
        answers = {item.pk: value for item, value in zip(items, values, strict=False) if value != "-"}
        save_draft(actor=actor, client=person, instrument=who5, contact_id=contact_id, answers=answers)

    def answers(self, who5: Instrument, values: list) -> CheckInAtContact:
        items = list(who5.items.all())
        return CheckInAtContact(who5.pk, {item.pk: value for item, value in zip(items, values, strict=False)})

    def test_saving_the_contact_makes_the_check_in_from_its_answers(
        self, actor: User, person: Client, worker: User, who5: Instrument
    ) -> None:
        contact_id = uuid.uuid4()
        self.draft(actor, person, who5, contact_id, [3])
        self.draft(actor, person, who5, contact_id, [3, 2, None, 2, 3])  # the answers as they are now
        assert not CheckIn.objects.exists()
        happened = timezone.now().replace(microsecond=0) - timedelta(hours=2)
        given = self.answers(who5, [3, 2, None, 2, 3])
        logged = log_contact(
            worker, person, encounter_id=contact_id, happened_at=happened, parts={"check_ins": (given,)}
        )
        check_in = CheckIn.objects.get()
        assert (check_in.encounter_id, check_in.client_id, check_in.taken_at) == (
            logged.encounter.pk,
            person.pk,
            happened,
        )
        assert (check_in.total, check_in.recorded_by_id, check_in.instrument_id) == (None, worker.pk, who5.pk)
        values = sorted((a.item.order, a.value, a.is_declined) for a in check_in.answers.select_related("item"))
        assert values == [(1, 3, False), (2, 2, False), (3, None, True), (4, 2, False), (5, 3, False)]
        assert not CheckInDraft.objects.exists()
        recorded = AuditEvent.objects.get(action=AuditEvent.Action.CHECK_IN_RECORDED, object_id=str(check_in.pk))
        assert recorded.details["contact"] == str(logged.encounter.pk)

    def test_complete_answers_keep_their_total(self, person: Client, worker: User, who5: Instrument) -> None:
        log_contact(worker, person, parts={"check_ins": (self.answers(who5, [3, 2, 3, 2, 3]),)})
        assert CheckIn.objects.get().total == 52

    def test_a_draft_never_becomes_a_check_in_by_itself(
        self, actor: User, person: Client, worker: User, who5: Instrument
    ) -> None:
        """A draft for someone chosen first: the contact (with someone else) makes no
        check-in and throws the draft away. No trigger copies drafts any more."""
        first_choice = ClientFactory.create(home_team=person.home_team)
        contact_id = uuid.uuid4()
        self.draft(actor, first_choice, who5, contact_id, [1, 1])
        log_contact(worker, person, encounter_id=contact_id)
        assert not CheckIn.objects.exists()
        assert not CheckInDraft.objects.exists()

    def test_an_anonymous_contact_takes_no_check_in(self, person: Client, worker: User, who5: Instrument) -> None:
        with pytest.raises(Invalid):
            log_encounter(
                actor=worker,
                encounter_id=uuid.uuid4(),
                team=person.home_team,
                client=None,
                head_count=2,
                happened_at=timezone.now(),
                site=None,
                kind="street",
                services={},
                parts={"check_ins": (self.answers(who5, [1, 1]),)},
            )
        assert not CheckIn.objects.exists() and not Encounter.objects.exists()

    def test_a_refused_answer_refuses_the_whole_contact(
        self, person: Client, worker: User, who5: Instrument, who5_items: list[InstrumentItem]
    ) -> None:
        with pytest.raises(CheckInRefused):
            log_contact(worker, person, parts={"check_ins": (CheckInAtContact(who5.pk, {who5_items[0].pk: 9}),)})
        assert not Encounter.objects.exists() and not CheckIn.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_answers_after_the_contact_was_saved_keep_nothing(
        self, actor: User, person: Client, worker: User, who5: Instrument
    ) -> None:
        """The last tap's draft arrives after the contact, which carried every answer."""
        contact_id = uuid.uuid4()
        self.draft(actor, person, who5, contact_id, [3, 2, 3, 2])
        given = self.answers(who5, [3, 2, 3, 2, 3])
        logged = log_contact(worker, person, encounter_id=contact_id, parts={"check_ins": (given,)})
        late = save_draft(
            actor=actor, client=person, instrument=who5, contact_id=contact_id, answers=dict(given.answers)
        )
        check_in = CheckIn.objects.get()  # not a second one, not replaced
        assert (check_in.encounter_id, check_in.total, check_in.answers.count()) == (logged.encounter.pk, 52, 5)
        assert (late.contact_saved, late.check_in) == (True, check_in)
        assert not CheckInDraft.objects.exists()

    def test_old_drafts_are_thrown_away(self, actor: User, person: Client, who5: Instrument) -> None:
        abandoned = uuid.uuid4()
        self.draft(actor, person, who5, abandoned, [1])
        CheckInDraft.objects.update(updated_at=timezone.now() - DRAFT_MAX_AGE - timedelta(minutes=1))
        self.draft(actor, person, who5, uuid.uuid4(), [2])
        assert not CheckInDraft.objects.filter(contact_ref=abandoned).exists()
        assert CheckInDraft.objects.count() == 1

    def test_refused_draft_keeps_what_was_kept(
        self, actor: User, person: Client, who5: Instrument, who5_items: list[InstrumentItem]
    ) -> None:
        contact_id = uuid.uuid4()
        self.draft(actor, person, who5, contact_id, [1])
        with pytest.raises(CheckInRefused):
            save_draft(
                actor=actor,
                client=person,
                instrument=who5,
                contact_id=contact_id,
                answers={who5_items[0].pk: 9},
            )
        assert CheckInDraft.objects.get().answers == {str(who5_items[0].pk): 1}


def test_a_check_in_begun_during_a_contact_is_audited_once(
    actor: User, person: Client, who5: Instrument, who5_items: list[InstrumentItem]
) -> None:
    contact_id = uuid.uuid4()
    for value in (1, 2, 3):
        save_draft(
            actor=actor,
            client=person,
            instrument=who5,
            contact_id=contact_id,
            answers={who5_items[0].pk: value},
        )
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHECK_IN_RECORDED)
    assert (event.client_id, event.actor_id) == (person.pk, actor.pk)
    assert event.details == {"instrument": "who5", "version": 1, "contact": str(contact_id), "during_contact": True}
