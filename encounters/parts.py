"""The parts of a contact: what other apps add to a contact, saved with it.

A contact is saved in one place, `encounters.services.contacts.log_encounter`, in one
transaction with everything that happened at it: a referral made, referrals followed up,
an overdose response (encounters' own parts), a goal review (goals), a wellbeing check-in
(outcomes), and the parts later issues bring. `encounters` knows none of those apps: each
registers a `ContactPart` here from its AppConfig.ready(), as transfer steps are
registered with `clients`, and `log_encounter` calls every registered part of a new contact.

A part's data is the app's own frozen value (a dataclass, or a tuple of them), passed to
`log_encounter(parts={key: data})`; it travels the same way from a page, the API or the
offline outbox, so a part added later needs no new sync code. Each part:

- `save(actor=..., encounter=..., data=...)` validates and writes its rows and its audit
  events, inside the contact's transaction; it raises `core.errors.Invalid` (nothing of
  the contact is stored then). It is called for every new contact with a registered
  person, with `data=None` when the submission has none of this part, so a part can also
  pick up what was made beside the contact while it was being logged (the goals panel's
  reviews).
- `canonical(data)` is the data as plain JSON values, in a fixed order: what the duplicate
  check compares (a retried submission must be the same, part for part) and what a
  conflict shows.
- `stored(encounter)` is the canonical form of what the contact has of this part now (None
  for nothing): the stored side of a conflict.
- `save_many` (optional): `save` for a batch of new contacts (`log_encounters`, an
  import), `items` being (contact, data or None) pairs, with the same checks, rows and audit
  events as `save` for each, in bulk (a fixed number of statements for the batch). Without
  it, `save` is called for each contact of the batch.
- `label`: the part's name in words (a lazy translation), for the pages that list parts
  (the conflict page of Log a contact).
- `form` (optional) reads the part from Log a contact's submission (see `PartForm`).
- `anonymous` (default False): the part may come with an anonymous contact too (supplies
  for others, a reported reversal); its `save` is then called for anonymous contacts as
  well. Other parts need a registered person.
- `volunteers` (default False): a distribution volunteer may record it (accounts/roles.py);
  log_encounter refuses any other part from them.
- `correct` (optional): the part can be corrected with the contact
  (encounters/services/corrections.py): `correct(actor=..., encounter=..., data=...)`
  replaces what the contact has of it with `data` (None: nothing), inside the correction's
  transaction, under the contact's row lock; the correction's one audit event names the part.
  `correction_form` reads it from the correction page's submission (`form`'s signature, the
  contact's person) and `correction_template` draws it there (with `encounter` and the
  request in its context). `describe(canonical or None)` says a canonical
  value in words, for the conflict page of two corrections at once.
- `summary` (optional): how the part shows on a contact's page and in a person's timeline:
  an annotation of the contact query (a subquery, so those pages keep their query count,
  `EncounterQuerySet.for_timeline`) and the words for its value (encounters/summaries.py).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.translation import gettext as _

from core.errors import Invalid

from .summaries import PartSummary, register_summary

if TYPE_CHECKING:
    from accounts.models import User
    from clients.models import Client

    from .models import Encounter


class PartForm(Protocol):
    """A part as Log a contact submits it: checked like a form, then turned into data."""

    def is_valid(self) -> bool: ...

    def problems(self) -> list[str]:
        """What to tell the worker when it is not valid (translated, no names or notes)."""
        ...

    def data(self) -> Any:
        """The part's data for log_encounter (None or empty: none of this part)."""
        ...


class SavePart(Protocol):
    def __call__(self, *, actor: "User", encounter: "Encounter", data: Any) -> None: ...


class SaveParts(Protocol):
    """`save` for a batch of new contacts (log_encounters), each with its data or None."""

    def __call__(self, *, actor: "User", items: Sequence[tuple["Encounter", Any]]) -> None: ...


# form(submitted, person or None for anonymous, actor): None when the submission carries none of this part.
ReadPart = Callable[[Mapping[str, Any], "Client | None", "User"], PartForm | None]


# The order parts are saved in: the one place it is written.
ORDER = [
    "referral",
    "referral_updates",
    "overdose",
    "goal_reviews",
    "check_ins",
    "for_others",
    "reversal",
    "health_tests",
    "linkage_steps",
    "prevention",
    "vaccinations",
    "education",
]


class CorrectPart(Protocol):
    def __call__(self, *, actor: "User", encounter: "Encounter", data: Any) -> None: ...


@dataclass(frozen=True)
class ContactPart:
    key: str
    save: SavePart
    canonical: Callable[[Any], Any]
    stored: Callable[["Encounter"], Any]
    label: Any  # the part's name in words (a lazy translation): the conflict page's row
    form: ReadPart | None = None
    anonymous: bool = False
    save_many: SaveParts | None = None
    volunteers: bool = False
    correct: CorrectPart | None = None
    correction_form: ReadPart | None = None
    correction_template: str = ""
    describe: Callable[[Any], str] | None = None
    summary: PartSummary | None = None


_parts: dict[str, ContactPart] = {}


def register_contact_part(part: ContactPart) -> None:
    """Called from an app's AppConfig.ready(); registering a key again replaces it."""
    if part.key not in ORDER:
        raise ValueError(f"Contact part {part.key!r}: give it its place in encounters.parts.ORDER")
    _parts[part.key] = part
    if part.summary is not None:
        register_summary(part.key, ORDER.index(part.key), part.summary)


def contact_parts() -> list[ContactPart]:
    """The registered parts, in the order they are saved."""
    return sorted(_parts.values(), key=lambda part: ORDER.index(part.key))


def contact_part(key: str) -> ContactPart | None:
    return _parts.get(key)


def correctable_parts() -> list[ContactPart]:
    return [part for part in contact_parts() if part.correct is not None]


def person_of(encounter: "Encounter") -> "Client":
    """The contact's person, for a part that needs one (log_encounter saves parts only then)."""
    if encounter.client is None:
        raise Invalid(_("A referral, an overdose response, a goal review or a check-in needs a registered person."))
    return encounter.client
