"""Passwords: Argon2id, 12 to 128 characters, no composition rules, a long list of real
common passwords and the words of this context refused."""

import gzip
import random
import string

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import translation

from accounts.models import User
from accounts.passwords import COMMON_PASSWORDS
from config.settings import base
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def refusal_codes(password: str, user: User | None = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list if e.code}
    return set()


def test_production_hashes_with_argon2id() -> None:
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        hashed = make_password("a long enough passphrase")
        assert hashed.startswith("argon2$argon2id$")
        assert identify_hasher(hashed).algorithm == "argon2"
        assert check_password("a long enough passphrase", hashed)
        assert not check_password("a long enough passphrasf", hashed)


def test_older_hashes_still_verify_and_are_upgraded_to_argon2id_at_sign_in() -> None:
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        older = make_password("an older passphrase", hasher="pbkdf2_sha256")
        user = User.objects.create(username="old", password=older)
        assert user.check_password("an older passphrase")
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")


def test_twelve_to_one_hundred_and_twenty_eight_characters() -> None:
    assert refusal_codes("my own eleve") == set()  # 12
    assert refusal_codes("my own elev") == {"password_too_short"}  # 11
    long = "".join(random.Random(20).choices(string.ascii_lowercase + " ", k=129))
    assert refusal_codes(long[:128]) == set()  # 128
    assert refusal_codes(long) == {"password_too_long"}  # 129


def test_no_composition_rules() -> None:
    """Lower-case letters and spaces only, no digit or symbol: long and uncommon is enough."""
    assert refusal_codes("purple kettles hum at noon") == set()
    assert "password_too_common" in refusal_codes("123456654321")
    assert refusal_codes("58203917465820") == set()  # digits only are fine when not common


def test_no_validator_forces_rotation_or_mixing() -> None:
    names = {type(validator).__name__ for validator in get_default_password_validators()}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "MaximumLengthValidator",
        "CommonPasswordValidator",
        "ContextWordsValidator",
        "StrengthValidator",
    }


def test_the_shipped_list_has_thousands_of_real_passwords_of_twelve_or_more() -> None:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        words = [line.strip() for line in lines]
    assert len(words) == len(set(words)) >= 40000
    assert all(12 <= len(word) <= 128 and word == word.lower() for word in words)
    assert {"1qaz2wsx3edc", "qwertyuiop123", "iloveyou1234", "passwordpassword"} <= set(words)


@pytest.mark.parametrize("common", ["1qaz2wsx3edc", "QwertyUiop123", "iloveyou1234", "passwordpassword"])
def test_common_passwords_of_twelve_or_more_are_refused(common: str) -> None:
    assert "password_too_common" in refusal_codes(common)


@pytest.mark.parametrize("password", ["Alongside2026!", "alongside-alongside", "@l0ngs1de2024", "alongsidenorth1"])
def test_the_product_name_with_a_little_added_is_refused(password: str) -> None:
    TeamFactory.create(name="North")
    assert "password_context_word" in refusal_codes(password)


def test_the_organisation_and_team_names_are_context_words() -> None:
    TeamFactory.create(name="Harbour Van")
    with override_settings(ALONGSIDE_ORGANISATION_NAME="Riverside Outreach"):
        assert "password_context_word" in refusal_codes("RiversideOutreach1")
        assert "password_context_word" in refusal_codes("harbourvan2026!!")
        assert "password_context_word" in refusal_codes("Outreach#2026#x")
    assert "password_context_word" not in refusal_codes("RiversideOutreach1")  # another organisation's name


def test_a_passphrase_that_mentions_a_team_is_fine() -> None:
    TeamFactory.create(name="North")
    assert refusal_codes("we walk north along the canal at dawn") == set()


def test_the_user_s_own_name_is_refused() -> None:
    user = User(username="dana.mills", first_name="Dana")
    assert "password_too_similar" in refusal_codes("dana.mills.2026", user)


