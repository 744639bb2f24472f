"""Erasing a person's identifying data: what goes, what stays, and a scan of the whole database."""

from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from audit.models import AuditEvent
from clients.models import Alias, Client, Consent, ConsentKind, Merge, SafetyFlag
from clients.services.erasure import erase_client, free_text_blanks, scrub
from clients.services.merge import merge_clients
from clients.services.names import refresh_search_names
from core.context import SystemActor
from encounters.models import Encounter, OverdoseResponse
from tests.factories import ClientFactory, EncounterFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# Everything identifying given to the person below, as it could be found in a column.
ERASED = [
    "zebulon",
    "zébulon",
    "quaxley",
    "quax",  # also in Quaxworth, Quaxish, Quaxgender
    "07700 900461",
    "green hat",
    "brother is not welcome",
    "xe/xem",
]


def columns(client: Client) -> dict[str, Any]:
    """A person's columns as a merge snapshot keeps them (attname -> JSON value)."""
    values = {}
    for field in Client._meta.concrete_fields:
        value = field.value_from_object(client)
        if isinstance(value, datetime):
            value = value.isoformat()
        values[field.attname] = str(value) if isinstance(value, UUID) else value
    return values


@pytest.fixture
def zebulon(team: Team, worker: User) -> Client:
    """A person with every kind of identifying data, a record merged into them and contacts."""
    person = ClientFactory.create(
        home_team=team,
        preferred_name="Zebulon Quaxley",
        pronouns="xe/xem",
        languages="Welsh, Quaxish",
        contact_preference=Client.ContactPreference.PHONE_CALL,
        contact_details="07700 900461",
        may_leave_message=True,
        description="Tall, green hat",
        gender=Client.Gender.SELF_DESCRIBED,
        gender_self_described="Quaxgender",
        year_of_birth=1979,
    )
    for name in ("Quax", "Zébulon Q"):
        Alias.objects.create(client=person, name=name, created_by=worker)
    SafetyFlag.objects.create(client=person, text="His brother is not welcome at the van", created_by=worker)
    SafetyFlag.objects.create(client=person, text="Allergic to penicillin", created_by=worker)
    for slug in ("record-keeping", "follow-up"):
        Consent.objects.create(
            client=person, kind=ConsentKind.objects.get(slug=slug), decision="given", recorded_by=worker
        )
    EncounterFactory.create(client=person, team=team, worker=worker, note="Zebulon asked about housing")
    contact = EncounterFactory.create(client=person, team=team, worker=worker)
    OverdoseResponse.objects.create(
        team=team,
        encounter=contact,
        client=person,
        emergency_services=OverdoseResponse.EmergencyServices.CALLED,
        outcome=OverdoseResponse.Outcome.RESPONSIVE,
        debrief="Zeb Quaxley responded to the second dose",
        created_by=worker,
    )
    refresh_search_names(person)
    merged = ClientFactory.create(
        home_team=team, preferred_name="Zeb Quaxworth", description="From the green hat stall"
    )
    moved = Alias.objects.create(client=person, name="Zebby", created_by=worker)
    snapshot = {
        "version": 1,
        "choices": {"preferred_name": "survivor", "description": "merged"},
        "before": {"survivor": columns(person), "merged": columns(merged)},
        "moved": {"clients.alias": {"client": [moved.pk]}},
        "created_aliases": [moved.pk],
        "label": "Zeb Quaxworth into Zebulon Quaxley",
    }
    Client.objects.filter(pk=merged.pk).update(merged_into=person)
    Merge.objects.create(survivor=person, merged=merged, merged_by=worker, snapshot=snapshot)
    person.refresh_from_db()
    return person


def columns_mentioning(terms: list[str]) -> set[tuple[str, str]]:
    """Every text, varchar and JSON column of every table that holds any of the terms."""
    patterns = [f"%{term}%" for term in terms]
    found = set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
        )
        all_columns = cursor.fetchall()
        assert len(all_columns) > 50  # the scan really covers the whole schema
        for table, column in all_columns:
            quote = connection.ops.quote_name
            cursor.execute(
                f"SELECT 1 FROM {quote(table)} WHERE {quote(column)}::text ILIKE ANY(%s) LIMIT 1",  # noqa: S608
                [patterns],
            )
            if cursor.fetchone():
                found.add((table, column))
    return found


