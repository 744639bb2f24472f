"""PrEP and PEP, and vaccinations: the one place each is recorded, audited, at a contact.

`save_prevention_part` and `save_vaccinations_part` are the contact parts `prevention` and
`vaccinations` (registered in health/apps.py): the contact's save path calls them inside its
transaction, for the contact's person, on the contact's day. Each row writes one audit event
with ids and kinds only (never the person's words).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid
from encounters.models import Encounter
from encounters.parts import person_of

from ..prevention import MAX_DOSE, Prevention, TeamVaccine, Vaccination
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
    # One of the team's own vaccines (vaccine "other"): its id.
    team_vaccine_id: UUID | None = None


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
    team_vaccine: TeamVaccine | None = None,
) -> Vaccination:
    """A dose of a vaccine for `client` (numbered 1 to MAX_DOSE within its course): a built-in
    vaccine, or (`vaccine="other"`) one of the person's team's own vaccines, numbered within
    that vaccine's full course."""
    _check_person(actor, client)
    if vaccine not in Vaccination.Vaccine.values or where not in Vaccination.Where.values:
        raise Invalid(_("Choose the vaccine and where it was given."))
    most = _check_team_vaccine(client, vaccine, team_vaccine)
    if not 1 <= dose <= most:
        raise Invalid(_("A dose is numbered from 1 to %(most)d.") % {"most": most})
    made = Vaccination.objects.create(
        client=client,
        team_id=client.home_team_id,
        encounter=encounter,
        vaccine=vaccine,
        team_vaccine=team_vaccine,
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
        details={"vaccine": vaccine, "dose": dose}
        | ({"team_vaccine": str(team_vaccine.pk)} if team_vaccine is not None else {}),
    )
    return made


