"""Logging a contact: the one save path, with every part of it, exactly once.

`log_encounter` is the only code that stores a new contact: the page, and later the API,
the offline outbox and an import, all call it. It stores the contact, what was given at it
and its parts (encounters/parts.py: a referral, follow-ups, an overdose response, a goal
review, a check-in, ...) in one transaction, each part writing its own audit event; if any
of it is refused (`Invalid`), none of it is stored.

**Exactly once.** The contact's id is made by the client (the page, or the phone when
offline) before it is sent, so the same submission sent again (a double tap, a lost answer
on a weak connection, a retried sync) carries the same id. The answer says which happened
(`ContactLogged.outcome`):

- `CREATED`: the contact is new and was stored.
- `DUPLICATE`: a contact with this id is stored already, from the same submission: person,
  team, time, site, kind, services and quantities, note and every part the same (the CSRF
  token and the server's own timestamps are not part of it). Nothing is written, no second
  audit event; the stored contact is returned.
- `ContactConflict` (a `Conflict`, 409) is raised when the id is stored already from a
  DIFFERENT submission; nothing is written. Its payload (`ContactVersions`) holds both
  versions, for a page or a sync answer to show them side by side.
- `NotFound` when the id belongs to another worker's contact (it confirms nothing).

What "the same submission" means is fixed when the contact is first stored: a keyed digest
of its canonical form (`submission_digest`, an HMAC with the secret key, so the stored
digest cannot be used to guess a note) is kept on the contact. A later correction, or a
check-in added to the contact from its own page, changes the contact but not what was
submitted, so the original submission sent again is still a duplicate. Contacts stored
before the digest existed (empty) count any resubmission as a duplicate, as they did then.
Erasing the person blanks the digest with the note.
"""

import base64
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.roles import is_limited
from audit.models import AuditEvent
from audit.services import Event, record_many
from clients.models import Client
from core.bulk import insert_rows
from core.errors import Conflict, Invalid, NotFound, PermissionDenied
from encounters.models import Encounter, ServiceProvided, ServiceType, Site
from encounters.parts import ContactPart, contact_part, contact_parts
from encounters.services.supplies import record_stock_given_by_contacts

DIGEST_SALT = "alongside.encounters.submission"


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class ContactLogged:
    """What `log_encounter` did: stored the contact, or found the same one stored."""

    encounter: Encounter
    outcome: Outcome

    @property
    def created(self) -> bool:
        return self.outcome == Outcome.CREATED


@dataclass(frozen=True)
class ContactVersions:
    """Both sides of a conflict, in canonical form (`canonical_contact`): what is stored
    under the id now, and what was sent. `encounter` is the stored contact."""

    encounter: Encounter
    stored: dict[str, Any]
    sent: dict[str, Any]

    def differs(self) -> list[str]:
        """The names that differ: contact fields, and "parts.<key>" for a part."""
        names = sorted((set(self.stored) | set(self.sent)) - {"parts"})
        changed = [name for name in names if self.stored.get(name) != self.sent.get(name)]
        stored_parts, sent_parts = self.stored.get("parts", {}), self.sent.get("parts", {})
        for key in sorted(set(stored_parts) | set(sent_parts)):
            if stored_parts.get(key) != sent_parts.get(key):
                changed.append(f"parts.{key}")
        return changed


class ContactConflict(Conflict):
    """The contact's id is stored already, from a different submission; nothing was written."""

    payload: ContactVersions


@dataclass(frozen=True)
class NewContact:
    """One contact for `log_encounters`: exactly what `log_encounter` takes, as a value."""

    encounter_id: uuid.UUID
    team: Team
    client: Client | None
    head_count: int
    happened_at: datetime
    site: Site | None
    kind: str
    services: Mapping[ServiceType, int]
    age_band: str = ""
    gender: str = ""
    note: str = ""
    parts: Mapping[str, Any] | None = None


