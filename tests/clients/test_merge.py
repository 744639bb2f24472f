"""Merging two records of one person, and undoing it exactly (issue 3, item 6)."""

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from audit.models import AuditEvent
from clients.access import get_client_for_user
from clients.models import Alias, Client, Consent, ConsentKind, DuplicateDismissal, Merge, SafetyFlag
from clients.services import merge as merge_service
from clients.services.merge import MergeError, merge_clients, person_relations, undo_merge
from clients.services.names import refresh_search_names
from encounters.models import Encounter, OverdoseResponse, Referral
from tests.factories import ClientFactory, EncounterFactory, MembershipFactory, ServiceProvidedFactory

pytestmark = pytest.mark.django_db

KINDS = 6
EVERYTHING_FROM_B = {
    "preferred_name": "merged",
    "year_of_birth": "merged",
    "gender": "merged",
    "pronouns": "merged",
    "languages": "merged",
    "contact": "merged",
    "description": "merged",
    "status": "merged",
}


def merge_keeping_a(actor: User, survivor: Client, merged: Client) -> Merge:
    """Merge as `actor`, keeping every detail of the survivor."""
    return merge_clients(actor=actor, survivor=survivor, merged=merged, field_choices={})


@pytest.fixture
def actor(supervisor: User) -> User:
    return supervisor


def attach(client: Client, worker: User, supervisor: User, rows: int, *, name_prefix: str) -> None:
    """`rows` of each kind of row a person can have (KINDS): contacts (with services), aliases,
    consents, flags, referrals, overdose responses."""
    kinds = list(ConsentKind.objects.all())
    for index in range(rows):
        encounter = EncounterFactory.create(
            client=client, team=client.home_team, worker=worker, happened_at=timezone.now() - timedelta(days=index)
        )
        ServiceProvidedFactory.create(encounter=encounter)
        Alias.objects.create(client=client, name=f"{name_prefix} {index}", created_by=worker)
        Consent.objects.create(
            client=client,
            kind=kinds[index % len(kinds)],
            decision=Consent.Decision.GIVEN,
            recorded_by=supervisor,
            expires_on=timezone.localdate() + timedelta(days=300 + index),
        )
        SafetyFlag.objects.create(client=client, text=f"Flag {index}", created_by=worker)
        Referral.objects.create(
            client=client, team=client.home_team, encounter=encounter, to=Referral.To.HOUSING, created_by=worker
        )
        OverdoseResponse.objects.create(
            client=client,
            team=client.home_team,
            encounter=encounter,
            emergency_services=OverdoseResponse.EmergencyServices.CALLED,
            outcome=OverdoseResponse.Outcome.RESPONSIVE,
            created_by=worker,
        )
    refresh_search_names(client)


