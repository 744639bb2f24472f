"""A wellbeing check-in (outcomes:check_in) under any input: never a server error; a
check-in is stored exactly when every answer is allowed and at least one is given, and then
with the answers sent ("prefer not to say" kept as no value)."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from clients.models import Client
from outcomes.models import Answer, CheckIn

from .conftest import rolled_back
from .strategies import ANY_TEXT, Field, bad_fields, value, words

pytestmark = pytest.mark.django_db

# "Health and quality of life": three ratings from 0 to 10, each may be declined or left out.
SLUG = "self_ratings"
ITEMS = ["physical_health", "mental_health", "quality_of_life"]
DECLINED = "declined"
ANSWER = Field(
    st.sampled_from(["", DECLINED, *map(str, range(11))]),
    st.one_of(st.integers(11, 10**6).map(str), st.integers(-(10**6), -1).map(str), words(), st.just(" 5")),
)


def url(person: Client) -> str:
    return reverse("outcomes:check_in", args=[person.code, SLUG])


@st.composite
def check_ins(draw: st.DrawFn) -> tuple[dict[str, str], bool]:
    bad = draw(bad_fields([*ITEMS, "unknown_item"]))
    answers = {f"{SLUG}-{key}": value(draw, ANSWER, bad=key in bad) for key in ITEMS}
    answered = any(answers.values())
    # An item left out is sent empty or not at all, as a browser may.
    data = {name: given for name, given in answers.items() if given or draw(st.booleans())}
    if "unknown_item" in bad:  # refused even when empty: it is not a question of this version
        data[f"{SLUG}-{draw(words())}_item"] = draw(ANSWER.good)
    return data, not bad and answered


@given(check_ins())
def test_a_check_in_is_stored_exactly_when_the_answers_are_allowed(
    worker_client: HttpClient, person: Client, submission: tuple[dict[str, str], bool]
) -> None:
    data, valid = submission
    event("valid" if valid else "invalid")
    with rolled_back():
        response = worker_client.post(url(person), data)
        stored = list(CheckIn.objects.values_list("client_id", "instrument__slug"))
        if not valid:
            assert (response.status_code, stored, Answer.objects.count()) == (200, [], 0)
            return
        assert response.status_code == 302
        assert stored == [(person.pk, SLUG)]
        answers = {
            key: (number, declined)
            for key, number, declined in Answer.objects.values_list("item__key", "value", "is_declined")
        }
        sent = {key: data.get(f"{SLUG}-{key}", "") for key in ITEMS}
        expected = {
            key: (None, True) if given == DECLINED else (int(given), False) for key, given in sent.items() if given
        }
        assert answers == expected


@given(st.dictionaries(st.sampled_from([f"{SLUG}-{key}" for key in ITEMS] + [f"{SLUG}-x", "contact", "x"]), ANY_TEXT))
def test_any_junk_is_answered_without_a_server_error(
    worker_client: HttpClient, person: Client, data: dict[str, str]
) -> None:
    """The test client raises a view's exception, so a 500 would fail here."""
    with rolled_back():
        response = worker_client.post(url(person), data)
        assert response.status_code in {200, 302}
        assert CheckIn.objects.exists() == (response.status_code == 302)
