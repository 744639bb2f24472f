"""The built-in instruments: WHO-5, health and quality of life self-ratings, housing situation.

The definitions are frozen here as they were shipped (a migration carries its own data and
imports no app code: docs/architecture.md). outcomes/instruments.py keeps the live
definitions with their sources; tests/outcomes/test_versioning.py checks that they equal the
newest frozen copy, so a change to a built-in ships as a new migration with its own copy and
this same sync: it makes a new version when check-ins use the current one.
"""

from decimal import Decimal
from typing import Any

from django.db import migrations

BUILTINS: list[dict[str, Any]] = [
    {
        "slug": "who5",
        "fields": {
            "name": "WHO-5 Wellbeing Index",
            "position": 10,
            "scoring": "sum_times",
            "instructions": "Over the last two weeks…",
            "licence": "WHO-5: The World Health Organization-Five Well-Being Index (WHO-5). Geneva: World "
            "Health Organization; 2024. Licence: CC BY-NC-SA 3.0 IGO. Used without changes; "
            "scored as the WHO describes (raw score 0 to 25, times 4 for 0 to 100).",
            "citation": "World Health Organization. The World Health Organization-Five Well-Being Index "
            "(WHO-5). Geneva: WHO; 2024. Licence: CC BY-NC-SA 3.0 IGO. Spanish: OMS (cinco) "
            "Índice de Bienestar (OMS-5). Topp CW, Østergaard SD, Søndergaard S, Bech P. The "
            "WHO-5 Well-Being Index: a systematic review of the literature. Psychother "
            "Psychosom. 2015;84(3):167-176.",
            "factor": Decimal("4"),
            "min_answered": 5,
            "higher_is_better": True,
            "smallest_change": Decimal("10"),
            "reliability": Decimal("0.870"),
            "sd": Decimal("21.04"),
            "norms_source": "Saipanish R, Lotrakul M, Sumrithe S. Reliability and validity of the Thai "
            "version of the WHO-Five Well-Being Index in primary care patients. Psychiatry "
            "Clin Neurosci. 2009;63(2):141-146. doi:10.1111/j.1440-1819.2009.01933.x "
            "(Cronbach's alpha 0.87; raw SD 5.26, x4 = 21.04).",
            "total_min": Decimal("0.00"),
            "total_max": Decimal("100.00"),
        },
        "items": [
            {
                "order": 1,
                "key": "cheerful",
                "wording": "I have felt cheerful and in good spirits",
                "translations": {"es": "Me he sentido alegre y de buen humor"},
                "kind": "scale",
                "scale_min": 0,
                "scale_max": 5,
                "is_reverse_scored": False,
                "labels": [
                    {"value": 5, "label": "All of the time", "es": "Todo el tiempo"},
                    {"value": 4, "label": "Most of the time", "es": "La mayor parte del tiempo"},
                    {"value": 3, "label": "More than half of the time", "es": "Más de la mitad del tiempo"},
                    {"value": 2, "label": "Less than half of the time", "es": "Menos de la mitad del tiempo"},
                    {"value": 1, "label": "Some of the time", "es": "De vez en cuando"},
                    {"value": 0, "label": "At no time", "es": "Nunca"},
                ],
            },
            {
                "order": 2,
                "key": "calm",
                "wording": "I have felt calm and relaxed",
                "translations": {"es": "Me he sentido tranquilo y relajado"},
                "kind": "scale",
                "scale_min": 0,
                "scale_max": 5,
                "is_reverse_scored": False,
                "labels": [
                    {"value": 5, "label": "All of the time", "es": "Todo el tiempo"},
                    {"value": 4, "label": "Most of the time", "es": "La mayor parte del tiempo"},
                    {"value": 3, "label": "More than half of the time", "es": "Más de la mitad del tiempo"},
                    {"value": 2, "label": "Less than half of the time", "es": "Menos de la mitad del tiempo"},
                    {"value": 1, "label": "Some of the time", "es": "De vez en cuando"},
                    {"value": 0, "label": "At no time", "es": "Nunca"},
                ],
            },
            {
                "order": 3,
                "key": "active",
                "wording": "I have felt active and vigorous",
                "translations": {"es": "Me he sentido activo y enérgico"},
                "kind": "scale",
                "scale_min": 0,
                "scale_max": 5,
                "is_reverse_scored": False,
                "labels": [
                    {"value": 5, "label": "All of the time", "es": "Todo el tiempo"},
                    {"value": 4, "label": "Most of the time", "es": "La mayor parte del tiempo"},
                    {"value": 3, "label": "More than half of the time", "es": "Más de la mitad del tiempo"},
                    {"value": 2, "label": "Less than half of the time", "es": "Menos de la mitad del tiempo"},
                    {"value": 1, "label": "Some of the time", "es": "De vez en cuando"},
                    {"value": 0, "label": "At no time", "es": "Nunca"},
                ],
            },
            {
                "order": 4,
                "key": "rested",
                "wording": "I woke up feeling fresh and rested",
                "translations": {"es": "Me he despertado fresco y descansado"},
                "kind": "scale",
                "scale_min": 0,
                "scale_max": 5,
                "is_reverse_scored": False,
                "labels": [
                    {"value": 5, "label": "All of the time", "es": "Todo el tiempo"},
                    {"value": 4, "label": "Most of the time", "es": "La mayor parte del tiempo"},
                    {"value": 3, "label": "More than half of the time", "es": "Más de la mitad del tiempo"},
                    {"value": 2, "label": "Less than half of the time", "es": "Menos de la mitad del tiempo"},
                    {"value": 1, "label": "Some of the time", "es": "De vez en cuando"},
                    {"value": 0, "label": "At no time", "es": "Nunca"},
                ],
            },
            {
                "order": 5,
                "key": "interested",
                "wording": "My daily life has been filled with things that interest me",
                "translations": {"es": "Mi vida cotidiana ha estado llena de cosas que me interesan"},
                "kind": "scale",
                "scale_min": 0,
                "scale_max": 5,
                "is_reverse_scored": False,
                "labels": [
                    {"value": 5, "label": "All of the time", "es": "Todo el tiempo"},
                    {"value": 4, "label": "Most of the time", "es": "La mayor parte del tiempo"},
                    {"value": 3, "label": "More than half of the time", "es": "Más de la mitad del tiempo"},
                    {"value": 2, "label": "Less than half of the time", "es": "Menos de la mitad del tiempo"},
                    {"value": 1, "label": "Some of the time", "es": "De vez en cuando"},
                    {"value": 0, "label": "At no time", "es": "Nunca"},
                ],
            },
        ],
    },
    {
        "slug": "self_ratings",
        "fields": {
            "name": "Health and quality of life",
            "position": 20,
            "scoring": "none",
            "instructions": "How would they rate these today, from 0 (very poor) to 10 (very good)?",
            "licence": "",
            "citation": "",
            "factor": Decimal("1"),
            "min_answered": None,
            "higher_is_better": True,
            "smallest_change": None,
            "reliability": None,
            "sd": None,
            "norms_source": "",
            "total_min": None,
            "total_max": None,
        },
        "items": [
            {
                "order": 1,
                "key": "physical_health",
                "wording": "Physical health",
                "translations": {},
                "kind": "scale",
                "scale_min": 0,
                "scale_max": 10,
                "is_reverse_scored": False,
                "labels": [{"value": 0, "label": "0: very poor"}, {"value": 10, "label": "10: very good"}],
            },
            {
                "order": 2,
                "key": "mental_health",
                "wording": "Mental health",
                "translations": {},
                "kind": "scale",
                "scale_min": 0,
                "scale_max": 10,
                "is_reverse_scored": False,
                "labels": [{"value": 0, "label": "0: very poor"}, {"value": 10, "label": "10: very good"}],
            },
            {
                "order": 3,
                "key": "quality_of_life",
                "wording": "Overall quality of life",
                "translations": {},
                "kind": "scale",
                "scale_min": 0,
                "scale_max": 10,
                "is_reverse_scored": False,
                "labels": [{"value": 0, "label": "0: very poor"}, {"value": 10, "label": "10: very good"}],
            },
        ],
    },
    {
        "slug": "housing",
        "fields": {
            "name": "Housing situation",
            "position": 30,
            "scoring": "none",
            "instructions": "",
            "licence": "",
            "citation": "",
            "factor": Decimal("1"),
            "min_answered": None,
            "higher_is_better": True,
            "smallest_change": None,
            "reliability": None,
            "sd": None,
            "norms_source": "",
            "total_min": None,
            "total_max": None,
        },
        "items": [
            {
                "order": 1,
                "key": "housing",
                "wording": "Where they are living now",
                "translations": {},
                "kind": "choice",
                "scale_min": 1,
                "scale_max": 4,
                "is_reverse_scored": False,
                "labels": [
                    {"value": 1, "label": "Stable"},
                    {"value": 2, "label": "Temporary"},
                    {"value": 3, "label": "No fixed address"},
                    {"value": 4, "label": "Other"},
                ],
            }
        ],
    },
]