def tables_pointing_at_people() -> list[type[models.Model]]:
    """Client and every model of any app with a foreign key to it (found here independently
    of the service, so a relation the service forgot would show up as a difference)."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if any(field.is_relation and field.related_model is Client for field in model._meta.concrete_fields)
    ]
    return sorted({Client, *found}, key=lambda model: model._meta.label)


def every_row() -> dict[str, list[dict[str, Any]]]:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values()) for model in tables_pointing_at_people()
    }


@pytest.fixture
def two_records(team: Team, worker: User, supervisor: User, actor: User) -> tuple[Client, Client]:
    """A ("Robin") and B ("Robbie", with more details and an earlier merge of its own)."""
    survivor = ClientFactory.create(
        home_team=team, preferred_name="Robin", pronouns="she/her", last_seen_at=timezone.now() - timedelta(days=9)
    )
    merged = ClientFactory.create(
        home_team=team,
        preferred_name="Robbie",
        year_of_birth=1979,
        gender=Client.Gender.SELF_DESCRIBED,
        gender_self_described="two-spirit",
        pronouns="they/them",
        languages="Spanish",
        contact_preference=Client.ContactPreference.TEXT_MESSAGE,
        contact_details="0700 000 000",
        may_leave_message=True,
        description="Red bicycle",
        status=Client.Status.INACTIVE,
        last_seen_at=timezone.now() - timedelta(days=2),
    )
    attach(survivor, worker, supervisor, 2, name_prefix="Robin alias")
    attach(merged, worker, supervisor, 3, name_prefix="Robbie alias")
    Alias.objects.create(client=merged, name="Rob", created_by=worker)
    refresh_search_names(merged)
    earlier = ClientFactory.create(home_team=team, preferred_name="")
    attach(earlier, worker, supervisor, 1, name_prefix="Earlier")
    merge_clients(actor=supervisor, survivor=merged, merged=earlier, field_choices={})
    stranger = ClientFactory.create(home_team=team, preferred_name="Sam")
    attach(stranger, worker, supervisor, 2, name_prefix="Sam alias")
    first, second = sorted([merged, stranger], key=lambda client: client.pk)
    DuplicateDismissal.objects.create(first=first, second=second, dismissed_by=supervisor)
    return survivor, merged


def test_merge_then_undo_restores_every_row_exactly(
    two_records: tuple[Client, Client], supervisor: User, actor: User
) -> None:
    survivor, merged = two_records
    before = every_row()
    b_rows = {
        (model._meta.label, key): set(model._base_manager.filter(**{key: merged}).values_list("pk", flat=True))
        for model, key in person_relations()
    }
    # 3 of each kind, "Rob", the earlier record and its own rows (merged into B before).
    assert sum(len(pks) for pks in b_rows.values()) == 3 * KINDS + 1 + 1 + KINDS

    merge = merge_clients(actor=supervisor, survivor=survivor, merged=merged, field_choices=EVERYTHING_FROM_B)

    for (label, key), pks in b_rows.items():
        model = apps.get_model(label)
        assert set(model._base_manager.filter(pk__in=pks).values_list(key, flat=True)) <= {survivor.pk}
        assert not model._base_manager.filter(**{key: merged}).exists()
    assert DuplicateDismissal.objects.filter(models.Q(first=merged) | models.Q(second=merged)).count() == 1
    survivor.refresh_from_db()
    assert (survivor.preferred_name, survivor.year_of_birth, survivor.gender_self_described) == (
        "Robbie",
        1979,
        "two-spirit",
    )
    assert (survivor.contact_details, survivor.may_leave_message, survivor.status) == ("0700 000 000", True, "inactive")
    assert survivor.last_seen_at == merged.last_seen_at  # the later of the two
    assert Alias.objects.filter(client=survivor, name="Robin").exists()  # the name not kept
    assert {"robbie", "robin", "rob", "bee"} - set(survivor.search_names.split()) == {"bee"}
    assert Client.objects.get(pk=merged.pk).merged_into_id == survivor.pk
    assert not Client.objects.current().filter(pk=merged.pk).exists()

    assert survivor.version == 2  # an edit of A's details loaded before the merge now conflicts
    restored = undo_merge(actor=supervisor, merge=merge)

    assert restored.pk == merged.pk
    after = every_row()
    after[Merge._meta.label] = [row for row in after[Merge._meta.label] if row["id"] != merge.pk]
    # The version counts saves of A's details (the merge, then the undo): it goes on, never back.
    assert [row.pop("version") for row in after[Client._meta.label]] == [
        row.pop("version") + (2 if row["id"] == survivor.pk else 0) for row in before[Client._meta.label]
    ]
    for label in before:
        assert after[label] == before[label], f"{label} differs after the undo"
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by_id == supervisor.pk


def test_merge_and_undo_are_audited_for_both_people(
    two_records: tuple[Client, Client], supervisor: User, actor: User
) -> None:
    survivor, merged = two_records
    merge = merge_keeping_a(actor, survivor, merged)
    undo_merge(actor=supervisor, merge=merge)
    events = AuditEvent.objects.filter(object_id=str(merge.pk))
    assert sorted((event.action, event.client_id == survivor.pk) for event in events) == [
        ("clients_merged", False),
        ("clients_merged", True),
        ("merge_undone", False),
        ("merge_undone", True),
    ]
    assert {event.actor_id for event in events} == {supervisor.pk}
    assert "Robin" not in str([event.details for event in events])


def test_rows_added_after_the_merge_and_later_edits_stay_with_the_survivor(
    two_records: tuple[Client, Client], supervisor: User, worker: User, actor: User
) -> None:
    survivor, merged = two_records
    merge = merge_clients(actor=supervisor, survivor=survivor, merged=merged, field_choices=EVERYTHING_FROM_B)
    later = EncounterFactory.create(client=survivor, team=survivor.home_team, worker=worker)
    Client.objects.filter(pk=survivor.pk).mark_seen(later.happened_at)
    Client.objects.filter(pk=survivor.pk).update(languages="Spanish, Catalan")
    undo_merge(actor=supervisor, merge=merge)
    survivor.refresh_from_db()
    later.refresh_from_db()
    assert later.client_id == survivor.pk
    assert survivor.last_seen_at == later.happened_at
    assert survivor.languages == "Spanish, Catalan"  # changed on A after the merge: kept
    assert survivor.preferred_name == "Robin"  # untouched since the merge: restored


def test_the_merged_code_opens_the_survivor_until_the_merge_is_undone(
    supervisor_client: HttpClient, supervisor: User, two_records: tuple[Client, Client]
) -> None:
    survivor, merged = two_records
    response = supervisor_client.post(reverse("clients:merge", args=[survivor.code, merged.code]), EVERYTHING_FROM_B)
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[survivor.code])
    page = supervisor_client.get(response["Location"]).content.decode()
    assert f"{merged.code} is merged into {survivor.code}." in page
    assert "Undo merge" in page
    response = supervisor_client.get(reverse("clients:detail", args=[merged.code]))
    assert response["Location"] == reverse("clients:detail", args=[survivor.code])
    assert get_client_for_user(supervisor, merged.code).pk == survivor.pk

    merge = Merge.objects.get(survivor=survivor, merged=merged)
    response = supervisor_client.post(reverse("clients:merge_undo", args=[merge.pk]))
    assert response["Location"] == reverse("clients:detail", args=[survivor.code])
    page = supervisor_client.get(response["Location"]).content.decode()
    assert f"{merged.code} has its own record again" in page
    assert supervisor_client.get(reverse("clients:detail", args=[merged.code])).status_code == 200


def test_the_merge_page_shows_both_records_and_what_moves(
    supervisor_client: HttpClient, two_records: tuple[Client, Client]
) -> None:
    survivor, merged = two_records
    response = supervisor_client.get(reverse("clients:merge", args=[survivor.code, merged.code]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ["Robin", "Robbie", "two-spirit", "Red bicycle", "Text message · 0700 000 000", "1979"]:
        assert text in page
    assert page.count('type="radio"') == 2 * len(merge_service.FIELD_GROUPS)
    assert page.count("checked") == len(merge_service.FIELD_GROUPS)  # A's value by default
    assert '<dt class="col-8 col-sm-4 fw-normal">Contacts</dt>' in page
    assert "Records merged into it earlier" in page
    assert not Merge.objects.filter(survivor=survivor).exists()  # a GET changes nothing


def test_undo_after_31_days_is_refused(
    supervisor_client: HttpClient, supervisor: User, two_records: tuple[Client, Client], actor: User
) -> None:
    survivor, merged = two_records
    merge = merge_keeping_a(actor, survivor, merged)
    Merge.objects.filter(pk=merge.pk).update(merged_at=timezone.now() - timedelta(days=31))
    response = supervisor_client.post(reverse("clients:merge_undo", args=[merge.pk]), follow=True)
    assert "A merge can only be undone within 30 days." in response.content.decode()
    assert "Undo merge" not in response.content.decode()
    assert Client.objects.get(pk=merged.pk).merged_into_id == survivor.pk
    assert Merge.objects.get(pk=merge.pk).undone_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MERGE_UNDONE).exists()


def test_a_second_undo_is_refused_with_a_message(
    supervisor_client: HttpClient, supervisor: User, two_records: tuple[Client, Client], actor: User
) -> None:
    survivor, merged = two_records
    merge = merge_keeping_a(actor, survivor, merged)
    undo_merge(actor=supervisor, merge=merge)
    response = supervisor_client.post(reverse("clients:merge_undo", args=[merge.pk]), follow=True)
    assert "This merge was already undone." in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MERGE_UNDONE).count() == 2  # the first undo only


def test_undo_is_refused_while_the_survivor_is_merged_into_someone_else(
    team: Team, supervisor: User, two_records: tuple[Client, Client], actor: User
) -> None:
    survivor, merged = two_records
    merge = merge_keeping_a(actor, survivor, merged)
    third = ClientFactory.create(home_team=team)
    merge_keeping_a(actor, third, survivor)
    assert Client.objects.get(pk=merged.pk).merged_into_id == third.pk  # chains are kept one step long
    with pytest.raises(MergeError, match="undo that merge first"):
        undo_merge(actor=supervisor, merge=merge)


def test_other_teams_supervisor_gets_404_and_changes_nothing(
    client: HttpClient,
    other_supervisor: User,
    supervisor: User,
    two_records: tuple[Client, Client],
    actor: User,
) -> None:
    survivor, merged = two_records
    merge = merge_keeping_a(actor, survivor, merged)
    client.force_login(other_supervisor)
    assert client.post(reverse("clients:merge_undo", args=[merge.pk])).status_code == 404
    other = ClientFactory.create(home_team=survivor.home_team)
    assert client.get(reverse("clients:merge", args=[survivor.code, other.code])).status_code == 404
    assert client.post(reverse("clients:merge", args=[survivor.code, other.code]), {}).status_code == 404
    assert client.get(reverse("clients:merge_start", args=[survivor.code])).status_code == 404
    assert Merge.objects.get(pk=merge.pk).undone_at is None
    assert Client.objects.get(pk=other.pk).merged_into_id is None


def test_a_person_of_a_team_the_supervisor_does_not_supervise_is_404(
    supervisor_client: HttpClient, supervisor: User, person: Client, other_team: Team
) -> None:
    elsewhere = ClientFactory.create(home_team=other_team)
    response = supervisor_client.get(reverse("clients:merge", args=[person.code, elsewhere.code]))
    assert response.status_code == 404
    # A worker in the other team still does not supervise it.
    MembershipFactory.create(user=supervisor, team=other_team, role=Membership.Role.WORKER)
    response = supervisor_client.post(reverse("clients:merge", args=[person.code, elsewhere.code]), {})
    assert response.status_code == 404
    assert Client.objects.get(pk=elsewhere.pk).merged_into_id is None


def test_a_supervisor_of_both_teams_merges_across_them(
    supervisor_client: HttpClient, supervisor: User, person: Client, other_team: Team
) -> None:
    MembershipFactory.create(user=supervisor, team=other_team, role=Membership.Role.SUPERVISOR)
    elsewhere = ClientFactory.create(home_team=other_team)
    keep_a = dict.fromkeys(EVERYTHING_FROM_B, "survivor")
    response = supervisor_client.post(reverse("clients:merge", args=[person.code, elsewhere.code]), keep_a)
    assert response.status_code == 302
    assert Client.objects.get(pk=elsewhere.pk).merged_into_id == person.pk


def test_worker_gets_403_and_sees_no_merge_controls(
    worker_client: HttpClient, person: Client, team: Team, supervisor: User, actor: User
) -> None:
    other = ClientFactory.create(home_team=team)
    assert worker_client.get(reverse("clients:merge", args=[person.code, other.code])).status_code == 403
    assert worker_client.post(reverse("clients:merge", args=[person.code, other.code]), {}).status_code == 403
    start = reverse("clients:merge_start", args=[person.code])
    assert worker_client.post(start, {"other": other.code}).status_code == 403
    merge = merge_keeping_a(actor, person, other)
    assert worker_client.post(reverse("clients:merge_undo", args=[merge.pk])).status_code == 403
    page = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Merge records" not in page
    assert "Undo merge" not in page
    assert reverse("clients:merge_start", args=[person.code]) not in page
    assert Merge.objects.get().undone_at is None


def test_supervisor_sees_the_merge_section(supervisor_client: HttpClient, person: Client) -> None:
    page = supervisor_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Merge records" in page
    assert f'action="{reverse("clients:merge_start", args=[person.code])}"' in page
    assert "Undo merge" not in page  # nothing merged into this person


def test_the_start_form_goes_to_the_side_by_side_page(
    supervisor_client: HttpClient, person: Client, team: Team
) -> None:
    other = ClientFactory.create(home_team=team)
    typed = other.code.lower().replace("-", " ")
    response = supervisor_client.post(reverse("clients:merge_start", args=[person.code]), {"other": typed})
    assert response["Location"] == reverse("clients:merge", args=[person.code, other.code])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("own", "That is this person&#x27;s own record."),
        ("elsewhere", "No record with this code in the teams you supervise."),
        ("ACD-EFG", "No record with this code in the teams you supervise."),
        ("hello", "No record with this code in the teams you supervise."),
        ("", "This field is required."),
    ],
)
def test_the_start_form_explains_bad_codes(
    supervisor_client: HttpClient, person: Client, other_team: Team, typed: str, message: str
) -> None:
    codes = {"own": person.code, "elsewhere": ClientFactory.create(home_team=other_team).code}
    typed = codes.get(typed, typed)
    response = supervisor_client.post(reverse("clients:merge_start", args=[person.code]), {"other": typed})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'value="{typed}"' in response.content.decode() or not typed  # what was typed stays
    assert not Merge.objects.exists()


def test_merging_a_person_with_themself_is_refused(
    supervisor_client: HttpClient, supervisor: User, person: Client, actor: User
) -> None:
    response = supervisor_client.post(reverse("clients:merge", args=[person.code, person.code]), {}, follow=True)
    assert "A record cannot be merged with itself." in response.content.decode()
    with pytest.raises(MergeError, match="itself"):
        merge_clients(actor=supervisor, survivor=person, merged=person, field_choices={})
    assert not Merge.objects.exists()
    assert Client.objects.get(pk=person.pk).merged_into_id is None


def test_invalid_choices_are_refused_and_change_nothing(
    supervisor_client: HttpClient, supervisor: User, two_records: tuple[Client, Client], actor: User
) -> None:
    survivor, merged = two_records
    before = every_row()
    response = supervisor_client.post(
        reverse("clients:merge", args=[survivor.code, merged.code]), {**EVERYTHING_FROM_B, "gender": "both"}
    )
    assert response.status_code == 200
    assert "Choose one of the two values." in response.content.decode()
    for choices in ({"gender": "both"}, {"shoe_size": "merged"}):
        with pytest.raises(MergeError, match="Choose which record"):
            merge_clients(actor=supervisor, survivor=survivor, merged=merged, field_choices=choices)
    assert every_row() == before


def test_the_service_refuses_people_outside_the_supervised_teams(
    worker: User, person: Client, other_team: Team, supervisor: User, actor: User
) -> None:
    elsewhere = ClientFactory.create(home_team=other_team)
    with pytest.raises(MergeError, match="teams you supervise"):
        merge_clients(actor=supervisor, survivor=person, merged=elsewhere, field_choices={})
    other = ClientFactory.create(home_team=person.home_team)
    with pytest.raises(MergeError, match="teams you supervise"):
        merge_clients(actor=worker, survivor=person, merged=other, field_choices={})
    assert not Merge.objects.exists()


def test_a_unique_clash_refuses_the_merge_and_names_the_kind_of_row(
    monkeypatch: pytest.MonkeyPatch, team: Team, supervisor: User, actor: User
) -> None:
    """No relation that moves has a unique constraint today; DuplicateDismissal's unique pair
    (first, second) stands in for one, to show a clash is found before anything moves."""
    first, second, third = sorted(ClientFactory.create_batch(3, home_team=team), key=lambda c: c.pk)
    DuplicateDismissal.objects.create(first=first, second=third, dismissed_by=supervisor)
    DuplicateDismissal.objects.create(first=second, second=third, dismissed_by=supervisor)
    EncounterFactory.create(client=second, team=team)
    monkeypatch.setattr(
        merge_service, "person_relations", lambda: [(Encounter, "client"), (DuplicateDismissal, "first")]
    )
    with pytest.raises(MergeError, match="duplicate dismissals that can exist only once per person"):
        merge_clients(actor=supervisor, survivor=first, merged=second, field_choices={})
    assert Encounter.objects.get().client_id == second.pk
    assert not Merge.objects.exists()


def test_every_relation_to_a_person_moves_except_dismissals_and_merges() -> None:
    """A model added later with a foreign key to Client (goals, check-ins) moves by itself."""
    moving = {(model._meta.label, key) for model, key in person_relations()}
    assert {("encounters.Encounter", "client"), ("clients.Alias", "client"), ("clients.Consent", "client")} <= moving
    assert {("clients.SafetyFlag", "client"), ("clients.Client", "merged_into")} <= moving
    every = {
        (model._meta.label, field.name)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Client
    }
    staying = {label for label in every if label[0] in {"clients.DuplicateDismissal", "clients.Merge"}}
    assert every - staying == moving
