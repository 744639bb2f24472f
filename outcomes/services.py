"""Recording check-ins, keeping the drafts of Log a contact, and versioning instruments.

`record_check_in` is the one place a check-in is made: on its own page, and as the
"check_ins" part of a contact (`save_check_ins_part`, called by encounters' one save path
in the contact's transaction). It validates the answers against the instrument version
first and refuses (CheckInRefused, nothing stored) an answer outside an item's scale or for
an item the version does not have; then it computes the total by the version's rule
(outcomes/scoring.py) and writes the rows and the audit event in one transaction.

Drafts are the page's memory while a contact is being logged: the answers given so far,
kept so the panel can be drawn again with them (the person chosen again, the page shown
again with a mistake to fix). They never become a check-in themselves: the answers are
fields of the contact's form and travel with it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid
from encounters.models import Encounter
from encounters.parts import person_of

from . import scoring
from .models import Answer, CheckIn, CheckInDraft, Instrument, InstrumentItem

# A draft whose contact was not saved within this time is thrown away (its contact will
# never be saved: the log form's id is made afresh each time the page is opened). Saving
# the contact with check-in answers throws its drafts away at once.
DRAFT_MAX_AGE = timedelta(hours=12)

Answers = Mapping[UUID, int | None]  # item id -> value, or None for "prefer not to say"


def _unknown_item() -> str:
    return _("An answer was sent for a question that is not in this questionnaire. Nothing was saved.")


class CheckInRefused(Invalid):
    """The answers cannot be stored as given; the message says why, in words for the worker."""


def check_answers(instrument: Instrument, items: Sequence[InstrumentItem], answers: Answers) -> None:
    """Refuse answers for items the version does not have, or outside an item's answers."""
    by_id = {item.pk: item for item in items}
    if any(item_id not in by_id for item_id in answers):
        raise CheckInRefused(
            _("An answer was sent for a question that is not in this questionnaire. Nothing was saved.")
        )
    for item_id, value in answers.items():
        if value is not None and not by_id[item_id].accepts(value):
            raise CheckInRefused(
                _("%(value)s is not one of the answers to “%(question)s”. Nothing was saved.")
                % {"value": value, "question": by_id[item_id].text}
            )
    if not answers:
        raise CheckInRefused(_("Nothing to save: give at least one answer, or “prefer not to say”."))


def _items(instrument: Instrument) -> list[InstrumentItem]:
    return list(instrument.items.all())


def _audit(actor: User, check_in: CheckIn, answers: Answers, **details: Any) -> None:
    declined = sum(1 for value in answers.values() if value is None)
    record(
        action=AuditEvent.Action.CHECK_IN_RECORDED,
        actor=actor,
        target=check_in,
        client_id=check_in.client_id,
        details={"instrument": check_in.instrument.slug, "version": check_in.instrument.version}
        | {"answered": len(answers) - declined, "declined": declined}
        | details,
    )


def record_check_in(
    *,
    actor: User,
    client: Client,
    instrument: Instrument,
    answers: Answers,
    encounter: Encounter | None = None,
    taken_at: datetime | None = None,
) -> CheckIn:
    """Store one check-in with its answers and total; the audit trail notes it."""
    items = _items(instrument)
    check_answers(instrument, items, answers)
    with transaction.atomic():
        check_in = CheckIn.objects.create(
            client=client,
            team_id=client.home_team_id,
            encounter=encounter,
            instrument=instrument,
            taken_at=taken_at or (encounter.happened_at if encounter else timezone.now()),
            recorded_by=actor,
            total=scoring.total(instrument, items, answers),
        )
        Answer.objects.bulk_create(
            Answer(check_in=check_in, item_id=item_id, value=value, is_declined=value is None)
            for item_id, value in answers.items()
        )
        _audit(actor, check_in, answers, **({"contact": str(encounter.pk)} if encounter else {}))
    return check_in


@dataclass(frozen=True)
class DraftSaved:
    """What happened to answers given inside Log a contact."""

    total: Decimal | None
    answered: int
    declined: int
    contact_saved: bool = False  # the contact was saved already: nothing kept
    check_in: CheckIn | None = None  # the check-in saved with it for this instrument, if any