def log_encounter(
    *,
    actor: User,
    encounter_id: uuid.UUID,
    team: Team,
    client: Client | None,
    head_count: int,
    happened_at: datetime,
    site: Site | None,
    kind: str,
    services: Mapping[ServiceType, int],
    age_band: str = "",
    gender: str = "",
    note: str = "",
    parts: Mapping[str, Any] | None = None,
) -> ContactLogged:
    """Store a contact by `actor` (its worker), what was given and its parts; see above.

    `parts` maps a registered part's key to its data (encounters/parts.py); a part without
    data may be left out. Parts need a registered person. A rough age band and gender are
    kept for anonymous contacts only (a registered person has their own), and a registered
    person always counts as one. `team` is the team the contact counts for: the person's
    home team, or for an anonymous contact one of the actor's teams.

    A batch of one of `log_encounters`: the same path, statement for statement.
    """
    contact = NewContact(
        encounter_id=encounter_id,
        team=team,
        client=client,
        head_count=head_count,
        happened_at=happened_at,
        site=site,
        kind=kind,
        services=services,
        age_band=age_band,
        gender=gender,
        note=note,
        parts=parts,
    )
    return log_encounters(actor=actor, contacts=[contact])[0]


@dataclass
class _Sent:
    """A contact of a batch as it will be stored: its fields, parts, canonical form and digest."""

    contact: NewContact
    values: dict[str, Any]
    given: dict[str, Any]
    canonical: dict[str, Any]
    digest: str


@transaction.atomic
def log_encounters(*, actor: User, contacts: Sequence[NewContact]) -> list[ContactLogged]:
    """Store a batch of contacts by `actor`, each exactly as `log_encounter` stores one, in one
    transaction and with a fixed number of statements whatever the batch's size (an import).

    Each contact is checked as `log_encounter` checks it (its parts, its scope, the same id
    sent before: a duplicate, or `ContactConflict`); then the new ones are written in bulk:
    the contacts, what was given, when each person was last seen, one audit event per contact
    (`audit.services.record_many`: one statement), each registered part for the batch (a
    part's `save_many`, or its `save` per contact), and what was taken off the stock. Any
    contact refused refuses the batch: nothing of it is stored. The answers are in the order
    of `contacts`.
    """
    sent = [_prepare(actor=actor, contact=contact) for contact in contacts]
    answers: dict[int, ContactLogged] = {}
    pending = list(range(len(sent)))
    while True:
        stored = _stored(sent=[sent[i] for i in pending])
        first: dict[uuid.UUID, int] = {}
        new: list[int] = []
        for i in pending:
            item = sent[i]
            contact_id = item.contact.encounter_id
            if contact_id in stored:
                answers[i] = ContactLogged(stored[contact_id], Outcome.DUPLICATE)
            elif contact_id in first:
                continue  # the same id twice in the batch: answered once the first is stored
            else:
                first[contact_id] = i
                _check_scope(actor=actor, team=item.contact.team, client=item.contact.client, site=item.contact.site)
                new.append(i)
        try:
            created = _insert(actor=actor, sent=[sent[i] for i in new])
        except IntegrityError as error:
            # An id of the batch raced another request (the same contact sent twice at once):
            # the first one won. Look again. An id taken but still not seen is a contact out
            # of the actor's scope (row-level security hides another team's rows from the
            # look): NotFound, as for another worker's. Anything else is another error.
            if not _stored(sent=[sent[i] for i in new]):
                if _id_taken(error):
                    raise NotFound from None
                raise
            continue
        break
    for i, encounter in zip(new, created, strict=True):
        answers[i] = ContactLogged(encounter, Outcome.CREATED)
    for i in pending:
        if i not in answers:  # a repeat of an id earlier in this batch
            earlier = answers[first[sent[i].contact.encounter_id]].encounter
            answers[i] = ContactLogged(_same_or_conflict(earlier, sent[i]), Outcome.DUPLICATE)
    made = [(encounter, sent[i]) for i, encounter in zip(new, created, strict=True)]
    for part in contact_parts():
        items = [
            (encounter, item.given.get(part.key))
            for encounter, item in made
            if item.contact.client is not None or part.anonymous
        ]
        if not items:
            continue
        if part.save_many is not None:
            part.save_many(actor=actor, items=items)
        else:
            for encounter, data in items:
                part.save(actor=actor, encounter=encounter, data=data)
    record_stock_given_by_contacts(
        contacts=[(encounter, item.contact.services, item.given) for encounter, item in made]
    )
    return [answers[i] for i in range(len(sent))]


