"""Erasing a person's identifying data, and the retention rule that calls for it.

What goes: every name (preferred name, aliases, the search column), the description,
pronouns, languages, gender in their own words, how the team may reach them and the
details for it, safety flags, the context they chose to share (income, benefits, housing
support), and the same values wherever a merge snapshot copied them.
Free text written about the person elsewhere (a contact's note, a goal in their own words,
an overdose debrief) goes too: any of it can name them. Those rows are found generically,
as the merge finds them: every model with a foreign key to Client, and every model with a
foreign key to one of those (a goal's steps), so `clients` imports none of those apps.
What stays, de-identified, for statistics: the code, home team, year of birth, gender
category, status, dates, consent decisions (they carry no text), the contacts, check-ins
and goals themselves with every choice, number and date. The audit trail holds ids only,
so it needs no scrubbing (its table refuses changes anyway).

A tombstone is left: `erased_at` is set and the page says when the data was erased.
"""

import re
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import F, ForeignObjectRel, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import (
    CODE_PATTERN,
    Alias,
    Client,
    ClientQuerySet,
    ContextItem,
    Merge,
    SafetyFlag,
    UseWish,
    normalise_name,
)
from core.context import SystemActor

# Identifying fields of Client and the value each is reset to.
ERASED_VALUES: dict[str, Any] = {
    "preferred_name": "",
    "pronouns": "",
    "languages": "",
    "contact_preference": "",
    "contact_details": "",
    "may_leave_message": False,
    "description": "",
    "gender_self_described": "",
    "search_names": "",
}

# Keys of a merge snapshot whose string values are identifying wherever they appear
# (field values of either person, their aliases' names, their flags' text).
IDENTIFYING_KEYS = frozenset(ERASED_VALUES) | {"alias", "aliases", "name", "names", "flag", "flags", "text"}

# Keys of a merge snapshot that hold the supervisor's choices ("which record's name was
# kept": "survivor" or "merged"), not values: left as they are.
CHOICE_KEYS = frozenset({"choices"})

# Strings in a snapshot that are ids, kept so the merge record still makes sense.
ID_PATTERN = re.compile(rf"^(?:{CODE_PATTERN}|[0-9a-fA-F-]{{32,36}}|[0-9]+)$")
SHORTEST_WORD = 3

# Free text in other rows: required fields (a goal's words) get this instead of "".
ERASED_TEXT = "—"
# Models handled above (deleted, reset or scrubbed), or without free text about the person.
HANDLED = frozenset({Client, Alias, SafetyFlag, Merge, UseWish, ContextItem})


def merged_group(client: Client) -> list[Client]:
    """The person and every record merged into them (directly or through another merge)."""
    group, frontier = [client], [client.pk]
    seen = {client.pk}
    while frontier:
        found = [other for other in Client.objects.filter(merged_into__in=frontier) if other.pk not in seen]
        seen.update(other.pk for other in found)
        group.extend(found)
        frontier = [other.pk for other in found]
    return group


def inactive_since(cutoff: datetime) -> ClientQuerySet:
    """People not yet erased whose last contact (or registration, if never seen) is older.

    Records merged into someone are left out: they are erased with the person they joined.
    """
    return (
        Client.objects.current()
        .filter(erased_at__isnull=True)
        .annotate(last_contact_at=Coalesce("last_seen_at", "created_at"))
        .filter(last_contact_at__lt=cutoff)
        .order_by("last_contact_at", "code")
    )


@transaction.atomic
def erase_client(*, actor: User | SystemActor, client: Client) -> Client:
    """Erase the identifying data of the person and of every record merged into them.

    The actor is the supervisor who erased, or SystemActor("erase_inactive") when the
    retention command did. One CLIENT_ERASED event, with the ids of the merged records
    erased along with the person.
    """
    group = merged_group(client)
    ids = [member.pk for member in group]
    merges = list(Merge.objects.filter(Q(survivor__in=ids) | Q(merged__in=ids)))
    terms = identifying_terms(group, merges)

    Alias.objects.filter(client__in=ids).delete()
    SafetyFlag.objects.filter(client__in=ids).delete()
    UseWish.objects.filter(client__in=ids).delete()  # their words on drug use go entirely
    ContextItem.objects.filter(client__in=ids).delete()  # so does the context they chose to share
    for model, lookup, blanks in free_text_about_a_person():
        model._base_manager.filter(**{lookup: ids}).update(**blanks)
    erased_at = timezone.now()
    # A new version: an edit of the details loaded before the erasure conflicts, never writes.
    Client.objects.filter(pk__in=ids).update(**ERASED_VALUES, erased_at=erased_at, version=F("version") + 1)
    for merge in merges:
        merge.snapshot = scrub(merge.snapshot, terms)
    Merge.objects.bulk_update(merges, ["snapshot"])

    for field, value in {**ERASED_VALUES, "erased_at": erased_at}.items():
        setattr(client, field, value)
    others = [str(pk) for pk in ids[1:]]
    record(
        action=AuditEvent.Action.CLIENT_ERASED,
        actor=actor,
        target=client,
        client_id=client.pk,
        details={"merged_records": others} if others else None,
    )
    return client


