"""One way to say change: for each combination of (reliable or not, reaches the smallest
change that counts or not) the person's page says one sentence, in English and Spanish,
that never contradicts itself (issue 21: "No reliable change" beside "at least the
smallest change that counts" for a WHO-5 change of +16)."""

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from clients.models import Client
from outcomes.change import Category, Change
from outcomes.models import CheckIn, Instrument
from outcomes.sections import CHANGE_SENTENCES, change_sentence

from .helpers import check_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in this thread: later tests expect English."""
    with translation.override("en"):
        yield


# WHO-5's norms: SD 21.04, r 0.87, so a change must exceed 21.03 points to be reliable.
WHO5_NORMS = {"sd": Decimal("21.04"), "reliability": Decimal("0.870")}


def change(points: int, *, norms: bool = True, smallest: int | None = 10, count: int = 2) -> Change:
    """A change of `points` from 40 on an unsaved 0-100 instrument (higher is better)."""
    instrument = Instrument(
        slug="who5",
        name="WHO-5",
        total_min=Decimal(0),
        total_max=Decimal(100),
        higher_is_better=True,
        smallest_change=Decimal(smallest) if smallest is not None else None,
        **(WHO5_NORMS if norms else {"sd": None, "reliability": None}),
    )
    now = timezone.now()
    first = CheckIn(instrument=instrument, total=Decimal(40), taken_at=now - timedelta(days=60))
    latest = CheckIn(instrument=instrument, total=Decimal(40 + points), taken_at=now)
    return Change(instrument=instrument, baseline=first, latest=latest, count=count)


# (points, has norms, smallest change that counts) -> (category, counts, the English sentence).
CASES = [
    (28, True, 10, Category.IMPROVED, True,
     "Reliably better: a change of +28 points is more than measurement error alone can give (21 points) "
     "and at least the smallest change that counts (10 points)."),
    (28, True, 30, Category.IMPROVED, False,
     "Reliably better, but small: a change of +28 points is more than measurement error alone can give "
     "(21 points), yet less than the smallest change that counts (30 points)."),
    (28, True, None, Category.IMPROVED, None,
     "Reliably better: a change of +28 points is more than measurement error alone can give (21 points); "
     "this questionnaire names no smallest change that counts."),
    (-28, True, 10, Category.WORSE, True,
     "Reliably worse: a change of -28 points is more than measurement error alone can give (21 points) "
     "and at least the smallest change that counts (10 points)."),
    (-28, True, 30, Category.WORSE, False,
     "Reliably worse, but small: a change of -28 points is more than measurement error alone can give "
     "(21 points), yet less than the smallest change that counts (30 points)."),
    (-28, True, None, Category.WORSE, None,
     "Reliably worse: a change of -28 points is more than measurement error alone can give (21 points); "
     "this questionnaire names no smallest change that counts."),
    (16, True, 10, Category.NO_CHANGE, True,
     "Not yet a reliable change: a change of +16 points reaches the smallest change that counts "
     "(10 points), but not more than measurement error alone can give (21 points)."),
    (4, True, 10, Category.NO_CHANGE, False,
     "No reliable change: a change of +4 points is within what measurement error alone can give "
     "(21 points) and less than the smallest change that counts (10 points)."),
    (4, True, None, Category.NO_CHANGE, None,
     "No reliable change: a change of +4 points is within what measurement error alone can give "
     "(21 points)."),
    (16, False, 10, None, True,
     "A change of +16 points, at least the smallest change that counts (10 points); whether it is "
     "reliable cannot be said: this questionnaire has no published reliability and SD."),
    (4, False, 10, None, False,
     "A change of +4 points, less than the smallest change that counts (10 points); whether it is "
     "reliable cannot be said: this questionnaire has no published reliability and SD."),
    (4, False, None, None, None,
     "A change of +4 points; this questionnaire names no smallest change that counts and has no "
     "published reliability and SD, so no more can be said."),
]  # fmt: skip

SPANISH_STARTS = {
    (Category.IMPROVED, True): "Mejora fiable: un cambio de +28 puntos",
    (Category.NO_CHANGE, True): "Aún no es un cambio fiable: un cambio de +16 puntos",
    (Category.NO_CHANGE, False): "Sin cambio fiable: un cambio de +4 puntos",
    (Category.WORSE, True): "Empeoramiento fiable: un cambio de -28 puntos",
    (None, None): "Un cambio de +4 puntos",
}


def test_every_combination_has_its_own_sentence() -> None:
    assert {(category, counts) for *_, category, counts, _text in CASES} == set(CHANGE_SENTENCES)
    assert len(set(map(str, CHANGE_SENTENCES.values()))) == len(CHANGE_SENTENCES) == 12


@pytest.mark.parametrize(("points", "norms", "smallest", "category", "counts", "sentence"), CASES)
def test_each_combination_in_one_sentence(
    points: int, norms: bool, smallest: int | None, category: Category | None, counts: bool | None, sentence: str
) -> None:
    given = change(points, norms=norms, smallest=smallest)
    assert (given.category, given.counts) == (category, counts)
    with translation.override("en"):
        assert change_sentence(given) == sentence


@pytest.mark.parametrize(("points", "norms", "smallest", "category", "counts", "sentence"), CASES)
def test_each_combination_in_spanish(
    points: int, norms: bool, smallest: int | None, category: Category | None, counts: bool | None, sentence: str
) -> None:
    given = change(points, norms=norms, smallest=smallest)
    with translation.override("es"):
        spanish = change_sentence(given)
    assert spanish != sentence  # translated, not the English left in place
    assert f"{points:+d} puntos" in spanish
    if smallest is not None:
        assert f"({smallest} puntos)" in spanish
    if (category, counts) in SPANISH_STARTS:
        assert spanish.startswith(SPANISH_STARTS[(category, counts)])


def test_a_who5_change_of_16_is_said_once_without_contradiction(
    worker_client: HttpClient, person: Client, worker: User, who5: Instrument
) -> None:
    """The case in the issue: +16 reaches the 10 points that count but not the 21 of reliable change."""
    start = timezone.now() - timedelta(days=90)
    check_in(person, who5, [2, 2, 2, 2, 2], by=worker, at=start)  # 40
    check_in(person, who5, [3, 3, 3, 3, 2], by=worker, at=start + timedelta(days=80))  # 56
    html = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert (
        "Not yet a reliable change: a change of +16 points reaches the smallest change that counts "
        "(10 points), but not more than measurement error alone can give (21 points)."
    ) in html
    assert "No reliable change" not in html
    assert "Reliable Change Index +1.49" in html
    worker_client.cookies["django_language"] = "es"
    spanish = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Aún no es un cambio fiable: un cambio de +16 puntos" in spanish