def _prepare(*, actor: User, contact: NewContact) -> _Sent:
    given = {key: data for key, data in (contact.parts or {}).items() if data}
    anonymous = contact.client is None
    _check_parts(actor=actor, given=given, anonymous=anonymous)
    values = {
        "worker": actor,
        "team": contact.team,
        "client": contact.client,
        "head_count": contact.head_count if anonymous else 1,
        "happened_at": contact.happened_at,
        "site": contact.site,
        "kind": contact.kind,
        "age_band": contact.age_band if anonymous else "",
        "gender": contact.gender if anonymous else "",
        "note": contact.note,
    }
    canonical = canonical_contact(values, services=contact.services, parts=given)
    return _Sent(contact, values, given, canonical, submission_digest(canonical))


def _insert(*, actor: User, sent: Sequence[_Sent]) -> list[Encounter]:
    """Write the new contacts of a batch, what was given, when each person was last seen and
    one audit event each, in a savepoint (an id that raced another request undoes it all)."""
    if not sent:
        return []
    now = timezone.now()
    encounters = []
    for item in sent:
        encounter = Encounter(
            id=item.contact.encounter_id, submission_digest=item.digest, created_at=now, **item.values
        )
        encounter._state.adding, encounter._state.db = False, "default"
        encounters.append(encounter)
    with transaction.atomic():
        insert_rows(Encounter, [_row(encounter) for encounter in encounters])
        insert_rows(
            ServiceProvided,
            [
                {"encounter_id": item.contact.encounter_id, "service_type_id": service_type.pk, "quantity": quantity}
                for item in sent
                for service_type, quantity in item.contact.services.items()
                if quantity > 0
            ],
        )
        seen: dict[uuid.UUID, datetime] = {}
        for item in sent:
            if item.contact.client is not None:
                person = item.contact.client.pk
                seen[person] = max(seen.get(person, item.contact.happened_at), item.contact.happened_at)
        Client.objects.mark_each_seen(seen)
        record_many(
            action=AuditEvent.Action.ENCOUNTER_CREATED,
            actor=actor,
            events=[
                Event(target=encounter, client_id=item.contact.client.pk if item.contact.client is not None else None)
                for encounter, item in zip(encounters, sent, strict=True)
            ],
        )
    return encounters


def _check_parts(*, actor: User, given: Mapping[str, Any], anonymous: bool) -> None:
    """Every part is known, comes with a person when it needs one, and is the actor's to record."""
    unknown = sorted(key for key in given if contact_part(key) is None)
    if unknown:
        raise Invalid(_("This contact has a part Alongside does not know: %(parts)s.") % {"parts": ", ".join(unknown)})
    known = [part for part in contact_parts() if part.key in given]
    needing = [part for part in known if not part.anonymous]
    if anonymous and needing:
        raise Invalid(_("These need a registered person: %(parts)s.") % {"parts": _named(needing)})
    staff_only = [part for part in known if not part.volunteers]
    if is_limited(actor) and staff_only:
        raise PermissionDenied(
            _(
                "A distribution volunteer records supplies, supplies for others, reported reversals and "
                "safer-use topics; these are recorded by staff: %(parts)s."
            )
            % {"parts": _named(staff_only)}
        )


def _named(parts: Sequence[ContactPart]) -> str:
    """The parts refused, by the names their apps give them (an API caller or a sync sees which)."""
    return ", ".join(str(part.label) for part in parts)


def logged_by(*, encounter_id: uuid.UUID, actor: User) -> Encounter | None:
    """The contact stored under this id by `actor`, if any (NotFound if another worker's):
    for a page that shows a contact already saved instead of a form to send twice."""
    stored = Encounter.objects.filter(pk=encounter_id).only("id", "worker_id").first()
    if stored is not None and stored.worker_id != actor.pk:
        raise NotFound
    return stored


ENCOUNTER_FIELDS = [field.attname for field in Encounter._meta.concrete_fields]


