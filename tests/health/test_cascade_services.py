"""Tests and linkage steps: recorded through the contact's one save path, audited, scoped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid, NotFound
from encounters.services.contacts import Outcome
from health.models import HealthTest, LinkageStep
from health.services import ResultAtContact, StepAtContact, record_linkage_step, record_test
from tests.contacts import log_contact

pytestmark = pytest.mark.django_db

REACTIVE_HIV = ResultAtContact("hiv", "rapid", "reactive", None)


def test_a_test_at_a_contact_is_stored_with_the_contact_and_audited(worker: User, person: Client) -> None:
    follow_up = timezone.localdate() + timedelta(days=7)
    logged = log_contact(
        worker, person, parts={"health_tests": (ResultAtContact("hiv", "rapid", "reactive", follow_up),)}
    )
    test = HealthTest.objects.get()
    assert (test.client_id, test.encounter_id, test.kind, test.result) == (
        person.pk,
        logged.encounter.pk,
        "hiv",
        "reactive",
    )
    assert test.tested_on == timezone.localdate(logged.encounter.happened_at)
    assert test.follow_up_on == follow_up and test.team_id == person.home_team_id
    event = AuditEvent.objects.get(action=AuditEvent.Action.HEALTH_TEST_RECORDED)
    assert event.client_id == person.pk and event.details == {"kind": "hiv"}


def test_the_cascade_over_three_contacts(worker: User, person: Client) -> None:
    now = timezone.now().replace(microsecond=0)
    first = log_contact(worker, person, happened_at=now - timedelta(days=20), parts={"health_tests": (REACTIVE_HIV,)})
    test = HealthTest.objects.get(encounter=first.encounter)
    log_contact(
        worker,
        person,
        happened_at=now - timedelta(days=10),
        parts={"linkage_steps": (StepAtContact(test.pk, "confirmed"),)},
    )
    log_contact(
        worker,
        person,
        happened_at=now,
        parts={"linkage_steps": (StepAtContact(test.pk, "linked", timezone.localdate() + timedelta(days=14)),)},
    )
    steps = list(LinkageStep.objects.filter(test=test).order_by("done_on").values_list("step", "done_on"))
    assert steps == [
        ("confirmed", timezone.localdate(now - timedelta(days=10))),
        ("linked", timezone.localdate(now)),
    ]
    refreshed = HealthTest.objects.prefetch_related("steps").get(pk=test.pk)
    assert refreshed.is_open and refreshed.next_steps() == ["treatment"]
    assert refreshed.follow_up_due() == timezone.localdate() + timedelta(days=14)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LINKAGE_STEP_RECORDED).count() == 2


def test_the_same_contact_sent_again_is_a_duplicate_and_stores_no_second_test(worker: User, person: Client) -> None:
    now = timezone.now().replace(microsecond=0)
    first = log_contact(worker, person, happened_at=now, parts={"health_tests": (REACTIVE_HIV,)})
    again = log_contact(
        worker, person, encounter_id=first.encounter.pk, happened_at=now, parts={"health_tests": (REACTIVE_HIV,)}
    )
    assert again.outcome == Outcome.DUPLICATE
    assert HealthTest.objects.count() == 1


def test_a_refused_step_refuses_the_whole_contact(worker: User, person: Client) -> None:
    log_contact(worker, person, parts={"health_tests": (ResultAtContact("hiv", "rapid", "non_reactive"),)})
    test = HealthTest.objects.get()
    with pytest.raises(Invalid):
        log_contact(worker, person, note="second", parts={"linkage_steps": (StepAtContact(test.pk, "linked"),)})
    assert LinkageStep.objects.count() == 0
    assert person.encounters.count() == 1  # the refused contact was not stored either


def test_a_step_twice_is_refused(worker: User, person: Client) -> None:
    test = record_test(
        actor=worker,
        client=person,
        kind="hcv_antibody",
        method="rapid",
        result="reactive",
        tested_on=timezone.localdate(),
    )
    record_linkage_step(actor=worker, test=test, step="linked", done_on=timezone.localdate())
    with pytest.raises(Invalid):
        record_linkage_step(
            actor=worker, test=HealthTest.objects.get(pk=test.pk), step="linked", done_on=timezone.localdate()
        )


def test_cured_is_a_step_of_hepatitis_c_only(worker: User, person: Client) -> None:
    hiv = record_test(
        actor=worker, client=person, kind="hiv", method="rapid", result="reactive", tested_on=timezone.localdate()
    )
    hcv = record_test(
        actor=worker,
        client=person,
        kind="hcv_rna",
        method="referral",
        result="reactive",
        tested_on=timezone.localdate(),
    )
    with pytest.raises(Invalid):
        record_linkage_step(actor=worker, test=hiv, step="cured", done_on=timezone.localdate())
    record_linkage_step(actor=worker, test=hcv, step="treatment", done_on=timezone.localdate())
    hcv = HealthTest.objects.prefetch_related("steps").get(pk=hcv.pk)
    assert hcv.is_open and hcv.next_steps() == ["confirmed", "linked", "cured"]
    record_linkage_step(actor=worker, test=hcv, step="cured", done_on=timezone.localdate())
    assert not HealthTest.objects.prefetch_related("steps").get(pk=hcv.pk).is_open


def test_another_teams_worker_cannot_record_a_test(outsider: User, person: Client) -> None:
    with pytest.raises(NotFound):
        record_test(
            actor=outsider,
            client=person,
            kind="hiv",
            method="rapid",
            result="non_reactive",
            tested_on=timezone.localdate(),
        )
    assert HealthTest.objects.count() == 0


def test_a_future_test_date_is_refused(worker: User, person: Client) -> None:
    with pytest.raises(Invalid):
        record_test(
            actor=worker,
            client=person,
            kind="hiv",
            method="rapid",
            result="non_reactive",
            tested_on=timezone.localdate() + timedelta(days=1),
        )


def test_a_step_for_another_persons_test_at_a_contact_is_not_found(worker: User, person: Client) -> None:
    from tests.factories import ClientFactory

    other = ClientFactory.create(home_team=person.home_team)
    test = record_test(
        actor=worker, client=other, kind="hiv", method="rapid", result="reactive", tested_on=timezone.localdate()
    )
    with pytest.raises(NotFound):
        log_contact(worker, person, parts={"linkage_steps": (StepAtContact(test.pk, "confirmed"),)})
    assert LinkageStep.objects.count() == 0
