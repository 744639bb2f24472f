"""Password rules beyond Django's: a maximum length, a long list of real common passwords of
12 characters or more, and words of this context (NIST 800-63B: length and known-bad lists,
no composition rules, no forced rotation). Hashing is Argon2id (PASSWORD_HASHERS)."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Team, User

COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords-12.txt.gz"
PRODUCT_NAME = "alongside"
# Letters people swap in for others: compared as the letter they stand for.
LOOKALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


class MaximumLengthValidator:
    """Long passphrases are welcome; 128 characters keeps hashing cheap and forms sane."""

    def __init__(self, max_length: int = 128) -> None:
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
    """Django's validator over our list of 10,082 real passwords of 12+ characters
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
