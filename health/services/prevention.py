"""PrEP and PEP, and vaccinations: the one place each is recorded, audited, at a contact.

`save_prevention_part` and `save_vaccinations_part` are the contact parts `prevention` and
`vaccinations` (registered in health/apps.py): the contact's save path calls them inside its
transaction, for the contact's person, on the contact's day. Each row writes one audit event
with ids and kinds only (never the person's words).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid
from encounters.models import Encounter
from encounters.parts import person_of

from ..prevention import MAX_DOSE, Prevention, Vaccination
from . import _check_person

WORDS_MAX = 300


@dataclass(frozen=True)
class PreventionAtContact:
    kind: str
    status: str
    words: str = ""  # why it stopped, only if the person wants it noted


@dataclass(frozen=True)
class VaccinationAtContact:
    vaccine: str
    dose: int
    where: str = Vaccination.Where.BY_TEAM


@transaction.atomic
def record_prevention(
    *,
    actor: User,
    client: Client,
    kind: str,
    status: str,
    noted_on: date,
    words: str = "",
    encounter: Encounter | None = None,
) -> Prevention:
    """PrEP or PEP offered, referred, started, continuing or stopped, for `client`."""
    _check_person(actor, client)
    if kind not in Prevention.Kind.values or status not in Prevention.Status.values:
        raise Invalid(_("Choose PrEP or PEP and where it stands."))
    words = words.strip()
    if len(words) > WORDS_MAX:
        raise Invalid(_("The person's words can be at most 300 characters."))
    made = Prevention.objects.create(
        client=client,
        team_id=client.home_team_id,
        encounter=encounter,
        kind=kind,
        status=status,
        words=words if status == Prevention.Status.STOPPED else "",
        noted_on=noted_on,
        created_by=actor,
    )
    record(
        action=AuditEvent.Action.PREVENTION_RECORDED,
        actor=actor,
        target=made,
        client_id=client.pk,
        details={"kind": kind, "status": status},
    )
    return made


@transaction.atomic
def record_vaccination(
    *,
    actor: User,
    client: Client,
    vaccine: str,
    dose: int,
    given_on: date,
    where: str = Vaccination.Where.BY_TEAM,
    encounter: Encounter | None = None,
) -> Vaccination:
    """A dose of a vaccine for `client` (numbered 1 to MAX_DOSE within its course)."""
    _check_person(actor, client)
    if vaccine not in Vaccination.Vaccine.values or where not in Vaccination.Where.values:
        raise Invalid(_("Choose the vaccine and where it was given."))
    if not 1 <= dose <= MAX_DOSE:
        raise Invalid(_("A dose is numbered from 1 to %(most)d.") % {"most": MAX_DOSE})
    made = Vaccination.objects.create(
        client=client,
        team_id=client.home_team_id,
        encounter=encounter,
        vaccine=vaccine,
        dose=dose,
        where=where,
        given_on=given_on,
        created_by=actor,
    )
    record(
        action=AuditEvent.Action.PREVENTION_RECORDED,
        actor=actor,
        target=made,
        client_id=client.pk,
        details={"vaccine": vaccine, "dose": dose},
    )
    return made


def save_prevention_part(*, actor: User, encounter: Encounter, data: tuple[PreventionAtContact, ...] | None) -> None:
    """PrEP and PEP at a contact: each at most once, on the contact's day, for its person."""
    if not data:
        return
    person = person_of(encounter)
    if len({item.kind for item in data}) < len(data):
        raise Invalid(_("PrEP and PEP each once per contact."))
    on = timezone.localdate(encounter.happened_at)
    for item in data:
        record_prevention(
            actor=actor,
            client=person,
            kind=item.kind,
            status=item.status,
            words=item.words,
            noted_on=on,
            encounter=encounter,
        )


def save_vaccinations_part(*, actor: User, encounter: Encounter, data: tuple[VaccinationAtContact, ...] | None) -> None:
    """Vaccinations at a contact: each vaccine at most once, on the contact's day, for its person."""
    if not data:
        return
    person = person_of(encounter)
    if len({item.vaccine for item in data}) < len(data):
        raise Invalid(_("Each vaccine once per contact."))
    on = timezone.localdate(encounter.happened_at)
    for item in data:
        record_vaccination(
            actor=actor,
            client=person,
            vaccine=item.vaccine,
            dose=item.dose,
            where=item.where,
            given_on=on,
            encounter=encounter,
        )


def prevention_canonical(data: tuple[PreventionAtContact, ...]) -> list[dict[str, Any]]:
    rows = [
        {"kind": p.kind, "status": p.status, "words": p.words.strip() if p.status == Prevention.Status.STOPPED else ""}
        for p in data
    ]
    return sorted(rows, key=lambda row: row["kind"])


def stored_prevention(encounter: Encounter) -> list[dict[str, Any]] | None:
    found = tuple(
        PreventionAtContact(p.kind, p.status, p.words) for p in Prevention.objects.filter(encounter=encounter)
    )
    return prevention_canonical(found) or None


def vaccinations_canonical(data: tuple[VaccinationAtContact, ...]) -> list[dict[str, Any]]:
    rows = [{"vaccine": v.vaccine, "dose": v.dose, "where": v.where} for v in data]
    return sorted(rows, key=lambda row: row["vaccine"])


def stored_vaccinations(encounter: Encounter) -> list[dict[str, Any]] | None:
    found = tuple(
        VaccinationAtContact(v.vaccine, v.dose, v.where) for v in Vaccination.objects.filter(encounter=encounter)
    )
    return vaccinations_canonical(found) or None
