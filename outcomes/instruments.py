"""The built-in instruments, defined here and written to rows by data migrations.

`sync_builtins` writes these definitions to the database: a new instrument as version 1; a
changed definition in place while no check-in uses it, else as a new version (the old one
keeps its check-ins and their meaning). A migration that ships a changed definition calls
it again (see migration 0003_fill_builtin_instruments).

Wording of the WHO-5: the published English items and answers (WHO 2024, below), and
WHO's Spanish version "OMS (cinco) Índice de Bienestar (OMS-5)" (published by WHO with the
2024 edition; WHO states the English edition is authentic where they differ; its typo
"descandado" is read as "descansado"). Both are stored as published and are NOT marked for
translation: a translator must not reword a validated instrument. The lead-in line
("Over the last two weeks…") and everything else are our own words (msgids).

Nothing here asks about drug use, and nothing may (DESIGN.md, principle 1).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from .scoring import total_range

# Said exactly as it is done (issue 21): the items and answers are WHO's, unchanged, but
# each item also offers "prefer not to say", which is not scored; that is an adaptation,
# and CC BY-NC-SA 3.0 IGO asks an adaptation to say so and that WHO did not make it
# (outcomes migration 0005 put it in place of the earlier "used without changes").
WHO5_LICENCE = gettext_noop(
    "Adapted from: The World Health Organization-Five Well-Being Index (WHO-5). Geneva: World "
    "Health Organization; 2024. Licence: CC BY-NC-SA 3.0 IGO. The five items and their answers "
    "are WHO's published wording, unchanged; our adaptation adds a “prefer not to say” "
    "answer to each item, which is never scored: a total needs all five answers, scored as the WHO "
    "describes (raw score 0 to 25, times 4 for 0 to 100). This adaptation was not created by WHO, "
    "and WHO is not responsible for its content or accuracy."
)
WHO5_CITATION = (
    "World Health Organization. The World Health Organization-Five Well-Being Index (WHO-5). "
    "Geneva: WHO; 2024. Licence: CC BY-NC-SA 3.0 IGO. Spanish: OMS (cinco) Índice de Bienestar "
    "(OMS-5). Topp CW, Østergaard SD, Søndergaard S, Bech P. The WHO-5 Well-Being Index: a "
    "systematic review of the literature. Psychother Psychosom. 2015;84(3):167-176."
)
# Reliability and SD for the Reliable Change Index (outcomes/change.py). Saipanish et al.
# report, in one sample of 274 adult primary-care patients, Cronbach's alpha 0.87 and a
# raw-score SD of 5.26, i.e. 21.04 on the 0-100 scale (x4). With them a change must exceed
# 1.96 x sqrt(2) x 21.04 x sqrt(1 - 0.87) = 21.0 points to be reliable; a test-retest
# study of the Danish WHO-5 (554 outpatients, ICC 0.81; Health Qual Life Outcomes 2018,
# doi:10.1186/s12955-018-1001-0) found a minimal detectable change of 23.6 points, close
# to it. We found no published alpha with SD for people who use drugs; data admins can
# publish a new version with better-fitting figures when one appears.
WHO5_NORMS = (
    "Saipanish R, Lotrakul M, Sumrithe S. Reliability and validity of the Thai version of the "
    "WHO-Five Well-Being Index in primary care patients. Psychiatry Clin Neurosci. "
    "2009;63(2):141-146. doi:10.1111/j.1440-1819.2009.01933.x (Cronbach's alpha 0.87; raw SD "
    "5.26, x4 = 21.04)."
)
WHO5_SMALLEST_CHANGE_SOURCE = (
    "WHO-5 scoring guidance (Psychiatric Research Unit, Hillerød): to monitor change the "
    "percentage score is used; a 10% difference indicates a significant change."
)

WHO5_ANSWERS = [
    {"value": 5, "label": "All of the time", "es": "Todo el tiempo"},
    {"value": 4, "label": "Most of the time", "es": "La mayor parte del tiempo"},
    {"value": 3, "label": "More than half of the time", "es": "Más de la mitad del tiempo"},
    {"value": 2, "label": "Less than half of the time", "es": "Menos de la mitad del tiempo"},
    {"value": 1, "label": "Some of the time", "es": "De vez en cuando"},
    {"value": 0, "label": "At no time", "es": "Nunca"},
]


@dataclass(frozen=True)
class ItemSpec:
    key: str
    wording: str
    scale_min: int
    scale_max: int
    translations: dict[str, str] = field(default_factory=dict)
    labels: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "scale"
    is_reverse_scored: bool = False


@dataclass(frozen=True)
class InstrumentSpec:
    slug: str
    name: str
    position: int
    items: list[ItemSpec]
    scoring: str
    instructions: str = ""
    licence: str = ""
    citation: str = ""
    factor: Decimal = Decimal(1)
    min_answered: int | None = None
    higher_is_better: bool = True
    smallest_change: Decimal | None = None
    reliability: Decimal | None = None
    sd: Decimal | None = None
    norms_source: str = ""

    def instrument_fields(self) -> dict[str, Any]:
        names = [
            "name", "position", "scoring", "instructions", "licence", "citation", "factor", "min_answered",
            "higher_is_better", "smallest_change", "reliability", "sd", "norms_source",
        ]  # fmt: skip
        fields = {name: getattr(self, name) for name in names}
        low, high = total_range(self, self.items) or (None, None)
        return fields | {"total_min": low, "total_max": high}


def _who5_item(key: str, english: str, spanish: str) -> ItemSpec:
    return ItemSpec(
        key=key, wording=english, scale_min=0, scale_max=5, translations={"es": spanish}, labels=WHO5_ANSWERS
    )


def _rating(key: str, wording: str) -> ItemSpec:
    ends = [{"value": 0, "label": gettext_noop("0: very poor")}, {"value": 10, "label": gettext_noop("10: very good")}]
    return ItemSpec(key=key, wording=wording, scale_min=0, scale_max=10, labels=ends)


WHO5 = InstrumentSpec(
    slug="who5",
    name=gettext_noop("WHO-5 Wellbeing Index"),
    position=10,
    instructions=gettext_noop("Over the last two weeks…"),
    items=[
        _who5_item("cheerful", "I have felt cheerful and in good spirits", "Me he sentido alegre y de buen humor"),
        _who5_item("calm", "I have felt calm and relaxed", "Me he sentido tranquilo y relajado"),
        _who5_item("active", "I have felt active and vigorous", "Me he sentido activo y enérgico"),
        _who5_item("rested", "I woke up feeling fresh and rested", "Me he despertado fresco y descansado"),
        _who5_item(
            "interested",
            "My daily life has been filled with things that interest me",
            "Mi vida cotidiana ha estado llena de cosas que me interesan",
        ),
    ],
    scoring="sum_times",
    factor=Decimal(4),
    min_answered=5,
    smallest_change=Decimal(10),
    reliability=Decimal("0.870"),
    sd=Decimal("21.04"),
    licence=WHO5_LICENCE,
    citation=WHO5_CITATION,
    norms_source=WHO5_NORMS,
)

# Our own words: three ratings, each 0 to 10. No total: they rate different things, and
# no published source gives them a combined score, a reliability or an SD.
SELF_RATINGS = InstrumentSpec(
    slug="self_ratings",
    name=gettext_noop("Health and quality of life"),
    position=20,
    instructions=gettext_noop("How would they rate these today, from 0 (very poor) to 10 (very good)?"),
    items=[
        _rating("physical_health", gettext_noop("Physical health")),
        _rating("mental_health", gettext_noop("Mental health")),
        _rating("quality_of_life", gettext_noop("Overall quality of life")),
    ],
    scoring="none",
)

HOUSING_OPTIONS = [
    {"value": 1, "label": gettext_noop("Stable")},
    {"value": 2, "label": gettext_noop("Temporary")},
    {"value": 3, "label": gettext_noop("No fixed address")},
    {"value": 4, "label": gettext_noop("Other")},
]
HOUSING = InstrumentSpec(
    slug="housing",
    name=gettext_noop("Housing situation"),
    position=30,
    items=[
        ItemSpec(
            key="housing",
            wording=gettext_noop("Where they are living now"),
            scale_min=1,
            scale_max=4,
            kind="choice",
            labels=HOUSING_OPTIONS,
        )
    ],
    scoring="none",
)

BUILTINS = [WHO5, SELF_RATINGS, HOUSING]


def _item_fields(spec: ItemSpec, order: int) -> dict[str, Any]:
    return {
        "order": order,
        "key": spec.key,
        "wording": spec.wording,
        "translations": spec.translations,
        "kind": spec.kind,
        "scale_min": spec.scale_min,
        "scale_max": spec.scale_max,
        "is_reverse_scored": spec.is_reverse_scored,
        "labels": spec.labels,
    }


def _same(row: Any, fields: dict[str, Any]) -> bool:
    return all(getattr(row, name) == value for name, value in fields.items())


def sync_builtins(instrument_model: Any, item_model: Any, check_in_model: Any) -> None:
    """Write the built-in definitions (works with a migration's historical models)."""
    for spec in BUILTINS:
        fields = spec.instrument_fields()
        items = [_item_fields(item, order) for order, item in enumerate(spec.items, start=1)]
        current = instrument_model.objects.filter(slug=spec.slug, is_current=True).first()
        if current is not None:
            rows = list(item_model.objects.filter(instrument=current).order_by("order"))
            unchanged = _same(current, fields) and len(rows) == len(items)
            if unchanged and all(_same(row, wanted) for row, wanted in zip(rows, items, strict=True)):
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
            slug=spec.slug, version=version, is_current=True, is_builtin=True, **fields
        )
        item_model.objects.bulk_create([item_model(instrument=instrument, **item) for item in items])
