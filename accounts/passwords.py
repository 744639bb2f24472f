"""Password rules beyond Django's: a maximum length, a long list of real common passwords of
12 characters or more, words of this context, and a strength estimate (zxcvbn) that refuses
repeats, sequences, keyboard rows, dates and common words (NIST 800-63B: length and
known-bad lists, no composition rules, no forced rotation). Hashing is Argon2id
(PASSWORD_HASHERS)."""

import functools
import gzip
import json
import threading
import unicodedata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from zxcvbn import matching as zxcvbn_matching
from zxcvbn import zxcvbn

from .models import Team, User

COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords-12.txt.gz"
MAXIMUM_LENGTH = 128
PRODUCT_NAME = "alongside"
# Letters people swap in for others: compared as the letter they stand for.
LOOKALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


class MaximumLengthValidator:
    """Long passphrases are welcome; 128 characters keeps hashing cheap and forms sane."""

    def __init__(self, max_length: int = MAXIMUM_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: User | None = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long: it can have at most %(max_length)d character.",
                    "This password is too long: it can have at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password can have at most %(max_length)d character.",
            "Your password can have at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's validator over our list of 44,021 real passwords of 12+ characters
    (accounts/data/README.md says where they come from)."""

    def __init__(self, password_list_path: Path | str = COMMON_PASSWORDS) -> None:
        super().__init__(password_list_path=password_list_path)


def context_words() -> list[str]:
    """The product's, the organisation's and every team's name, and their longer words."""
    names = [PRODUCT_NAME, settings.ALONGSIDE_ORGANISATION_NAME, *Team.objects.values_list("name", flat=True)]
    words: set[str] = set()
    for name in names:
        parts = name.lower().split()
        words.update(part for part in parts if len(part) >= 4)
        joined = "".join(parts)
        if len(joined) >= 4:
            words.add(joined)
    return sorted(words, key=len, reverse=True)


class ContextWordsValidator:
    """Refuse a password built on a name an attacker would try first.

    A password may mention a context word, but without it (and with look-alike characters
    read as letters, "Al0ngs1de" as "alongside") at least `min_rest` characters must remain:
    "Alongside2026!" is refused, a passphrase that happens to contain a team's name is not.
    """

    def __init__(self, min_rest: int = 12) -> None:
        self.min_rest = min_rest

    def validate(self, password: str, user: User | None = None) -> None:
        readable = password.lower().translate(LOOKALIKES)
        covered = [False] * len(readable)
        found = []
        for word in context_words():
            start = readable.find(word)
            if start >= 0:
                found.append(word)
            while start >= 0:
                covered[start : start + len(word)] = [True] * len(word)
                start = readable.find(word, start + 1)
        rest = sum(1 for done, char in zip(covered, readable, strict=True) if not done and not char.isspace())
        if found and rest < self.min_rest:
            raise ValidationError(
                _("This password is built on a name others could guess (%(words)s). Add more words of your own."),
                code="password_context_word",
                params={"words": ", ".join(sorted(found))},
            )

    def get_help_text(self) -> str:
        return _("Your password can't be built on the name of Alongside, of your organisation or of a team.")


# The strength estimate: zxcvbn (Dropbox's estimator, maintained on PyPI) looks for the
# patterns people really use (repeats, sequences, keyboard rows, dates, common words and
# passwords, names, look-alike swaps) and counts the guesses an attacker who knows them needs.
# Its English dictionaries are completed with Spanish words and names and our list of
# 12-character passwords (accounts/data/README.md says where each comes from).
SPANISH_WORDS = Path(__file__).resolve().parent / "data" / "spanish-words.json.gz"
# zxcvbn scores 4 from 10^10 guesses: with Argon2id at a few hundred guesses a second per
# core, years of work for an attacker holding a stolen copy of the database.
MIN_SCORE = 4
_zxcvbn_lock = threading.Lock()


@functools.cache
def _extra_dictionaries() -> dict[str, list[str]]:
    with gzip.open(SPANISH_WORDS, "rt", encoding="utf-8") as data:
        lists: dict[str, list[str]] = json.load(data)
    # The same word typed without accents ("contrasena") at the same rank.
    for name, words in list(lists.items()):
        plain = [unaccented(word) for word in words]
        lists[f"{name}_plain"] = plain
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        lists["passwords_12"] = [line.strip() for line in lines if line.strip()]
    zxcvbn_matching.add_frequency_lists(lists)
    return lists


def unaccented(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def estimate(password: str, user_inputs: list[str]) -> dict[str, Any]:
    """zxcvbn's estimate (it keeps the user's words in a module-level dictionary: one at a time)."""
    with _zxcvbn_lock:
        _extra_dictionaries()
        return dict(zxcvbn(password, user_inputs=user_inputs, max_length=MAXIMUM_LENGTH))


def weakness(result: dict[str, Any]) -> str:
    """What makes a guessable password weak, in words the person can act on.

    The longest pattern zxcvbn found decides; a look-alike swap ("p4ssw0rd") is named too.
    """
    patterns = [match for match in result["sequence"] if match["pattern"] != "bruteforce"]
    if not patterns:
        return _("It is too short for a password made of random characters.")
    match = max(patterns, key=lambda found: len(found["token"]))
    kind = match["pattern"]
    if kind == "repeat":
        return _("It repeats characters or words, like “aaaa” or “abcabc”.")
    if kind == "sequence":
        return _("It follows a sequence, like “abcd”, “1234” or “9876”.")
    if kind == "spatial":
        return _("It follows keys next to each other on a keyboard, like “qwerty” or “asdfgh”.")
    if kind in {"date", "regex"}:
        return _("It is built on a date or a year, which others can find or try.")
    name = match.get("dictionary_name", "")
    if name in {"passwords", "passwords_12"}:
        words = _("It is built on a password many people use.")
    elif name == "user_inputs":
        words = _("It is built on your name or a name others could guess.")
    elif "names" in name or name == "surnames":
        words = _("It is built on a common name.")
    else:
        words = _("It is built on common words or phrases.")
    if match.get("l33t"):
        words += " " + _("Swapping letters for look-alike numbers or symbols (like “p4ssw0rd”) does not help.")
    return words


class StrengthValidator:
    """Refuse a password an attacker who knows how people choose passwords would guess.

    Length alone lets through "zzzzzzzzzzzz", "abcabcabcabc" or "welcome12345"; zxcvbn's
    estimate catches repeats, sequences, keyboard rows, dates and common words or passwords,
    with the user's own names and this context's words counted as the first guesses.
    """

    def __init__(self, min_score: int = MIN_SCORE) -> None:
        self.min_score = min_score

    def validate(self, password: str, user: User | None = None) -> None:
        if not password or len(password) > MAXIMUM_LENGTH:
            return  # the length validators answer these
        inputs = context_words()
        if user is not None:
            fields = ("username", "first_name", "last_name", "email")
            inputs += [str(getattr(user, field, "") or "") for field in fields]
        result = estimate(password, [word for word in inputs if word])
        if result["score"] >= self.min_score:
            return
        raise ValidationError(
            "%(weakness)s %(advice)s",
            code="password_too_guessable",
            params={"weakness": weakness(result), "advice": ADVICE},
        )

    def get_help_text(self) -> str:
        return str(ADVICE)


ADVICE = gettext_lazy(
    "Try three or four words that mean something to you but are not a saying, a song or a "
    "name, with spaces between them if you like (for example “ladder river cloud lamp”, "
    "but not that one)."
)
