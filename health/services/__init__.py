"""Recording tests and linkage steps: the one place each is made, audited, at a contact or not.

`record_test` and `record_linkage_step` are called by the contact's save path (the parts
below, registered in health/apps.py) and by the health page of a person (tests done
elsewhere, noted later). Each runs in the caller's transaction, checks the actor's scope
(NotFound outside it), refuses what breaks a rule (Invalid, nothing stored) and writes one
audit event with ids and kinds only.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid, NotFound
from encounters.models import Encounter
from encounters.parts import person_of

from ..models import HealthTest, LinkageStep


def _check_person(actor: User, client: Client) -> None:
    if client.home_team_id not in actor.team_ids or client.merged_into_id is not None:
        raise NotFound


def _check_dates(on: date, follow_up_on: date | None) -> None:
    if on > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."))
    if follow_up_on is not None and follow_up_on < on:
        raise Invalid(_("The follow-up cannot be before the day it follows."))


@transaction.atomic
def record_test(
    *,
    actor: User,
    client: Client,
    kind: str,
    method: str,
    result: str,
    tested_on: date,
    follow_up_on: date | None = None,
    encounter: Encounter | None = None,
) -> HealthTest:
    """A test of `client` and its result, counted for the person's team."""
    _check_person(actor, client)
    if kind not in HealthTest.Kind.values or method not in HealthTest.Method.values:
        raise Invalid(_("Choose a test and how it was done."))
    if result not in HealthTest.Result.values:
        raise Invalid(_("Choose the result, or Not shared."))
    _check_dates(tested_on, follow_up_on)
    test = HealthTest.objects.create(
        client=client,
        team_id=client.home_team_id,
        encounter=encounter,
        kind=kind,
        method=method,
        result=result,
        tested_on=tested_on,
        follow_up_on=follow_up_on if result == HealthTest.Result.REACTIVE else None,
        created_by=actor,
    )
    record(
        action=AuditEvent.Action.HEALTH_TEST_RECORDED,
        actor=actor,
        target=test,
        client_id=client.pk,
        details={"kind": kind},
    )
    return test


@transaction.atomic
def record_linkage_step(
    *,
    actor: User,
    test: HealthTest,
    step: str,
    done_on: date,
    follow_up_on: date | None = None,
    encounter: Encounter | None = None,
) -> LinkageStep:
    """One step of the cascade after a reactive test; each step once per test."""
    person = Client.objects.only("home_team_id", "merged_into_id").get(pk=test.client_id)
    _check_person(actor, person)
    if not test.is_reactive:
        raise Invalid(_("Linkage to care follows a reactive result."))
    if step not in test.steps_possible():
        raise Invalid(_("This step does not follow this test."))
    if step not in test.next_steps():
        raise Invalid(_("This step is recorded already."))
    _check_dates(done_on, follow_up_on)
    if done_on < test.tested_on:
        raise Invalid(_("A linkage step cannot come before its test."))
    try:
        with transaction.atomic():
            made = LinkageStep.objects.create(
                test=test,
                team_id=person.home_team_id,
                encounter=encounter,
                step=step,
                done_on=done_on,
                follow_up_on=follow_up_on,
                created_by=actor,
            )
    except IntegrityError:
        raise Invalid(_("This step is recorded already.")) from None
    record(
        action=AuditEvent.Action.LINKAGE_STEP_RECORDED,
        actor=actor,
        target=made,
        client_id=test.client_id,
        details={"kind": test.kind, "step": step},
    )
    return made


# The parts of a contact (encounters/parts.py): tests given and linkage steps noted at it.


@dataclass(frozen=True)
class ResultAtContact:
    kind: str
    method: str
    result: str
    follow_up_on: date | None = None


@dataclass(frozen=True)
class StepAtContact:
    test_id: uuid.UUID
    step: str
    follow_up_on: date | None = None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def save_tests_part(*, actor: User, encounter: Encounter, data: tuple[ResultAtContact, ...] | None) -> None:
    """The tests at a contact: on the contact's day, for its person."""
    if not data:
        return
    person = person_of(encounter)
    if len({test.kind for test in data}) < len(data):
        raise Invalid(_("Each test once per contact."))
    on = timezone.localdate(encounter.happened_at)
    for test in data:
        record_test(
            actor=actor,
            client=person,
            kind=test.kind,
            method=test.method,
            result=test.result,
            tested_on=on,
            follow_up_on=test.follow_up_on,
            encounter=encounter,
        )


def save_steps_part(*, actor: User, encounter: Encounter, data: tuple[StepAtContact, ...] | None) -> None:
    """Linkage steps noted at a contact, for the person's own tests (another's: NotFound)."""
    if not data:
        return
    person = person_of(encounter)
    tests = {
        test.pk: test
        for test in HealthTest.objects.filter(client=person, pk__in=[step.test_id for step in data]).prefetch_related(
            "steps"
        )
    }
    on = timezone.localdate(encounter.happened_at)
    for step in data:
        test = tests.get(step.test_id)
        if test is None:
            raise NotFound
        record_linkage_step(
            actor=actor, test=test, step=step.step, done_on=on, follow_up_on=step.follow_up_on, encounter=encounter
        )


def tests_canonical(data: tuple[ResultAtContact, ...]) -> list[dict[str, Any]]:
    rows = [
        {"kind": t.kind, "method": t.method, "result": t.result, "follow_up_on": _day(t.follow_up_on)} for t in data
    ]
    return sorted(rows, key=lambda row: row["kind"])


def stored_tests(encounter: Encounter) -> list[dict[str, Any]] | None:
    tests = HealthTest.objects.filter(encounter=encounter)
    found = tuple(ResultAtContact(t.kind, t.method, t.result, t.follow_up_on) for t in tests)
    return tests_canonical(found) or None


def steps_canonical(data: tuple[StepAtContact, ...]) -> list[dict[str, Any]]:
    rows = [{"test": str(s.test_id), "step": s.step, "follow_up_on": _day(s.follow_up_on)} for s in data]
    return sorted(rows, key=lambda row: (row["test"], row["step"]))


def stored_steps(encounter: Encounter) -> list[dict[str, Any]] | None:
    steps = LinkageStep.objects.filter(encounter=encounter)
    found = tuple(StepAtContact(s.test_id, s.step, s.follow_up_on) for s in steps)
    return steps_canonical(found) or None
