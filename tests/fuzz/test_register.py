"""Registering a person (clients:register) under any input: never a server error; a person
is stored exactly when every value is allowed, and then as it was typed."""

from datetime import date

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from audit.models import AuditEvent
from clients.models import Client, Consent

from .conftest import rolled_back
from .strategies import ANY_TEXT, Field, bad_fields, choice, number, text, value

pytestmark = pytest.mark.django_db

URL = reverse("clients:register")
FIELDS = {
    # A browser sends "on" when the box is ticked and nothing when not; Django also reads "false" as not.
    "agrees_to_record": Field(st.just("on"), st.sampled_from(["", "false", "False"])),
    "consent_method": choice(list(Consent.Method.values), blank_ok=True),
    "preferred_name": text(100),
    "year_of_birth": number(1900, date.today().year, blank_ok=True),  # noqa: DTZ011 (a year)
    "gender": choice(list(Client.Gender.values), blank_ok=True),
}


@st.composite
def registrations(draw: st.DrawFn) -> tuple[dict[str, str], bool]:
    bad = draw(bad_fields([*FIELDS, "gender_self_described"]))
    data = {name: value(draw, field, bad=name in bad) for name, field in FIELDS.items()}
    # Their own words only with "In their own words" (a bad gender is no choice at all).
    if data["gender"] == Client.Gender.SELF_DESCRIBED:
        described = text(60)
    else:
        described = Field(st.just(""), ANY_TEXT.filter(str.strip))
    data["gender_self_described"] = value(draw, described, bad="gender_self_described" in bad)
    return data | {"register_anyway": "1"}, not bad


@given(registrations())
def test_a_person_is_stored_exactly_when_the_input_is_allowed(
    worker_client: HttpClient, submission: tuple[dict[str, str], bool]
) -> None:
    data, valid = submission
    event("valid" if valid else "invalid")
    with rolled_back():
        response = worker_client.post(URL, data)
        stored = list(Client.objects.values("preferred_name", "year_of_birth", "gender", "gender_self_described"))
        created = AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_CREATED).count()
        if not valid:
            assert (response.status_code, stored, created) == (200, [], 0)
            return
        assert response.status_code == 302
        year = data["year_of_birth"].strip()
        assert stored == [
            {
                "preferred_name": data["preferred_name"].strip(),
                "year_of_birth": int(year) if year else None,
                "gender": data["gender"],
                "gender_self_described": data["gender_self_described"].strip(),
            }
        ]
        assert created == 1


@given(st.dictionaries(st.sampled_from([*FIELDS, "gender_self_described", "home_team", "x"]), ANY_TEXT))
def test_any_junk_is_answered_without_a_server_error(worker_client: HttpClient, data: dict[str, str]) -> None:
    """The test client raises a view's exception, so a 500 would fail here."""
    with rolled_back():
        response = worker_client.post(URL, data)
        assert response.status_code in {200, 302}
        assert Client.objects.exists() == (response.status_code == 302)