def save_draft(
    *,
    actor: User,
    client: Client,
    instrument: Instrument,
    contact_id: UUID,
    answers: Answers,
) -> DraftSaved:
    """Keep the answers given so far for the contact being logged (all of them, as they are now).

    The check-in itself comes from the answers sent with the contact (`save_check_ins_part`).
    If the contact is saved already (this answer arrived just after it), nothing is kept:
    the answers went with the contact, and the status says what was saved with it. The
    lock on the contact's id is the one the contact's check-in part takes, so a draft is
    never kept after its contact threw its drafts away.
    """
    items = _items(instrument)
    check_answers(instrument, items, answers)
    total = scoring.total(instrument, items, answers)
    declined = sum(1 for value in answers.values() if value is None)
    saved = DraftSaved(total=total, answered=len(answers) - declined, declined=declined)
    with transaction.atomic():
        lock_contact_drafts(contact_id)
        if Encounter.objects.filter(pk=contact_id).exists():
            check_in = CheckIn.objects.filter(encounter_id=contact_id, client=client, instrument=instrument).first()
            return DraftSaved(
                total=total, answered=saved.answered, declined=declined, contact_saved=True, check_in=check_in
            )
        key = {"contact_ref": contact_id, "client": client, "instrument": instrument}
        started = not CheckInDraft.objects.filter(**key).exists()
        draft = CheckInDraft(
            contact_ref=contact_id,
            client=client,
            instrument=instrument,
            team_id=client.home_team_id,
            recorded_by=actor,
            answers={str(item_id): value for item_id, value in answers.items()},
            total=total,
            updated_at=timezone.now(),
        )
        # One statement: insert, or replace the answers kept so far (INSERT ... ON CONFLICT).
        CheckInDraft.objects.bulk_create(
            [draft],
            update_conflicts=True,
            unique_fields=["contact_ref", "client", "instrument"],
            update_fields=["team", "recorded_by", "answers", "total", "updated_at"],
        )
        CheckInDraft.objects.filter(updated_at__lt=timezone.now() - DRAFT_MAX_AGE).delete()
        if started:
            # Once per check-in begun during a contact (not on every tap): who gave whose answers.
            record(
                action=AuditEvent.Action.CHECK_IN_RECORDED,
                actor=actor,
                client_id=client.pk,
                details={"instrument": instrument.slug, "version": instrument.version, "contact": str(contact_id)}
                | {"during_contact": True},
            )
    return saved


# A part of a contact (encounters/parts.py): check-ins ------------------------------------


@dataclass(frozen=True)
class CheckInAtContact:
    """One instrument's answers given at a contact. The "check_ins" part is a tuple of these."""

    instrument_id: UUID
    answers: Mapping[UUID, int | None]