def test_after_erasure_no_column_of_any_table_holds_the_names(
    supervisor_client: HttpClient, zebulon: Client, person: Client
) -> None:
    Alias.objects.create(client=person, name="Robbie")
    refresh_search_names(person)
    before = columns_mentioning(ERASED)
    assert {
        ("clients_client", "preferred_name"),
        ("clients_client", "search_names"),
        ("clients_client", "description"),
        ("clients_alias", "name"),
        ("clients_safetyflag", "text"),
        ("clients_merge", "snapshot"),
        ("encounters_encounter", "note"),
        ("encounters_overdoseresponse", "debrief"),
    } <= before  # the scan can find them

    response = supervisor_client.post(reverse("clients:erase", args=[zebulon.code]), {"confirm_code": zebulon.code})
    assert response.status_code == 302

    assert columns_mentioning(ERASED) == set()
    # Someone else's data is untouched.
    person.refresh_from_db()
    assert person.preferred_name == "Robin" and "robbie" in person.search_names
    assert Alias.objects.filter(client=person).count() == 1


def test_what_stays_for_statistics(supervisor_client: HttpClient, zebulon: Client, team: Team) -> None:
    supervisor_client.post(reverse("clients:erase", args=[zebulon.code]), {"confirm_code": zebulon.code})
    zebulon.refresh_from_db()
    assert zebulon.erased_at is not None
    assert (zebulon.code, zebulon.home_team_id, zebulon.year_of_birth) == (zebulon.code, team.pk, 1979)
    assert zebulon.gender == Client.Gender.SELF_DESCRIBED and zebulon.gender_self_described == ""
    assert zebulon.status == Client.Status.ACTIVE
    assert Encounter.objects.filter(client=zebulon).count() == 2
    assert set(Encounter.objects.filter(client=zebulon).values_list("note", flat=True)) == {""}
    response = OverdoseResponse.objects.get(client=zebulon)
    assert (response.debrief, response.outcome) == ("", OverdoseResponse.Outcome.RESPONSIVE)
    assert Consent.objects.filter(client=zebulon).count() == 2
    assert not Alias.objects.filter(client=zebulon).exists()
    assert not SafetyFlag.objects.filter(client=zebulon).exists()
    assert (zebulon.contact_preference, zebulon.contact_details, zebulon.may_leave_message) == ("", "", False)


def test_the_merged_record_is_erased_and_the_snapshot_keeps_its_ids(
    supervisor_client: HttpClient, zebulon: Client
) -> None:
    merge = Merge.objects.get(survivor=zebulon)
    moved = merge.snapshot["moved"]
    supervisor_client.post(reverse("clients:erase", args=[zebulon.code]), {"confirm_code": zebulon.code})
    merge.refresh_from_db()
    merged = Client.objects.get(pk=merge.merged_id)
    assert merged.preferred_name == "" and merged.erased_at is not None
    assert merge.snapshot["moved"] == moved
    assert merge.snapshot["choices"] == {"preferred_name": "survivor", "description": "merged"}
    assert merge.snapshot["before"]["merged"]["code"] == merged.code
    assert merge.snapshot["before"]["survivor"]["home_team_id"] == str(zebulon.home_team_id)
    assert merge.snapshot["before"]["survivor"]["year_of_birth"] == 1979
    assert merge.snapshot["before"]["survivor"]["preferred_name"] == ""
    assert merge.snapshot["label"] == ""


def test_erasure_is_audited_once_with_ids_only(
    supervisor_client: HttpClient, supervisor: User, zebulon: Client
) -> None:
    supervisor_client.post(reverse("clients:erase", args=[zebulon.code]), {"confirm_code": zebulon.code})
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_ERASED)
    merged = Merge.objects.get(survivor=zebulon).merged_id
    assert (event.actor_id, event.client_id) == (supervisor.pk, zebulon.pk)
    assert event.details == {"merged_records": [str(merged)]}


def test_the_person_page_shows_the_tombstone(supervisor_client: HttpClient, zebulon: Client) -> None:
    response = supervisor_client.post(
        reverse("clients:erase", args=[zebulon.code]), {"confirm_code": zebulon.code.lower().replace("-", " ")}
    )
    assert response["Location"] == reverse("clients:detail", args=[zebulon.code])
    page = supervisor_client.get(response["Location"]).content.decode()
    assert f"Identifying data erased on {timezone.localdate():%-d %b %Y}." in page
    assert "Identifying data erased. Contacts and check-ins stay, without a name." in page
    assert "Zebulon" not in page


def test_a_wrong_code_erases_nothing(supervisor_client: HttpClient, zebulon: Client, person: Client) -> None:
    response = supervisor_client.post(reverse("clients:erase", args=[zebulon.code]), {"confirm_code": person.code})
    assert response.status_code == 200
    page = response.content.decode()
    assert "That is not this person&#x27;s code. Nothing was erased." in page
    assert f'value="{person.code}"' in page  # typed data comes back
    zebulon.refresh_from_db()
    assert zebulon.preferred_name == "Zebulon Quaxley" and zebulon.erased_at is None
    assert Alias.objects.filter(client=zebulon).count() == 3
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_ERASED).exists()


