"""Words as data, and a gentle suggestion (never a block) when a worker's free text uses a
word to avoid, in English and Spanish; the person's own words are never checked."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation

from clients.models import Client, SafetyFlag
from core.language import TERMS, WORDS, findings, organisation_terms, suggestions
from goals.models import Goal, Review
from tests.goals.factories import GoalFactory

pytestmark = pytest.mark.django_db

SUGGESTION = "A suggestion about wording (saved as written)"


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("He is an enabler", "enabler"),
        ("non-adherent to his meds", "non-adherent"),
        ("Non adherence noted", "non-adherent"),
        ("on opioid substitution therapy", "substitution therapy"),
        ("a repeat offender", "offender"),
        ("Sigue enganchado", "enganchado"),
        ("es un delincuente", "delincuente"),
    ],
)
def test_the_new_words_are_in_the_data_and_caught(text: str, word: str) -> None:
    assert [found.term.word for found in findings(text)] == [word]


def test_the_lists_are_data_one_file_per_language() -> None:
    for language in ("en", "es"):
        data = json.loads((WORDS / f"{language}.json").read_text(encoding="utf-8"))
        assert data["language"] == language
        assert [term.word for term in TERMS if term.language == language] == [t["word"] for t in data["terms"]]
        assert all(term["reason"] and term["instead"] for term in data["terms"])


def test_an_organisation_extends_the_list(tmp_path: Path) -> None:
    words = tmp_path / "words.json"
    words.write_text(
        json.dumps({"language": "en", "terms": [{"word": "service user", "reason": "Asked.", "instead": "the person"}]})
    )
    with override_settings(ALONGSIDE_WORDS_TO_AVOID_FILE=str(words)):
        found = suggestions("Saw the Service User today")
    assert [(f.term.word, f.match, f.term.instead) for f in found] == [("service user", "Service User", "the person")]
    assert suggestions("Saw the service user today") == []  # not without the setting
    organisation_terms.cache_clear()


def test_a_note_with_a_listed_word_is_saved_as_written_with_a_suggestion(
    worker_client: HttpClient, person: Client
) -> None:
    response = worker_client.post(
        reverse("clients:flag_add", args=[person.code]), {"text": "Known offender, meet in pairs"}, follow=True
    )
    assert SafetyFlag.objects.get().text == "Known offender, meet in pairs"
    html = response.content.decode()
    assert f"{SUGGESTION}: “offender”. Defines the person by a conviction." in html
    assert "You could write: person with a conviction" in html


def test_a_spanish_note_gets_the_spanish_suggestion(worker_client: HttpClient, person: Client) -> None:
    worker_client.cookies["django_language"] = "es"
    response = worker_client.post(
        reverse("clients:flag_add", args=[person.code]), {"text": "Dice que sigue enganchado"}, follow=True
    )
    html = response.content.decode()
    assert SafetyFlag.objects.get().text == "Dice que sigue enganchado"
    assert "Una sugerencia sobre las palabras (guardado tal como se escribió): «enganchado»." in html
    assert "Reduce a la persona a su consumo." in html


def test_a_note_without_listed_words_gets_no_suggestion(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(
        reverse("clients:flag_add", args=[person.code]), {"text": "Prefers to meet at the van"}, follow=True
    )
    assert SUGGESTION not in response.content.decode()


def test_a_review_note_is_checked_but_the_goals_own_words_are_not(worker_client: HttpClient, person: Client) -> None:
    goal = GoalFactory.create(client=person, words="Stop being called an offender by the housing office")
    response = worker_client.get(goal.get_absolute_url())
    assert SUGGESTION not in response.content.decode()
    review = {"closeness": "5", "note": "Talked about the enabler comment"}
    response = worker_client.post(reverse("goals:review", args=[goal.pk]), review, follow=True)
    assert Review.objects.get().note == "Talked about the enabler comment"
    html = response.content.decode()
    assert f"{SUGGESTION}: “enabler”." in html and "“offender”" not in html
    # Noting a goal in the person's words: never a suggestion.
    response = worker_client.post(
        reverse("goals:new", args=[person.code]), {"words": "Not be seen as a delincuente"}, follow=True
    )
    assert Goal.objects.filter(words="Not be seen as a delincuente").exists()
    assert SUGGESTION not in response.content.decode() and "Una sugerencia" not in response.content.decode()