def lock_contact_drafts(contact_id: UUID) -> None:
    """Serialise a contact's drafts with its saving (save_draft and save_check_ins_part)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [str(contact_id)])


def save_check_ins_part(*, actor: User, encounter: Encounter, data: Sequence[CheckInAtContact] | None) -> None:
    """A check-in per instrument answered, taken at the contact's time. An instrument that
    is not offered any more, or answered twice, refuses the whole contact (CheckInRefused).

    The contact's drafts are thrown away either way (answers given for someone chosen
    first, then changed, are never anyone's check-in). With answers, under the drafts'
    lock, so a draft saved at the same moment is never kept after its contact.
    """
    if data:
        lock_contact_drafts(encounter.pk)
    CheckInDraft.objects.filter(contact_ref=encounter.pk).delete()
    if not data:
        return
    person = person_of(encounter)
    ids = [given.instrument_id for given in data]
    if len(set(ids)) != len(ids):
        raise CheckInRefused(_("A questionnaire was answered twice in one contact. Nothing was saved."))
    offered = {instrument.pk: instrument for instrument in Instrument.objects.offered().filter(pk__in=ids)}
    for given in data:
        instrument = offered.get(given.instrument_id)
        if instrument is None:
            raise CheckInRefused(_("This questionnaire is not offered any more. Nothing was saved."))
        record_check_in(actor=actor, client=person, instrument=instrument, answers=given.answers, encounter=encounter)


def save_check_ins_parts(*, actor: User, items: Sequence[tuple[Encounter, Sequence[CheckInAtContact] | None]]) -> None:
    """`save_check_ins_part` for a batch of new contacts (encounters' log_encounters): the
    drafts of every contact without answers thrown away in one DELETE; each contact with
    answers as `save_check_ins_part` saves one (under its drafts' lock)."""
    without = [encounter.pk for encounter, data in items if not data]
    if without:
        CheckInDraft.objects.filter(contact_ref__in=without).delete()
    for encounter, data in items:
        if data:
            save_check_ins_part(actor=actor, encounter=encounter, data=data)


def check_ins_canonical(data: Sequence[CheckInAtContact]) -> list[list[object]]:
    return sorted(
        [str(given.instrument_id), sorted([str(item), value] for item, value in given.answers.items())]
        for given in data
    )


def stored_check_ins(encounter: Encounter) -> list[list[object]]:
    check_ins = CheckIn.objects.filter(encounter=encounter).prefetch_related("answers")
    return check_ins_canonical(
        [
            CheckInAtContact(
                check_in.instrument_id,
                {answer.item_id: None if answer.is_declined else answer.value for answer in check_in.answers.all()},
            )
            for check_in in check_ins
        ]
    )


# Instruments defined by data admins -------------------------------------------------------


@dataclass(frozen=True)
class ItemDefinition:
    wording: str
    scale_min: int
    scale_max: int
    is_reverse_scored: bool = False
    low_label: str = ""
    high_label: str = ""

    def labels(self) -> list[dict[str, Any]]:
        ends = [(self.scale_min, self.low_label), (self.scale_max, self.high_label)]
        return [{"value": value, "label": label} for value, label in ends if label]


INSTRUMENT_FIELDS = [
    "name",
    "instructions",
    "licence",
    "citation",
    "is_active",
    "scoring",
    "factor",
    "min_answered",
    "higher_is_better",
    "smallest_change",
    "reliability",
    "sd",
    "norms_source",
]


def _write_version(instrument: Instrument, *, fields: Mapping[str, Any], items: Sequence[ItemDefinition]) -> Instrument:
    """Save the instrument with these settings and exactly these items (replacing any it had)."""
    for name, value in fields.items():
        setattr(instrument, name, value)
    rows = [
        InstrumentItem(
            order=order,
            key=f"item-{order}",
            wording=item.wording,
            scale_min=item.scale_min,
            scale_max=item.scale_max,
            is_reverse_scored=item.is_reverse_scored,
            labels=item.labels(),
        )
        for order, item in enumerate(items, start=1)
    ]
    instrument.total_min, instrument.total_max = scoring.total_range(instrument, rows) or (None, None)
    instrument.save()
    InstrumentItem.objects.filter(instrument=instrument).delete()
    for row in rows:
        row.instrument = instrument
    InstrumentItem.objects.bulk_create(rows)
    return instrument


def define_instrument(
    *, actor: User, slug: str, fields: Mapping[str, Any], items: Sequence[ItemDefinition]
) -> Instrument:
    """A new instrument, version 1."""
    with transaction.atomic():
        new = Instrument(slug=slug, version=1, is_current=True, created_by=actor)
        instrument = _write_version(new, fields=fields, items=items)
        record(action=AuditEvent.Action.INSTRUMENT_CHANGED, actor=actor, target=instrument, details={"version": 1})
    return instrument


def instrument_use(instrument: Instrument) -> tuple[int, int]:
    """(check-ins, drafts) of this version across EVERY team.

    Counted by `alongside_instrument_use` (outcomes 0006), a definer function: a data admin
    editing a questionnaire is in no team, so row-level security (core/scope.py) would hide
    every check-in from a plain query. Two counts, nothing about any person.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT check_ins, drafts FROM alongside_instrument_use(%s)", [instrument.pk])
        check_ins, drafts = cursor.fetchone()
    return int(check_ins), int(drafts)


def is_in_use(instrument: Instrument) -> bool:
    return any(instrument_use(instrument))


def change_instrument(
    *,
    actor: User,
    instrument: Instrument,
    fields: Mapping[str, Any],
    items: Sequence[ItemDefinition],
) -> Instrument:
    """Change an instrument: in place while nothing uses this version, else as version n+1.

    Past check-ins keep pointing at the version they were answered with, so their wording,
    scale and total keep their meaning. Built-in instruments are defined in code: only
    whether they are offered can change here.
    """
    with transaction.atomic():
        current = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if current.is_builtin:
            Instrument.objects.filter(pk=current.pk).update(is_active=fields["is_active"])
            changed = current
        elif is_in_use(current):
            Instrument.objects.filter(pk=current.pk).update(is_current=False)
            new = Instrument(slug=current.slug, version=current.version + 1, is_current=True, created_by=actor)
            changed = _write_version(new, fields=fields, items=items)
        else:
            changed = _write_version(current, fields=fields, items=items)
        record(
            action=AuditEvent.Action.INSTRUMENT_CHANGED,
            actor=actor,
            target=changed,
            details={"version": changed.version, "previous": str(instrument.pk)},
        )
    return changed
