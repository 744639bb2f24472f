"""Log a contact's submission, read and saved: the page and the offline outbox share it.

A submission is Log a contact's form fields (a `QueryDict` from the page, or the same
fields queued on a phone while offline). Reading it checks the contact form, encounters'
own parts (referral, follow-ups, overdose response) and every part another app reads from
the same fields (encounters/parts.py `form`), then saves it all through the one save path,
`log_encounter`. So a part a later issue registers travels offline with no sync code.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_limited
from clients.models import Client
from core.errors import Invalid

from .forms import Catalogue, EncounterForm, ExtrasForms
from .forms.supplies import with_refill
from .models import OPEN_STATUSES, Referral
from .parts import PartForm, contact_parts
from .services.contacts import ContactLogged, log_encounter


@dataclass
class Submission:
    """A submission read and, if everything was in order, saved (`logged`).

    `problems` are the mistakes not tied to one field, in words; the form's own errors are
    on `form`. `ContactConflict` is not caught here: the caller shows both versions.
    """

    form: EncounterForm
    extras: ExtrasForms | None = None
    logged: ContactLogged | None = None
    problems: list[str] = field(default_factory=list)

    def all_problems(self) -> list[str]:
        """Every mistake in words (field errors with their field's label), for an answer
        that has no form to show them on (offline sync)."""
        found = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else None
            found += [f"{label}: {error}" if label else str(error) for error in errors]
        if self.extras is not None:
            for part in (self.extras.referral, self.extras.overdose, *self.extras.updates):
                found += [str(error) for errors in part.errors.values() for error in errors]
            found += self.extras.problems
        return list(dict.fromkeys(found + self.problems))


def save_submission(*, actor: User, data: Mapping[str, Any], catalogue: Catalogue | None = None) -> Submission:
    """Read a Log a contact submission and save it by `actor` with every part; see above."""
    catalogue = catalogue or Catalogue.for_user(actor)
    form = EncounterForm(data, user=actor, catalogue=catalogue)
    submission = Submission(form=form)
    if not form.is_valid():
        return submission
    chosen = form.cleaned_data["who"]
    contact_on = timezone.localdate(form.cleaned_data["happened_at"])
    submission.extras = extras_of(actor, chosen, data=data, initial=None, contact_on=contact_on)
    part_forms = part_forms_of(actor, chosen, data)
    # All checked, so every mistake shows at once.
    if not all([submission.extras.is_valid(anonymous=chosen is None), *[p.is_valid() for p in part_forms.values()]]):
        for part in part_forms.values():
            for problem in part.problems():
                form.add_error(None, problem)
        return submission
    cleaned = form.cleaned_data
    parts = submission.extras.parts() | {key: part.data() for key, part in part_forms.items()}
    # A reported reversal's naloxone refill is one more kit given at this contact.
    services = with_refill(form.services(), part_forms.get("reversal"))
    try:
        submission.logged = log_encounter(
            actor=actor,
            encounter_id=cleaned["id"],
            team=cleaned["team"],
            client=chosen,
            head_count=cleaned["head_count"],
            happened_at=cleaned["happened_at"],
            site=cleaned["site"],
            kind=cleaned["kind"],
            services=services,
            age_band=cleaned["age_band"],
            gender=cleaned["gender"],
            note=cleaned["note"],
            parts=parts,
        )
    except Invalid as refusal:
        form.add_error(None, refusal.message)
    return submission


def part_forms_of(actor: User, chosen: Client | None, data: Mapping[str, Any]) -> dict[str, PartForm]:
    """The parts other apps read from this submission (encounters/parts.py)."""
    found = {}
    for part in contact_parts():
        if part.form is not None and (read := part.form(data, chosen, actor)) is not None:
            found[part.key] = read
    return found


def extras_of(
    actor: User, chosen: Client | None, *, data: Any, initial: Any, contact_on: date | None = None
) -> ExtrasForms:
    """Referral, follow-ups and overdose response: for a registered person only. The open
    referrals, and on a submission the person's referrals it names (see ExtrasForms).
    `contact_on`: the day the contact happened (follow-up dates are judged against it)."""
    open_referrals: list[Referral] = []
    if chosen is not None and not is_limited(actor):  # referrals are not a volunteer's to see
        shown = Q(status__in=OPEN_STATUSES) | Q(pk__in=named_referrals(data))
        referrals = Referral.objects.visible_to(actor).filter(shown, client=chosen)
        open_referrals = list(referrals.order_by(F("follow_up_on").asc(nulls_last=True), "created_at"))
    return ExtrasForms(data, open_referrals=open_referrals, initial=initial, contact_on=contact_on)


def named_referrals(data: Any) -> list[uuid.UUID]:
    """Referral ids in a submission's follow-up fields ("update-<id>-status")."""
    found = []
    for key in data or {}:
        if key.startswith("update-") and key.count("-") >= 2:
            try:
                found.append(uuid.UUID(key.removeprefix("update-").rsplit("-", 1)[0]))
            except ValueError:
                continue
    return found