def test_the_page_says_what_goes_and_what_stays(supervisor_client: HttpClient, zebulon: Client) -> None:
    page = supervisor_client.get(reverse("clients:erase", args=[zebulon.code])).content.decode()
    assert "3 other names" in page and "2 safety flags" in page
    assert "What stays, without a name" in page
    assert "Type the person&#x27;s code to confirm" in page


def test_workers_cannot_erase(worker_client: HttpClient, zebulon: Client) -> None:
    response = worker_client.post(reverse("clients:erase", args=[zebulon.code]), {"confirm_code": zebulon.code})
    assert response.status_code == 403
    zebulon.refresh_from_db()
    assert zebulon.erased_at is None


def test_supervisors_of_another_team_get_404(client: HttpClient, zebulon: Client, team: Team, other_team: Team) -> None:
    """Even when they work in the person's team: erasing needs supervising the person's team."""
    user = MembershipFactory.create(team=other_team, role=Membership.Role.SUPERVISOR).user
    MembershipFactory.create(team=team, role=Membership.Role.WORKER, user=user)
    client.force_login(user)
    response = client.post(reverse("clients:erase", args=[zebulon.code]), {"confirm_code": zebulon.code})
    assert response.status_code == 404
    zebulon.refresh_from_db()
    assert zebulon.erased_at is None


def test_the_merged_code_leads_to_the_survivors_page(supervisor_client: HttpClient, zebulon: Client) -> None:
    merged = Client.objects.get(merged_into=zebulon)
    response = supervisor_client.get(reverse("clients:erase", args=[merged.code]))
    assert response["Location"] == reverse("clients:erase", args=[zebulon.code])


def test_erasing_again_clears_what_was_added_since(zebulon: Client, worker: User) -> None:
    retention = SystemActor("erase_inactive")
    erase_client(actor=retention, client=zebulon)
    Alias.objects.create(client=zebulon, name="Quax again")
    erase_client(actor=retention, client=zebulon)
    assert not Alias.objects.filter(client=zebulon).exists()
    erased = AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_ERASED, actor_id=None)
    assert [event.details["system"] for event in erased] == ["erase_inactive", "erase_inactive"]


def test_scrub_keeps_ids_and_blanks_names_wherever_they_are() -> None:
    terms = {("robin", "hood"), ("robin",), ("hood",), ("007",)}
    snapshot = {
        "before": {"survivor": {"preferred_name": "Robin Hood", "contact_details": "612345678", "code": "ACD-EFG"}},
        "moved": {"clients.alias": {"client": [5, 6]}, "encounters.encounter": {"client": ["3f1c..."]}},
        "aliases": [{"id": "0a6b3a9e-5d7a-4a53-9a0e-1f2b3c4d5e6f", "name": "Al"}, "12"],
        "names": ["007"],
        "note": "merged from ROBIN-HOOD's other record",
        "kind": "clients.alias",
    }
    scrubbed = scrub(snapshot, terms)
    assert scrubbed["before"]["survivor"] == {"preferred_name": "", "contact_details": "", "code": "ACD-EFG"}
    assert scrubbed["moved"] == snapshot["moved"]
    assert scrubbed["aliases"] == [{"id": "0a6b3a9e-5d7a-4a53-9a0e-1f2b3c4d5e6f", "name": ""}, "12"]
    assert scrubbed["names"] == [""]  # a name that looks like a number still goes
    assert scrubbed["note"] == ""
    assert scrubbed["kind"] == "clients.alias"  # "al" is no word of it


def test_free_text_is_blanked_and_required_text_gets_a_dash() -> None:
    # The submission's digest is made from the note, among others: it goes with it.
    assert free_text_blanks(Encounter) == {"note": "", "submission_digest": ""}
    assert free_text_blanks(Alias) == {"name": "—"}  # required: never an empty string
    assert "code" not in free_text_blanks(Client)  # unique: not free text


def test_after_a_real_merge_erasing_the_person_leaves_no_trace_of_either_record(
    rf: RequestFactory, supervisor: User, team: Team, worker: User
) -> None:
    """The same scan, with the snapshot as merge_clients writes it."""
    kept = ClientFactory.create(home_team=team, preferred_name="Zebulon Quaxley", description="Tall, green hat")
    other = ClientFactory.create(home_team=team, preferred_name="Zeb Quaxworth", contact_details="07700 900461")
    Alias.objects.create(client=other, name="Quax")
    SafetyFlag.objects.create(client=other, text="His brother is not welcome at the van")
    for person in (kept, other):
        refresh_search_names(person)
    merge_clients(actor=supervisor, survivor=kept, merged=other, field_choices={"contact": "merged"})
    assert ("clients_merge", "snapshot") in columns_mentioning(ERASED)
    erase_client(actor=supervisor, client=Client.objects.get(pk=kept.pk))
    assert columns_mentioning(ERASED) == set()
