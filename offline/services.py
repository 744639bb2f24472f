"""Offline use: devices, the caseload a device keeps, and syncing its outbox.

Sync goes through the same code as Log a contact: each queued contact is the page's own
submission (its form fields), opened from its seal (offline/seal.py) and saved by
`encounters.submission.save_submission`, so every part registered with the contact save
path travels offline. Each contact gets one answer, in words:

- `applied`: stored now;
- `duplicate`: stored already from the same submission (a retried sync, an answer cut
  off halfway): nothing written twice;
- `conflict`: the same id with different content, or the person was merged, moved to
  another team or erased since the contact was queued; nothing stored, the worker decides;
- `rejected`: it breaks a rule or is outside the worker's scope; nothing stored.

Items are answered one by one, each in its own transaction: a sync cut off halfway keeps
what was stored, and sending it again answers `duplicate` for those.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import is_limited
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client, normalise_code
from clients.services.flags import with_active_flags
from core.errors import DomainError, Invalid, NotFound
from core.scope import EVERY_TEAM, team_scope, widened_scope
from encounters.forms import ANONYMOUS
from encounters.models import Encounter
from encounters.services.contacts import ContactConflict
from encounters.submission import save_submission
from goals.cached import goals_to_cache

from .models import Device, ViewReceipt
from .seal import open_sealed

CASELOAD_LIMIT = 150
MAX_ITEMS = 200  # per sync request; the page sends its outbox in batches
MAX_VIEWS = 2000
MAX_FIELDS = 400
NOT_YOURS = gettext_lazy(
    "This contact could not be saved: the person or the contact is not among your team's records. Nothing was stored."
)


class Answer(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ItemAnswer:
    """The answer for one queued contact. `message` is in words, never a name or a note."""

    id: str
    answer: Answer
    message: str
    differs: list[str] = field(default_factory=list)
    # A merged person: the code of the record they were merged into, when the worker may see it.
    merged_into: str = ""
    encounter_id: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "answer": str(self.answer),
            "message": self.message,
            "differs": self.differs,
            "merged_into": self.merged_into,
            "encounter": self.encounter_id,
        }


def wipe_after_hours() -> int:
    """Hours after the last sync at which a device wipes what it can read (12 to 72)."""
    return max(1, min(72, int(settings.ALONGSIDE_OFFLINE_WIPE_HOURS)))


@transaction.atomic
def add_device(*, actor: User, label: str) -> Device:
    """Offline use turned on in one browser: a device the worker (and admins) can revoke."""
    device = Device.objects.create(user=actor, label=label.strip()[:80] or _("A browser"))
    record(action=AuditEvent.Action.OFFLINE_TURNED_ON, actor=actor, target=device)
    return device


def device_of(*, actor: User, device_id: uuid.UUID) -> Device:
    """The actor's own device, or NotFound (another user's device confirms nothing)."""
    device = Device.objects.of(actor.pk).filter(pk=device_id).first()
    if device is None:
        raise NotFound
    return device


@transaction.atomic
def revoke_device(*, actor: User, device: Device) -> Device:
    """Revoke a device: at its next connection it wipes what it can read. Twice changes nothing."""
    if device.user_id != actor.pk and not actor.is_superuser:
        raise NotFound
    if device.revoked_at is None:
        device.revoked_at, device.revoked_by = timezone.now(), actor
        device.save(update_fields=["revoked_at", "revoked_by"])
        record(action=AuditEvent.Action.OFFLINE_REVOKED, actor=actor, target=device)
    return device


def caseload(*, actor: User, device: Device) -> list[dict[str, Any]]:
    """The worker's recent caseload for the device: at most 150 people, most recently seen
    first, with their code, the name they go by, aliases, active safety flags and their
    active goals (goals/cached.py: for the goals panel, never a note); never a note, a
    description or contact details. One audit event says how many were sent.

    A distribution volunteer (accounts/roles.py) gets only what it may see: codes, aliases
    and active safety flags; no name, no goals."""
    limited = is_limited(actor)
    people = list(
        with_active_flags(Client.objects.visible_to(actor).current().active())
        .recent_first()
        .only("id", "code", "preferred_name", "last_seen_at", "created_at")
        .prefetch_related("aliases")[:CASELOAD_LIMIT]
    )
    goals = {} if limited else goals_to_cache(actor=actor, client_ids=[person.pk for person in people])
    sent = []
    for person in people:
        kept: dict[str, Any] = {
            "code": person.code,
            "name": "" if limited else person.preferred_name,
            "aliases": [alias.name for alias in person.aliases.all()],
            "flags": list(getattr(person, "active_flags", [])),
        }
        if not limited:
            kept["goals"] = goals.get(person.pk, [])
        sent.append(kept)
    record(action=AuditEvent.Action.OFFLINE_PEOPLE_SENT, actor=actor, target=device, details={"people": len(sent)})
    return sent


def sync_outbox(*, actor: User, device: Device, items: list[Any], views: list[Any]) -> list[ItemAnswer]:
    """Answer each queued contact (see above) and record the offline views in the audit trail."""
    if len(items) > MAX_ITEMS or len(views) > MAX_VIEWS:
        raise Invalid(_("Too much at once: the page sends the outbox in smaller parts."))
    record_offline_views(actor=actor, device=device, sealed_views=views)
    answers = [apply_item(actor=actor, item=item) for item in items]
    Device.objects.filter(pk=device.pk).update(last_sync_at=timezone.now())
    return answers


def apply_item(*, actor: User, item: Any) -> ItemAnswer:
    """One queued contact, opened and saved through Log a contact's own submission code."""
    item_id = str(item.get("id", "")) if isinstance(item, dict) else ""
    try:
        data = _opened_submission(actor=actor, item_id=item_id, sealed=item.get("sealed") if item_id else None)
        if (gone := _person_gone(actor=actor, item_id=item_id, code=data.get("who", ""))) is not None:
            return gone
        submission = save_submission(actor=actor, data=data)
    except ContactConflict as conflict:
        differs = conflict.payload.differs() if conflict.payload is not None else []
        return ItemAnswer(item_id, Answer.CONFLICT, conflict.message, differs=differs)
    except NotFound:
        return ItemAnswer(item_id, Answer.REJECTED, str(NOT_YOURS))
    except DomainError as refusal:
        return ItemAnswer(item_id, Answer.REJECTED, refusal.message)
    if (logged := submission.logged) is None:
        return ItemAnswer(item_id, Answer.REJECTED, " ".join(submission.all_problems()))
    if logged.created:
        return ItemAnswer(item_id, Answer.APPLIED, _("Saved."), encounter_id=str(logged.encounter.pk))
    message = _("Saved already: nothing was stored twice.")
    return ItemAnswer(item_id, Answer.DUPLICATE, message, encounter_id=str(logged.encounter.pk))


