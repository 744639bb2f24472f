"""Two people editing the same record at once: the first save wins, the second is told.

A model that takes part has a `version` column (db_default=1). Its edit form carries the
version it was loaded at (`version_field`), and saving is one statement,
`UPDATE ... SET ..., version = version + 1 WHERE id = %s AND version = <loaded>`
(`save_if_current`). Of two saves of the same version exactly one matches: the other's
UPDATE waits on the row lock, and when the first commits PostgreSQL re-reads the row
(READ COMMITTED), finds a newer version and matches nothing. That save writes nothing and
its view shows a conflict page: both versions side by side
(templates/includes/_conflict_table.html, fed by `conflict_rows`) and what was typed, in the
form again, now carrying the newer version, so saving it replaces the other save knowingly.

Only the edits a person types and could lose take part (a contact's correction, a person's
details, how a goal ended). Writes that add rather than replace (an alias, a step, a
review) or that set a state someone can see at once (a step ticked done) do not bump a
version: otherwise ticking a step would turn a colleague's unrelated save into a conflict.
"""

from collections.abc import Callable, Collection, Iterable
from typing import Any, NamedTuple

from django import forms
from django.db import models
from django.db.models import F

from core.errors import Conflict


class EditConflict(Conflict):
    """Someone saved a newer version after this edit was loaded: nothing was written."""


def version_field() -> forms.IntegerField:
    """The hidden form field that carries the version the form was loaded at."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def save_if_current(model: type[models.Model], pk: Any, version: int, changes: dict[str, Any]) -> bool:
    """Write `changes` and bump the version if the row is still at `version`; False if not
    (then nothing was written). The caller's transaction holds the row lock until it ends."""
    rows = model._default_manager.filter(pk=pk, version=version)
    return rows.update(**changes, version=F("version") + 1) == 1


class ConflictRow(NamedTuple):
    """One detail of the conflict table, as typed and as saved now, as a person reads it."""

    name: str
    label: str
    yours: Any
    saved: Any
    differs: bool


def conflict_rows(
    labels: Iterable[tuple[str, Any]],
    *,
    yours: Any,
    saved: Any,
    differs: Collection[str],
    shown: Callable[[Any, str], Any],
) -> list[ConflictRow]:
    """A row per (name, label): `shown(values, name)` formats one value of either version
    (a string, several lines at most; the template shows an empty one as a dash)."""
    return [
        ConflictRow(name, str(label), shown(yours, name), shown(saved, name), name in differs) for name, label in labels
    ]
