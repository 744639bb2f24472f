"""The WHO-5's licence statement says what is done: an adaptation (an unscored "prefer not
to say" answer is added to each item; issue 21). Only the statement changes, not the
questions, answers or scoring, so every WHO-5 row that carries the old statement is updated
in place and no new version is made: past check-ins keep the version they answered, whose
meaning is the same.

The built-ins are frozen here again with the new statement (a migration carries its own data
and imports no app code: docs/architecture.md); tests/outcomes/test_versioning.py checks the
live definitions in outcomes/instruments.py equal this newest copy.
"""

from decimal import Decimal
from typing import Any

from django.db import migrations

BEFORE = (
    "WHO-5: The World Health Organization-Five Well-Being Index (WHO-5). Geneva: World Health "
    "Organization; 2024. Licence: CC BY-NC-SA 3.0 IGO. Used without changes; scored as the WHO "
    "describes (raw score 0 to 25, times 4 for 0 to 100)."
)
ADAPTED = (
    "Adapted from: The World Health Organization-Five Well-Being Index (WHO-5). Geneva: World "
    "Health Organization; 2024. Licence: CC BY-NC-SA 3.0 IGO. The five items and their answers "
    "are WHO's published wording, unchanged; our adaptation adds a “prefer not to say” "
    "answer to each item, which is never scored: a total needs all five answers, scored as the WHO "
    "describes (raw score 0 to 25, times 4 for 0 to 100). This adaptation was not created by WHO, "
    "and WHO is not responsible for its content or accuracy."
)

BUILTINS: list[dict[str, Any]] = [
    {
        "slug": "who5",
        "fields": {
            "name": "WHO-5 Wellbeing Index",
            "position": 10,
            "scoring": "sum_times",
            "instructions": "Over the last two weeks…",
            "licence": ADAPTED,
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


def fill(apps: Any, schema_editor: Any) -> None:
    instrument = apps.get_model("outcomes", "Instrument")
    instrument.objects.filter(slug="who5", is_builtin=True, licence=BEFORE).update(licence=ADAPTED)


def unfill(apps: Any, schema_editor: Any) -> None:
    instrument = apps.get_model("outcomes", "Instrument")
    instrument.objects.filter(slug="who5", is_builtin=True, licence=ADAPTED).update(licence=BEFORE)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0004_drop_draft_trigger")]

    operations = [migrations.RunPython(fill, unfill)]