def _opened_submission(*, actor: User, item_id: str, sealed: Any) -> QueryDict:
    """The submission's fields from the seal. It must be this worker's and carry its own id."""
    opened = open_sealed(sealed)
    fields = opened.get("fields") if isinstance(opened, dict) else None
    if not isinstance(fields, list) or len(fields) > MAX_FIELDS or opened.get("user") != actor.pk:
        raise NotFound
    data = QueryDict(mutable=True)
    for pair in fields:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(value, str) for value in pair)):
            raise Invalid(_("This queued contact could not be read by the server. It was not saved."))
        data.appendlist(pair[0], pair[1])
    if not item_id or data.get("id") != item_id:
        raise Invalid(_("This queued contact could not be read by the server. It was not saved."))
    return data


def _person_gone(*, actor: User, item_id: str, code: str) -> ItemAnswer | None:
    """A conflict when the contact's person was merged, moved to another team or erased
    since it was queued: the worker decides (the person it became, or delete it).

    Said only about someone the worker could know: a person of their team, or one they
    logged a contact with before. Anyone else is refused as unknown (it confirms nothing).
    """
    if not code or code == ANONYMOUS:
        return None
    # Someone moved away is another team's now, outside the row-level scope: read across teams,
    # but only a person of the worker's teams or one they logged a contact with.
    logged_with = Encounter.objects.filter(worker=actor).values("client_id")
    could_know = Q(home_team_id__in=actor.team_ids) | Q(pk__in=logged_with)
    with team_scope(EVERY_TEAM):
        found = (
            Client.objects.filter(could_know, code=normalise_code(code))
            .only("id", "home_team_id", "merged_into_id", "erased_at")
            .first()
        )
        # The worker's own contacts with them went with them to their new team (row-level
        # security follows the person), so whether the worker knew them is read here too.
        moved = found is not None and found.home_team_id not in actor.team_ids
        knew = moved and Encounter.objects.filter(worker=actor, client=found).exists()
    if found is None:
        return None
    in_team = found.home_team_id in actor.team_ids
    if in_team and found.merged_into_id is None and found.erased_at is None:
        return None
    if not in_team and not knew:
        return None
    if found.erased_at is not None:
        message = _(
            "This person's identifying details were erased after you saved this contact. Nothing was stored: "
            "log it again as an anonymous contact, or delete it."
        )
        return ItemAnswer(item_id, Answer.CONFLICT, message)
    if found.merged_into_id is not None and in_team:
        survivor = _survivor_code(actor=actor, merged_into_id=found.merged_into_id)
        message = _(
            "This person's record was merged into another record after you saved this contact. Nothing was "
            "stored: save it for the record they were merged into, or delete it."
        )
        return ItemAnswer(item_id, Answer.CONFLICT, message, merged_into=survivor)
    message = _(
        "This person was moved to another team after you saved this contact. Nothing was stored: log it "
        "again as an anonymous contact, or delete it."
    )
    return ItemAnswer(item_id, Answer.CONFLICT, message)


def _survivor_code(*, actor: User, merged_into_id: uuid.UUID) -> str:
    """The code of the record a merged person lives on in (a merge of a merge followed)."""
    visible = Client.objects.visible_to(actor)
    for _step in range(5):
        survivor = visible.filter(pk=merged_into_id).values("code", "merged_into_id").first()
        if survivor is None:
            return ""
        if survivor["merged_into_id"] is None:
            return str(survivor["code"])
        merged_into_id = survivor["merged_into_id"]
    return ""