def _check_team_vaccine(client: Client, vaccine: str, team_vaccine: TeamVaccine | None) -> int:
    """The most doses the vaccine's course has; a team's vaccine must be the person's team's.

    A retired vaccine is still accepted: a contact logged offline while it was in use arrives
    after the supervisor retired it, and keeps its dose."""
    if vaccine != Vaccination.Vaccine.OTHER:
        if team_vaccine is not None:
            raise Invalid(_("Choose the vaccine and where it was given."))
        return MAX_DOSE
    if team_vaccine is None or team_vaccine.team_id != client.home_team_id:
        raise Invalid(_("That vaccine is not one of this person's team's vaccines."))
    return team_vaccine.doses


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
    if len({(item.vaccine, item.team_vaccine_id) for item in data}) < len(data):
        raise Invalid(_("Each vaccine once per contact."))
    wanted = {item.team_vaccine_id for item in data if item.team_vaccine_id is not None}
    # The person's team's vaccines named (one query, none without one).
    theirs = (
        {row.pk: row for row in TeamVaccine.objects.filter(pk__in=wanted, team_id=person.home_team_id)}
        if wanted
        else {}
    )
    on = timezone.localdate(encounter.happened_at)
    for item in data:
        team_vaccine = theirs.get(item.team_vaccine_id) if item.team_vaccine_id is not None else None
        if item.team_vaccine_id is not None and team_vaccine is None:
            raise Invalid(_("That vaccine is not one of this person's team's vaccines."))
        record_vaccination(
            actor=actor,
            client=person,
            vaccine=item.vaccine,
            dose=item.dose,
            where=item.where,
            given_on=on,
            encounter=encounter,
            team_vaccine=team_vaccine,
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
    """A team's vaccine by its id (never its name: a conflict or an audit shows ids)."""
    rows = [
        {"vaccine": v.vaccine, "dose": v.dose, "where": v.where}
        | ({"team_vaccine": str(v.team_vaccine_id)} if v.team_vaccine_id is not None else {})
        for v in data
    ]
    return sorted(rows, key=lambda row: (row["vaccine"], row.get("team_vaccine", "")))


def describe_vaccinations(canonical: list[dict[str, Any]] | None) -> str:
    """A canonical value in words, a line a dose (the conflict page of Log a contact, seen by the
    contact's team only): a team's vaccines by their names, in one query."""
    rows = canonical or []
    own = TeamVaccine.objects.in_bulk([UUID(row["team_vaccine"]) for row in rows if row.get("team_vaccine")])
    lines = []
    for row in rows:
        team_vaccine = own.get(UUID(row["team_vaccine"])) if row.get("team_vaccine") else None
        name = team_vaccine.name if team_vaccine is not None else str(Vaccination.Vaccine(row["vaccine"]).label)
        where = str(Vaccination.Where(row["where"]).label)
        words = _("%(vaccine)s: dose %(dose)s · %(where)s")
        lines.append(words % {"vaccine": name, "dose": row["dose"], "where": where})
    return "\n".join(lines)


def stored_vaccinations(encounter: Encounter) -> list[dict[str, Any]] | None:
    found = tuple(
        VaccinationAtContact(v.vaccine, v.dose, v.where, v.team_vaccine_id)
        for v in Vaccination.objects.filter(encounter=encounter)
    )
    return vaccinations_canonical(found) or None


# A team's own vaccines, kept by its supervisors (health/views/vaccines.py). Each change writes
# one CATALOGUE_CHANGED audit event naming the fields changed, never their values.


def _audit_team_vaccine(*, actor: User, team_vaccine: TeamVaccine, change: str, fields: Sequence[str]) -> None:
    record(
        action=AuditEvent.Action.CATALOGUE_CHANGED,
        actor=actor,
        target=team_vaccine,
        details={"model": "teamvaccine", "change": change, "fields": sorted(fields)},
    )


def _check_team_vaccine_values(*, team_id: UUID, name: str, doses: int, exclude: UUID | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise Invalid(_("Give the vaccine a name."))
    if not 1 <= doses <= MAX_DOSE:
        raise Invalid(_("A full course has from 1 to %(most)d doses.") % {"most": MAX_DOSE})
    same = TeamVaccine.objects.filter(team_id=team_id, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise Invalid(_("The team already has a vaccine with that name (perhaps retired: bring it back instead)."))
    return name


@transaction.atomic
def add_team_vaccine(*, actor: User, team: Team, name: str, doses: int, note: str = "") -> TeamVaccine:
    """A vaccine the team offers beyond the built-in ones; the user must supervise the team."""
    if team.pk not in actor.supervised_team_ids():
        raise Invalid(_("Only the team's supervisors change its vaccines."))
    name = _check_team_vaccine_values(team_id=team.pk, name=name, doses=doses)
    made = TeamVaccine.objects.create(team=team, name=name, doses=doses, note=note.strip())
    _audit_team_vaccine(actor=actor, team_vaccine=made, change="created", fields=["team", "name", "doses", "note"])
    return made


@transaction.atomic
def change_team_vaccine(*, actor: User, team_vaccine: TeamVaccine, name: str, doses: int, note: str = "") -> list[str]:
    """Rename it or change its course or note; doses already given keep their numbers."""
    if team_vaccine.team_id not in actor.supervised_team_ids():
        raise Invalid(_("Only the team's supervisors change its vaccines."))
    name = _check_team_vaccine_values(team_id=team_vaccine.team_id, name=name, doses=doses, exclude=team_vaccine.pk)
    values = {"name": name, "doses": doses, "note": note.strip()}
    changed = [field for field, value in values.items() if getattr(team_vaccine, field) != value]
    for field in changed:
        setattr(team_vaccine, field, values[field])
    if changed:
        team_vaccine.save(update_fields=changed)
        _audit_team_vaccine(actor=actor, team_vaccine=team_vaccine, change="changed", fields=changed)
    return changed


@transaction.atomic
def set_team_vaccine_active(*, actor: User, team_vaccine: TeamVaccine, is_active: bool) -> TeamVaccine:
    """Retired (no longer offered on Log a contact) or back in use. Never deleted: the doses
    given keep showing it."""
    if team_vaccine.team_id not in actor.supervised_team_ids():
        raise Invalid(_("Only the team's supervisors change its vaccines."))
    if team_vaccine.is_active != is_active:
        team_vaccine.is_active = is_active
        team_vaccine.save(update_fields=["is_active"])
        change = "reactivated" if is_active else "retired"
        _audit_team_vaccine(actor=actor, team_vaccine=team_vaccine, change=change, fields=["is_active"])
    return team_vaccine
