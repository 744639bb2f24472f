"""Log a contact (encounters:log) under any input: never a server error; a contact is
stored exactly when every value is allowed, and then with what was sent."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, example, given
from hypothesis import strategies as st

from accounts.models import Team
from clients.models import Client
from encounters.models import Encounter, ServiceProvided, Site
from tests.factories import SiteFactory

from .conftest import rolled_back
from .strategies import ANY_TEXT, Field, bad_fields, choice, integer_text, number, value, words

pytestmark = pytest.mark.django_db

URL = reverse("encounters:log")
SERVICES = ["sterile-syringes", "naloxone-kit"]
MINUTE = "%Y-%m-%dT%H:%M"


def when() -> Field:
    """Up to 30 days ago is good; letters or a day or more ahead is bad (5 minutes of grace)."""
    now = timezone.localtime().replace(second=0, microsecond=0)

    def shown(minutes: int) -> str:
        return (now + timedelta(minutes=minutes)).strftime(MINUTE)

    return Field(
        st.integers(-30 * 24 * 60, 0).map(shown),
        st.one_of(st.integers(24 * 60, 3 * 365 * 24 * 60).map(shown), words()),
    )


@st.composite
def contacts(draw: st.DrawFn, person: Client, site: Site, other_site: Site) -> tuple[dict[str, str], bool]:
    names = ["id", "who", "head_count", "happened_at", "site", "kind", *SERVICES, "not_offered"]
    bad = draw(bad_fields(names))
    who = value(
        draw, Field(st.sampled_from([person.code, "anonymous"]), st.one_of(words(), st.just(""))), bad="who" in bad
    )
    # A registered person always counts as one: only an anonymous contact needs a head count.
    heads = number(1, 200, blank_ok=False) if who == "anonymous" else Field(integer_text(-5, 300), words())
    fields = {
        "id": Field(st.uuids().map(str), words()),
        "head_count": heads,
        "happened_at": when(),
        "site": Field(st.sampled_from(["", str(site.pk)]), st.one_of(st.just(str(other_site.pk)), words())),
        "kind": choice(list(Encounter.Kind.values), blank_ok=False),
        **{f"service_{slug}": number(0, 999, blank_ok=True) for slug in SERVICES},
    }
    data = {"who": who} | {
        name: value(draw, field, bad=name.removeprefix("service_") in bad) for name, field in fields.items()
    }
    if "not_offered" in bad:
        data["service_not-a-service-we-offer"] = draw(integer_text(1, 999))
    return data, not bad


@pytest.fixture
def other_site(other_team: Team) -> Site:
    return SiteFactory.create(team=other_team)


@given(st.data())
def test_a_contact_is_stored_exactly_when_the_input_is_allowed(
    worker_client: HttpClient, person: Client, site: Site, other_site: Site, draw: st.DataObject
) -> None:
    data, valid = draw.draw(contacts(person, site, other_site))
    event("valid" if valid else "invalid")
    with rolled_back():
        response = worker_client.post(URL, data)
        stored = list(Encounter.objects.values_list("id", "client_id", "head_count", "site_id", "kind", "happened_at"))
        if not valid:
            assert (response.status_code, stored, ServiceProvided.objects.count()) == (200, [], 0)
            return
        assert response.status_code == 302
        anonymous = data["who"] == "anonymous"
        happened = timezone.make_aware(datetime.strptime(data["happened_at"], MINUTE))  # noqa: DTZ007 (made aware)
        assert stored == [
            (
                uuid.UUID(data["id"]),
                None if anonymous else person.pk,
                int(data["head_count"]) if anonymous else 1,
                uuid.UUID(data["site"]) if data["site"] else None,
                data["kind"],
                happened,
            )
        ]
        provided = dict(ServiceProvided.objects.values_list("service_type__slug", "quantity"))
        sent = {slug: int(data[f"service_{slug}"] or 0) for slug in SERVICES}
        assert provided == {slug: quantity for slug, quantity in sent.items() if quantity}


@given(
    st.dictionaries(
        st.sampled_from(
            ["id", "who", "head_count", "happened_at", "site", "kind", "note", "service_condoms", "find", "q"]
        ),
        ANY_TEXT,
    )
)
# Found by this test: a NUL in the chosen code or the search reached PostgreSQL (a 500).
@example({"who": "\x00"})
@example({"find": "", "q": "a\x00"})
def test_any_junk_is_answered_without_a_server_error(worker_client: HttpClient, data: dict[str, str]) -> None:
    """The test client raises a view's exception, so a 500 would fail here."""
    with rolled_back():
        response = worker_client.post(URL, data)
        assert response.status_code in {200, 302}
        assert Encounter.objects.exists() == (response.status_code == 302)
