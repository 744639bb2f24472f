"""The same contact id posted again with a different contact (issue 13): a conflict page (409)
with both versions, never the first one silently; nothing of the second is stored."""

import re
import uuid

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, Site

pytestmark = pytest.mark.django_db

URL = reverse("encounters:log")


def contact(who: str, site: Site, **extra: str) -> dict[str, str]:
    data = {
        "id": str(uuid.uuid4()),
        "who": who,
        "head_count": "1",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk),
        "kind": "street",
    }
    return {**data, **extra}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_same_id_with_another_contact_shows_both_versions_and_stores_nothing_new(
    worker_client: HttpClient, person: Client, site: Site
) -> None:
    first = contact(person.code, site, note="Asked about housing.", service_condoms="2")
    assert worker_client.post(URL, first).status_code == 302
    changed = {**first, "note": "Asked about a GP & <b>dentist</b>.", "service_condoms": "5"}

    response = worker_client.post(URL, changed)

    assert response.status_code == 409
    page = text(response.content.decode())
    assert "This contact was saved already, with other details" in page
    assert "Asked about housing." in page  # saved now
    assert "Asked about a GP &amp; &lt;b&gt;dentist&lt;/b&gt;." in page  # yours, as typed
    assert "Condoms × 2" in page and "Condoms × 5" in page
    assert "Nothing from this page was saved" in page
    stored = Encounter.objects.get()
    assert (str(stored.pk), stored.note) == (first["id"], "Asked about housing.")
    assert {row.service_type.slug: row.quantity for row in stored.services.select_related("service_type")} == {
        "condoms": 2
    }
    shown = AuditEvent.objects.filter(action=AuditEvent.Action.ENCOUNTER_VIEWED, object_id=str(stored.pk))
    assert shown.count() == 1  # the saved version was read


def test_the_same_contact_sent_again_is_not_a_conflict(worker_client: HttpClient, person: Client, site: Site) -> None:
    first = contact(person.code, site, note="Asked about housing.", service_condoms="2")
    worker_client.post(URL, first)
    again = worker_client.post(URL, {**first, "csrfmiddlewaretoken": "ignored"}, follow=True)
    assert again.status_code == 200
    assert "This contact was already saved: nothing was stored twice." in again.content.decode()
    assert Encounter.objects.count() == 1


def test_every_part_of_a_contact_is_named_in_words_in_both_languages() -> None:
    """The conflict page names each part as its app registered it (encounters/parts.py `label`)."""
    from django.utils import translation

    from encounters.parts import contact_parts

    for part in contact_parts():
        english = str(part.label)
        assert english and english != part.key, part.key
        with translation.override("es"):
            assert str(part.label) != english, f"{part.key}: no Spanish for {english!r}"


def test_a_conflict_in_the_vaccinations_names_the_part_in_words(
    worker_client: HttpClient, person: Client, site: Site
) -> None:
    first = contact(person.code, site, health_for=person.code, **{"health-vaccine-hep_b-dose": "1"})
    assert worker_client.post(URL, first).status_code == 302
    changed = {**first, "health-vaccine-hep_b-dose": "2"}

    response = worker_client.post(URL, changed)

    assert response.status_code == 409
    page = text(response.content.decode())
    assert " Vaccinations " in page
    assert "vaccinations" not in page  # never the part's key
