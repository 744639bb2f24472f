"""Words Alongside never uses about people, with the reason and what to say instead.

The list is data, one file per language (core/words/en.json, core/words/es.json: the word,
a pattern, why not, what to say instead), and an organisation adds its own words in a file
of the same shape named by ALONGSIDE_WORDS_TO_AVOID_FILE (a term there may leave out the
pattern: the word itself, at word edges, is matched). Two uses:

- the source check below, over the built-in lists only;
- a gentle suggestion when a worker's free text (a contact's note, a safety flag, an
  overdose debrief, a review note) contains a listed word: `suggestions()`, shown after
  saving by core.wording.suggest_wording; it never refuses or changes what was written,
  and it never reads the person's own words (their goals, their reasons, item 6).

DESIGN.md, principle 3: dignity in every word. tests/core/test_language_check.py reads
every user-facing string (all templates, and each msgid and msgstr of the Spanish
catalogue) and fails on any match below. docs/language.md explains the rules for people
writing text; every term here is listed there too (a test checks).

Matching is precise, so that the check catches real problems without false alarms:
- Case does not matter; every pattern is bounded by word edges (`\\b`), so "addict" does
  not match inside "addiction" and "user" does not match inside "username".
- Words that are fine in other senses are only matched in the sense that harms:
  "clean" / "dirty" (and "limpio" / "sucio") next to a person, a test or a time ("clean
  test", "stay clean", "análisis limpio"); "failed" next to a goal or plan ("the goal
  failed"), never "Sign-in failed"; "user" only as a label for a person who uses drugs
  ("drug user"), never the software's users; "alcoholic" only as a noun ("an alcoholic").
- "Clean needles" / "jeringas limpias" are about equipment, not people, but "sterile" /
  "estériles" is the accurate word and keeps "clean" from implying "dirty" people, so they
  are matched too.
- Deliberately not listed: "addiction" (a health condition, not a label for a person;
  prefer "substance use" where it fits), "abuse" on its own (needed for violence and
  harm done to people), "compliance" on its own (software and legal compliance).
"""

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from django.conf import settings

WORDS = Path(__file__).resolve().parent / "words"
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Term:
    word: str  # the word as people would search for it (docs/language.md lists it)
    pattern: str  # a regular expression, matched case-insensitively
    reason: str
    instead: str
    language: str = "en"

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE)


def _terms(data: dict[str, object]) -> list[Term]:
    default_language = str(data.get("language", "en"))
    terms = data.get("terms", [])
    if not isinstance(terms, list):
        raise ValueError('a words file holds a list of terms under "terms"')
    return [
        Term(
            word=term["word"],
            pattern=term.get("pattern") or rf"\b{re.escape(term['word'])}\b",
            reason=term.get("reason", ""),
            instead=term.get("instead", ""),
            language=term.get("language", default_language),
        )
        for term in terms
    ]


def load_terms(path: Path) -> list[Term]:
    return _terms(json.loads(path.read_text(encoding="utf-8")))


# The built-in lists, in the order of LANGUAGES.
TERMS: list[Term] = [term for language in LANGUAGES for term in load_terms(WORDS / f"{language}.json")]


@cache
def organisation_terms(path: str) -> tuple[Term, ...]:
    """The organisation's own words (read once per process)."""
    return tuple(load_terms(Path(path))) if path else ()


def all_terms() -> list[Term]:
    return [*TERMS, *organisation_terms(getattr(settings, "ALONGSIDE_WORDS_TO_AVOID_FILE", ""))]


@dataclass(frozen=True)
class Finding:
    term: Term
    match: str


def findings(text: str, terms: list[Term] | None = None) -> list[Finding]:
    """Every listed term found in `text` (the built-in lists unless `terms`), with the words that matched."""
    return [Finding(term, match.group(0)) for term in terms or TERMS for match in term.regex.finditer(text)]


def suggestions(*texts: str) -> list[Finding]:
    """What a gentle suggestion says about a worker's texts: each listed term once (the
    built-in lists and the organisation's), in every language, whatever the page's language."""
    seen: dict[str, Finding] = {}
    terms = all_terms()
    for text in texts:
        for found in findings(text or "", terms):
            seen.setdefault(f"{found.term.language}:{found.term.word}", found)
    return list(seen.values())
