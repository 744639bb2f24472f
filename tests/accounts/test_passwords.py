"""Passwords: Argon2id, 12 to 128 characters, no composition rules, a long list of real
common passwords and the words of this context refused."""

import gzip

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

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
    assert refusal_codes("x" * 64 + "y" * 64) == set()  # 128
    assert refusal_codes("x" * 64 + "y" * 65) == {"password_too_long"}  # 129


def test_no_composition_rules() -> None:
    """Lower-case letters and spaces only, no digit or symbol: long and uncommon is enough."""
    assert refusal_codes("purple kettles hum at noon") == set()
    assert refusal_codes("123456654321") == {"password_too_common"}
    assert refusal_codes("58203917465820") == set()  # digits only are fine when not common


def test_no_validator_forces_rotation_or_mixing() -> None:
    names = {type(validator).__name__ for validator in get_default_password_validators()}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "MaximumLengthValidator",
        "CommonPasswordValidator",
        "ContextWordsValidator",
    }


def test_the_shipped_list_has_thousands_of_real_passwords_of_twelve_or_more() -> None:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        words = [line.strip() for line in lines]
    assert len(words) == len(set(words)) >= 3000
    assert all(12 <= len(word) <= 128 and word == word.lower() for word in words)
    assert {"1qaz2wsx3edc", "qwertyuiop123", "iloveyou1234", "passwordpassword"} <= set(words)


@pytest.mark.parametrize("common", ["1qaz2wsx3edc", "QwertyUiop123", "iloveyou1234", "passwordpassword"])
def test_common_passwords_of_twelve_or_more_are_refused(common: str) -> None:
    assert refusal_codes(common) == {"password_too_common"}


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
    assert refusal_codes("RiversideOutreach1") == set()  # another organisation's name


def test_a_passphrase_that_mentions_a_team_is_fine() -> None:
    TeamFactory.create(name="North")
    assert refusal_codes("we walk north along the canal at dawn") == set()


def test_the_user_s_own_name_is_refused() -> None:
    user = User(username="dana.mills", first_name="Dana")
    assert "password_too_similar" in refusal_codes("dana.mills.2026", user)