# Each is 12 characters or more, so only the strength estimate or the lists can refuse it.
WEAK = [
    # The five that an attacker found accepted (issue 20).
    "zzzzzzzzzzzz",
    "abcabcabcabc",
    "\t" * 12,
    "welcome12345",
    "changemechangeme",
    # Repeats.
    "aaaaaaaaaaaaaaaa",
    "121212121212",
    "hellohellohello",
    "p4ssw0rdp4ssw0rd",
    "monkeymonkey1",
    " " * 12,
    # Sequences.
    "abcdefghijklmn",
    "987654321098",
    "zyxwvutsrqpo",
    "acegikmoqsuwy",
    # Keyboard rows and walks.
    "qwertyuiopasdf",
    "1qaz2wsx3edc4rfv",
    "zxcvbnm,./zxcvbnm",
    "asdfghjkl;asdf",
    # Common words and passwords, with digits, a year or look-alike swaps added.
    "iloveyou1234",
    "sunshine2024!",
    "letmein123456",
    "trustno1trustno1",
    "princess12345",
    "P@ssw0rd2024!",
    "W3lc0me12345",
    "Summer2025!!",
    "drowssapdrowssap",
    # In Spanish, and names with a year.
    "contraseña123456",
    "contrasena123456",
    "bienvenido12345",
    "mariposa2024!",
    "mariagarcia1985",
    "josemanuel1990",
    # Dates.
    "12/05/1987abc",
    "january2000jan",
]
STRONG = [
    "ladder river cloud lamp",
    "purple kettles hum at noon",
    "my bike has a green bell",
    "we walk north along the canal at dawn",
    "gato azul lluvia fría",
    "el perro de mi vecina canta",
    "naranjas y tambores bajo la lluvia",
    "kqzmvprtlwnx",
    "vj7#Qm2!pL9z",
    "Tr0ub4dor&3xyz",
]


def test_the_lists_hold_at_least_thirty_weak_and_ten_strong() -> None:
    assert len(set(WEAK)) == len(WEAK) >= 30 and all(len(p) >= 12 for p in WEAK)
    assert len(set(STRONG)) == len(STRONG) >= 10


@pytest.mark.parametrize("password", WEAK)
def test_a_guessable_password_of_twelve_or_more_is_refused(password: str) -> None:
    codes = refusal_codes(password)
    assert "password_too_guessable" in codes or "password_too_common" in codes
    assert "password_too_short" not in codes


@pytest.mark.parametrize("password", STRONG)
def test_a_strong_password_is_accepted(password: str) -> None:
    assert refusal_codes(password) == set()


def messages_for(password: str, language: str) -> list[str]:
    with translation.override(language):
        try:
            validate_password(password)
        except ValidationError as error:
            return list(error.messages)
    return []


@pytest.mark.parametrize(
    ("password", "english", "spanish"),
    [
        ("zzzzzzzzzzzz", "It repeats characters or words", "Repite caracteres o palabras"),
        ("987654321098", "It follows a sequence", "Sigue una secuencia"),
        ("zxcvbnm,./zxcvbnm", "keys next to each other on a keyboard", "teclas vecinas del teclado"),
        ("mariagarcia1985", "common name", "nombre común"),
        ("contraseña123456", "common words", "palabras comunes"),
        ("W3lc0me12345", "look-alike numbers or symbols", "números o símbolos parecidos"),
    ],
)
def test_the_refusal_says_why_and_what_to_do_in_both_languages(password: str, english: str, spanish: str) -> None:
    in_english = " ".join(messages_for(password, "en"))
    in_spanish = " ".join(messages_for(password, "es"))
    assert english in in_english and "three or four words" in in_english
    assert spanish in in_spanish and "tres o cuatro palabras" in in_spanish


def test_the_user_s_own_words_count_as_first_guesses() -> None:
    user = User(username="rosalind", first_name="Rosalind", last_name="Okafor")
    assert refusal_codes("okaforrosalind7", None) == set()
    assert "password_too_guessable" in refusal_codes("okaforrosalind7", user)


def test_a_system_admin_setting_a_weak_password_in_the_admin_is_told_why(
    client: HttpClient, system_admin: User
) -> None:
    """The admin's "add user" form runs the same validators and shows the reason."""
    client.force_login(system_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "new.worker", "password1": "welcome12345", "password2": "welcome12345", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="new.worker").exists()
    assert "three or four words" in response.content.decode()