def free_text_about_a_person() -> list[tuple[type[models.Model], str, dict[str, str]]]:
    """(model, lookup from its rows to a person's id, blank value per free-text field).

    Rows pointing at a person, and rows pointing at those. Free text is an editable
    CharField or TextField without choices that is not unique (codes and slugs are not
    free text). A model can keep a field by listing it in `ERASURE_KEEPS`.
    """
    found = []
    for model, key in reverse_relations(Client):
        if model in HANDLED:
            continue
        found.append((model, f"{key}__in"))
        found.extend((child, f"{child_key}__{key}__in") for child, child_key in reverse_relations(model))
    result = []
    for model, lookup in found:
        blanks = free_text_blanks(model)
        if blanks and model not in HANDLED:
            result.append((model, lookup, blanks))
    return result


def reverse_relations(target: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """Every (model, foreign key name) pointing at `target`, hidden ones (related_name="+") too."""
    relations = [
        (field.related_model, field.field.name)
        for field in target._meta.get_fields(include_hidden=True)
        if isinstance(field, ForeignObjectRel) and (field.one_to_many or field.one_to_one)
    ]
    return sorted(
        ((model, name) for model, name in relations if isinstance(model, type)),
        key=lambda relation: (relation[0]._meta.label_lower, relation[1]),
    )


def free_text_blanks(model: type[models.Model]) -> dict[str, str]:
    keeps = getattr(model, "ERASURE_KEEPS", ())
    return {
        field.attname: "" if field.blank else ERASED_TEXT
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
        and not field.unique
        and not field.primary_key
        and field.name not in keeps
    }


def identifying_terms(group: list[Client], merges: list[Merge]) -> set[tuple[str, ...]]:
    """Everything identifying about the person, as normalised words, to find copies of it.

    Names are also searched word by word ("Robin" in "Robin Hood"); longer texts whole.
    """
    names: list[str] = []
    texts: list[str] = []
    for member in group:
        names.append(member.preferred_name)
        texts.extend([member.description, member.contact_details, member.pronouns, member.languages])
        texts.append(member.gender_self_described)
    ids = [member.pk for member in group]
    names.extend(Alias.objects.filter(client__in=ids).values_list("name", flat=True))
    texts.extend(SafetyFlag.objects.filter(client__in=ids).values_list("text", flat=True))
    for merge in merges:
        names.extend(identifying_strings(merge.snapshot))
    terms = {words_of(text) for text in [*names, *texts]}
    for name in names:
        terms.update((word,) for word in words_of(name) if len(word) >= SHORTEST_WORD)
    return {term for term in terms if term}


def words_of(text: str) -> tuple[str, ...]:
    """Lower case, accents removed, split at anything that is not a letter or digit."""
    return tuple(word for word in re.split(r"[\W_]+", normalise_name(text)) if word)


def identifying_strings(value: Any, identifying: bool = False) -> list[str]:
    """The strings a snapshot holds under identifying keys (the values `scrub` blanks)."""
    if isinstance(value, dict):
        return [
            text
            for key, item in value.items()
            if key not in CHOICE_KEYS
            for text in identifying_strings(item, key in IDENTIFYING_KEYS)
        ]
    if isinstance(value, list):
        return [text for item in value for text in identifying_strings(item, identifying)]
    if isinstance(value, str) and identifying and not ID_PATTERN.match(value):
        return [value]
    return []


def scrub(value: Any, terms: set[tuple[str, ...]], identifying: bool = False) -> Any:
    """A copy of a snapshot with identifying values blanked and ids, dates and numbers kept.

    A person's field (`preferred_name`, `contact_details`...) is reset as on the record
    itself. Any other string is blanked when it sits under an identifying key at any depth
    (a list of aliases) or mentions one of the person's names or texts; ids stay, so
    the merge record still says which rows moved.
    """
    if isinstance(value, dict):
        return {key: scrub_item(key, item, terms, identifying) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, terms, identifying) for item in value]
    if isinstance(value, str) and (mentions(value, terms) or (identifying and not ID_PATTERN.match(value))):
        return ""
    return value


def scrub_item(key: str, item: Any, terms: set[tuple[str, ...]], identifying: bool) -> Any:
    if key in CHOICE_KEYS:
        return item
    if key in ERASED_VALUES and isinstance(item, str | bool):
        return ERASED_VALUES[key]
    return scrub(item, terms, identifying or key in IDENTIFYING_KEYS)


def mentions(text: str, terms: set[tuple[str, ...]]) -> bool:
    """Whether any term appears in the text as whole words ("al" is not in "clients.alias")."""
    words = words_of(text)
    return any(words[start : start + len(term)] == term for term in terms for start in range(len(words)))
