"""Instruments are versioned: a version with check-ins never changes, so past check-ins keep their meaning."""

import importlib
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import User
from clients.models import Client
from outcomes import instruments
from outcomes import migrations as outcomes_migrations
from outcomes.models import CheckIn, Instrument, InstrumentItem
from outcomes.services import ItemDefinition, change_instrument, define_instrument

from .helpers import check_in

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "Feeling safe",
    "instructions": "",
    "scoring": "sum",
    "factor": Decimal(1),
    "min_answered": None,
    "higher_is_better": True,
    "smallest_change": Decimal(2),
    "reliability": None,
    "sd": None,
    "norms_source": "",
    "licence": "",
    "citation": "",
    "is_active": True,
}


@pytest.fixture
def safety(actor: User, worker: User) -> Instrument:
    items = [ItemDefinition("Safe where I sleep", 0, 4), ItemDefinition("Worried about violence", 0, 4, True)]
    return define_instrument(actor=worker, slug="safety", fields=FIELDS, items=items)


def test_a_new_instrument_is_version_one(safety: Instrument) -> None:
    assert (safety.version, safety.is_current, safety.is_builtin) == (1, True, False)
    assert (safety.total_min, safety.total_max) == (0, 8)
    assert [(item.key, item.is_reverse_scored) for item in safety.items.all()] == [("item-1", False), ("item-2", True)]


def test_unused_version_changes_in_place(actor: User, worker: User, safety: Instrument) -> None:
    changed = change_instrument(
        actor=worker,
        instrument=safety,
        fields=FIELDS | {"name": "Safety"},
        items=[ItemDefinition("Safe where I sleep", 0, 10)],
    )
    assert (changed.pk, changed.version, changed.name, changed.items.count()) == (safety.pk, 1, "Safety", 1)


def test_used_version_stays_and_the_change_is_a_new_version(
    actor: User, person: Client, worker: User, safety: Instrument
) -> None:
    past = check_in(person, safety, [3, 1], by=worker)  # 3 + (4 - 1) = 6
    assert past.total == 6
    changed = change_instrument(
        actor=worker,
        instrument=safety,
        fields=FIELDS | {"scoring": "mean"},
        items=[ItemDefinition("Safe where I sleep", 0, 10)],
    )
    assert (changed.version, changed.is_current, changed.slug) == (2, True, "safety")
    safety.refresh_from_db()
    assert (safety.is_current, safety.scoring, safety.items.count()) == (False, "sum", 2)
    past.refresh_from_db()
    assert (past.instrument_id, past.total) == (safety.pk, 6)  # the old check-in keeps its version
    assert Instrument.objects.current().get(slug="safety").pk == changed.pk


def test_built_in_can_only_be_offered_or_not(actor: User, worker: User, who5: Instrument) -> None:
    change_instrument(actor=worker, instrument=who5, fields=FIELDS | {"is_active": False}, items=[])
    who5.refresh_from_db()
    assert (who5.is_active, who5.name, who5.version) == (False, "WHO-5 Wellbeing Index", 1)
    assert not Instrument.objects.offered().filter(slug="who5").exists()


def sync() -> None:
    instruments.sync_builtins(Instrument, InstrumentItem, CheckIn)


def test_sync_of_unchanged_built_ins_changes_nothing(who5: Instrument) -> None:
    sync()
    assert Instrument.objects.filter(slug="who5").count() == 1
    assert Instrument.objects.get(slug="who5").pk == who5.pk


def test_changed_built_in_with_check_ins_becomes_a_new_version(
    monkeypatch: pytest.MonkeyPatch, person: Client, worker: User, who5: Instrument, ratings: Instrument
) -> None:
    check_in(person, who5, [1, 2, 3, 4, 5], by=worker)
    changed_who5 = instruments.InstrumentSpec(**(vars(instruments.WHO5) | {"smallest_change": Decimal(12)}))
    changed_ratings = instruments.InstrumentSpec(**(vars(instruments.SELF_RATINGS) | {"position": 21}))
    monkeypatch.setattr(instruments, "BUILTINS", [changed_who5, changed_ratings, instruments.HOUSING])
    sync()
    versions = dict(Instrument.objects.filter(slug="who5").values_list("version", "is_current"))
    assert versions == {1: False, 2: True}
    assert Instrument.objects.current().get(slug="who5").items.count() == 5
    # Self-ratings had no check-ins: changed in place, still version 1.
    assert list(Instrument.objects.filter(slug="self_ratings").values_list("version", "position")) == [(1, 21)]


def newest_frozen_builtins() -> list[dict[str, object]]:
    """The built-ins as the newest outcomes migration that carries them froze them."""
    folder = Path(outcomes_migrations.__file__).parent
    for path in sorted(folder.glob("[0-9]*.py"), reverse=True):
        module = importlib.import_module(f"outcomes.migrations.{path.stem}")
        if hasattr(module, "BUILTINS"):
            return list(module.BUILTINS)
    raise AssertionError("no outcomes migration carries the built-ins")


def test_the_built_ins_equal_the_copy_the_newest_migration_carries() -> None:
    """A changed built-in ships as a new migration with its own frozen copy (a migration
    imports no app code): until it does, this fails."""
    live = [
        {
            "slug": spec.slug,
            "fields": spec.instrument_fields(),
            "items": [instruments._item_fields(item, order) for order, item in enumerate(spec.items, start=1)],
        }
        for spec in instruments.BUILTINS
    ]
    assert live == newest_frozen_builtins()


def test_the_migrations_copy_made_the_rows_the_live_sync_would_make(who5: Instrument, ratings: Instrument) -> None:
    """The database the migrations made holds the built-ins as the live code defines them."""
    before = sorted(Instrument.objects.values_list("pk", flat=True))
    sync()
    assert sorted(Instrument.objects.values_list("pk", flat=True)) == before