def sync(instrument_model: Any, item_model: Any, check_in_model: Any, builtins: list[dict[str, Any]]) -> None:
    """Write the definitions: a new instrument as version 1; a changed one in place while no
    check-in uses it, else as a new version (the old one keeps its check-ins)."""
    for spec in builtins:
        fields, items = spec["fields"], spec["items"]
        current = instrument_model.objects.filter(slug=spec["slug"], is_current=True).first()
        if current is not None:
            rows = list(item_model.objects.filter(instrument=current).order_by("order"))
            unchanged = all(getattr(current, name) == value for name, value in fields.items())
            same_items = len(rows) == len(items) and all(
                all(getattr(row, name) == value for name, value in wanted.items())
                for row, wanted in zip(rows, items, strict=True)
            )
            if unchanged and same_items:
                continue
            if not check_in_model.objects.filter(instrument=current).exists():
                current.delete()  # nothing answered it yet: replace in place
                version = current.version
            else:
                instrument_model.objects.filter(pk=current.pk).update(is_current=False)
                version = current.version + 1
        else:
            version = 1
        instrument = instrument_model.objects.create(
            slug=spec["slug"], version=version, is_current=True, is_builtin=True, **fields
        )
        item_model.objects.bulk_create([item_model(instrument=instrument, **item) for item in items])


def fill(apps: Any, schema_editor: Any) -> None:
    sync(
        apps.get_model("outcomes", "Instrument"),
        apps.get_model("outcomes", "InstrumentItem"),
        apps.get_model("outcomes", "CheckIn"),
        BUILTINS,
    )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_turn_drafts_into_check_ins")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
