"""How the parts of a contact show on its page and on a person's timeline (encounters/parts.py
`summary`), kept apart from the parts registry so that models.py can read it: parts.py names
the models, and models.py (`EncounterQuerySet.for_timeline`, `Encounter.part_summaries`) names
this, never the other way round.

A part's summary is an annotation of the contact's own query (a subquery, so the pages that
show contacts keep their query count) and the words for its value.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PartSummary:
    """`annotation()` is the expression annotated as `part_<key>`; `words(value)` says it
    (translated; "" for nothing), under `label` (a lazy translation)."""

    label: Any
    annotation: Callable[[], Any]
    words: Callable[[Any], str]


# key -> (its place in encounters.parts.ORDER, its summary)
_summaries: dict[str, tuple[int, PartSummary]] = {}


def register_summary(key: str, position: int, summary: PartSummary) -> None:
    """Called by encounters.parts.register_contact_part for a part with a `summary`."""
    _summaries[key] = (position, summary)


def _in_order() -> list[tuple[str, PartSummary]]:
    return [(key, summary) for key, (_position, summary) in sorted(_summaries.items(), key=lambda item: item[1][0])]


def summary_annotations() -> dict[str, Any]:
    """`part_<key>` -> its expression, for every part that shows on a contact."""
    return {f"part_{key}": summary.annotation() for key, summary in _in_order()}


def summaries(row: Any) -> list[tuple[str, str]]:
    """(label, words) of each part the contact has, from its annotations (none when the
    contact was read without them)."""
    found = []
    for key, summary in _in_order():
        name = f"part_{key}"
        if name in row.__dict__:
            words = summary.words(row.__dict__[name])
            if words:
                found.append((str(summary.label), words))
    return found