def _row(encounter: Encounter) -> dict[str, Any]:
    return {name: getattr(encounter, name) for name in ENCOUNTER_FIELDS}


def _stored(*, sent: Sequence[_Sent]) -> dict[uuid.UUID, Encounter]:
    """The contacts of the batch stored already, from the same submission, by id (one query).

    Another worker's contact: NotFound. A different submission: ContactConflict.
    """
    if not sent:
        return {}
    ids = [item.contact.encounter_id for item in sent]
    found = {row.pk: row for row in Encounter.objects.filter(pk__in=ids).only("id", "worker_id", "submission_digest")}
    return {
        item.contact.encounter_id: _same_or_conflict(found[item.contact.encounter_id], item)
        for item in sent
        if item.contact.encounter_id in found
    }


def _id_taken(error: IntegrityError) -> bool:
    """Whether `error` is a contact's id already stored (its primary key refused the row)."""
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None) == f"{Encounter._meta.db_table}_pkey"


def _same_or_conflict(stored: Encounter, item: _Sent) -> Encounter:
    """`stored` if it is the contact `item` sends again; NotFound if another worker's;
    ContactConflict if it was stored from a different submission."""
    if stored.worker_id != item.values["worker"].pk:
        raise NotFound
    if stored.submission_digest in ("", item.digest):
        return stored
    full = Encounter.objects.select_related("client", "team", "site").get(pk=stored.pk)
    versions = ContactVersions(encounter=full, stored=stored_contact(full), sent=item.canonical)
    raise ContactConflict(
        _("This contact was saved already with different details. Nothing was saved this time."), payload=versions
    )


def _check_scope(*, actor: User, team: Team, client: Client | None, site: Site | None) -> None:
    """The actor logs only for their own teams, their team's people and their team's sites."""
    if team.pk not in actor.team_ids:
        raise NotFound
    if client is not None and (client.home_team_id not in actor.team_ids or client.merged_into_id is not None):
        raise NotFound
    if client is not None and client.home_team_id != team.pk:
        raise Invalid(_("A contact with a registered person counts for the person's team."))
    if site is not None and site.team_id != team.pk:
        raise Invalid(_("This site belongs to another team."))


def canonical_contact(
    values: Mapping[str, Any], *, services: Mapping[ServiceType, int], parts: Mapping[str, Any]
) -> dict[str, Any]:
    """The contact as plain JSON values, in a fixed form: what makes two submissions the same."""
    client, site, team = values["client"], values["site"], values["team"]
    happened_at: datetime = values["happened_at"]
    canonical_parts = {}
    for key in sorted(parts):
        part = contact_part(key)
        if part is not None:
            canonical_parts[key] = part.canonical(parts[key])
    return {
        "person": str(client.pk) if client is not None else None,
        "team": str(team.pk),
        "head_count": values["head_count"],
        "age_band": values["age_band"],
        "gender": values["gender"],
        "happened_at": happened_at.astimezone(UTC).isoformat(),
        "site": str(site.pk) if site is not None else None,
        "kind": values["kind"],
        "services": {service_type.slug: quantity for service_type, quantity in services.items() if quantity > 0},
        "note": values["note"],
        "parts": canonical_parts,
    }


def stored_contact(encounter: Encounter) -> dict[str, Any]:
    """What the contact has now, in the same form as `canonical_contact` (for a conflict)."""
    given = {row.service_type: row.quantity for row in encounter.services.select_related("service_type")}
    values = {name: getattr(encounter, name) for name in ("client", "team", "head_count", "age_band", "gender")}
    values |= {"happened_at": encounter.happened_at, "site": encounter.site, "kind": encounter.kind}
    values["note"] = encounter.note
    canonical = canonical_contact(values, services=given, parts={})
    canonical["parts"] = {
        part.key: stored for part in contact_parts() if (stored := part.stored(encounter)) not in (None, [], {})
    }
    return canonical


def submission_digest(canonical: Mapping[str, Any]) -> str:
    """128 bits of an HMAC of the canonical submission, keyed by the secret key (22 characters)."""
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    mac = salted_hmac(DIGEST_SALT, text, algorithm="sha256").digest()[:16]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")