def record_offline_views(*, actor: User, device: Device, sealed_views: Iterable[Any]) -> int:
    """Each person's record opened offline, logged on the device and sealed: one audit event
    each, with when it was opened. Codes of people outside the worker's scope are skipped."""
    viewed: list[tuple[uuid.UUID | None, str, datetime]] = []
    for sealed in sealed_views:
        try:
            opened = open_sealed(sealed)
        except Invalid:
            continue
        if not isinstance(opened, dict) or opened.get("user") != actor.pk:
            continue
        at = parse_datetime(str(opened.get("at", "")))
        if isinstance(opened.get("code"), str) and at is not None:
            viewed.append((_uuid_or_none(opened.get("id")), normalise_code(opened["code"]), at))
    # Each view once: a sync sent again (its answer lost) brings the same ids.
    ids = {view_id for view_id, _code, _at in viewed if view_id is not None}
    seen = {str(pk) for pk in ViewReceipt.objects.filter(pk__in=ids).values_list("pk", flat=True)}
    viewed = [view for view in viewed if view[0] is None or str(view[0]) not in seen]
    fresh = {view_id for view_id, _code, _at in viewed if view_id is not None}
    ViewReceipt.objects.bulk_create(
        (ViewReceipt(id=view_id, device=device) for view_id in fresh), ignore_conflicts=True
    )
    codes = {code for _id, code, _at in viewed}
    people = dict(Client.objects.visible_to(actor).filter(code__in=codes).values_list("code", "id"))
    count = 0
    for _id, code, at in viewed:
        if code in people:
            details = {"device": str(device.pk), "viewed_at": at.isoformat()}
            record(
                action=AuditEvent.Action.CLIENT_VIEWED_OFFLINE,
                actor=actor,
                target=device,
                client_id=people[code],
                details=details,
            )
            count += 1
    return count


# The changes that take a person out of a device's caseload or change who they are.
CHANGES: dict[str, str] = {
    AuditEvent.Action.CLIENTS_MERGED.value: "merged",
    AuditEvent.Action.MERGE_UNDONE.value: "merge_undone",
    AuditEvent.Action.CLIENT_TRANSFERRED.value: "transferred",
    AuditEvent.Action.CLIENT_ERASED.value: "erased",
}
CHANGES_PAGE = 500


def changes_since(*, actor: User, since: int) -> tuple[int, list[dict[str, Any]]]:
    """The changes feed: merges, undone merges, transfers and erasures after server sequence
    number `since` (the audit trail's own order), about people the worker may know (now in one
    of their teams, or moved away from one). Each says whether the person is still in the
    worker's caseload. Returns the sequence number to ask from next time.

    A person the phone has cached who is merged away, moved or erased is dropped from the
    cache at once; the whole caseload is fetched again after each sync as well, so a change
    the feed could miss (a transaction that committed after a later one was read) is still
    put right at the next sync.
    """
    events = list(
        AuditEvent.objects.filter(pk__gt=since, action__in=list(CHANGES), client_id__isnull=False)
        .order_by("pk")
        .values("pk", "action", "client_id", "details")[:CHANGES_PAGE]
    )
    if len(events) < CHANGES_PAGE:
        upto = max(since, latest_change())
    else:
        upto = events[-1]["pk"]
    teams = {str(team) for team in actor.team_ids}
    # A person moved away from one of the worker's teams is now another team's, out of the
    # row-level scope: the code the phone must drop is read with that team added, and only
    # for those moves (the check below still keeps anyone else out of the answer).
    moved_to = {
        uuid_value
        for event in events
        if event["action"] == AuditEvent.Action.CLIENT_TRANSFERRED
        and (event["details"] or {}).get("from_team") in teams
        and (uuid_value := _uuid_or_none((event["details"] or {}).get("to_team"))) is not None
    }
    with widened_scope(moved_to):
        people = {
            row["pk"]: row
            for row in Client.objects.filter(pk__in={event["client_id"] for event in events}).values(
                "pk", "code", "home_team_id", "merged_into_id", "erased_at"
            )
        }
    found = []
    for event in events:
        person = people.get(event["client_id"]) if event["client_id"] is not None else None
        if person is None:
            continue
        in_team = str(person["home_team_id"]) in teams
        moved_away = (
            event["action"] == AuditEvent.Action.CLIENT_TRANSFERRED
            and (event["details"] or {}).get("from_team") in teams
        )
        if not (in_team or moved_away):
            continue
        current = in_team and person["merged_into_id"] is None and person["erased_at"] is None
        found.append(
            {"seq": event["pk"], "change": CHANGES[event["action"]], "code": person["code"], "in_caseload": current}
        )
    return upto, found


def latest_change() -> int:
    """The feed's sequence number now (the audit trail's latest event)."""
    return int(AuditEvent.objects.aggregate(latest=Max("pk"))["latest"] or 0)


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
