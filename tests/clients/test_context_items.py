"""Context the person chooses to share (issue 16, item 7): income, benefits and housing
support as optional, dated items in their words where they want; read only when the worker
opens them (audited), noted and removed with an audit event that never holds the words;
their team only, never a volunteer; deleted on erasure, moved by a merge, followed by
row-level security; never in the organisation view."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client, ContextItem
from clients.services.context_items import note_context, remove_context
from clients.services.erasure import erase_client
from clients.services.merge import merge_clients
from clients.services.transfer import transfer_client
from core.errors import Invalid, NotFound
from core.scope import team_scope
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

WORDS = "Cleaning at the market on Saturdays"


def page(person: Client) -> str:
    return reverse("clients:context", args=[person.code])


def noted(situation: str = "income_casual_work", words: str = WORDS, **extra: str) -> dict[str, str]:
    return {"situation": situation, "words": words, "noted_on": timezone.localdate().isoformat(),
            "chose_to_share": "on", **extra}  # fmt: skip


def item(
    person: Client, by: User, situation: str = "benefits_applied", words: str = "", days_ago: int = 0
) -> ContextItem:
    on = timezone.localdate() - timedelta(days=days_ago)
    return note_context(actor=by, client=person, situation=situation, words=words, noted_on=on)


def events(action: AuditEvent.Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("at", "id"))


def test_a_worker_notes_what_the_person_chose_to_share_in_their_words_and_it_is_audited_without_them(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    response = worker_client.post(page(person), noted())

    assert response.status_code == 302 and response["Location"] == page(person)
    stored = ContextItem.objects.get()
    assert (stored.client_id, stored.kind, stored.situation, stored.words, stored.created_by_id) == (
        person.pk, "income", "income_casual_work", WORDS, worker.pk,
    )  # fmt: skip
    shown = worker_client.get(page(person)).content.decode()
    assert "Income</span>: Casual or day work" in shown and f"In their words: “{WORDS}”" in shown
    [event] = events(AuditEvent.Action.CONTEXT_RECORDED)
    assert (event.client_id, event.actor_id, event.details) == (person.pk, worker.pk, {"kind": "income"})
    assert "Saturdays" not in str(event.details) and "casual" not in str(event.details)


def test_only_what_the_person_chose_to_share_is_noted(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(page(person), {**noted(), "chose_to_share": ""})

    assert response.status_code == 200
    assert "Only note what the person chooses to share." in response.content.decode()
    assert not ContextItem.objects.exists()


def test_their_words_are_optional_and_the_choice_alone_is_enough(worker_client: HttpClient, person: Client) -> None:
    worker_client.post(page(person), noted("housing_support_wants_help", words=""))

    stored = ContextItem.objects.get()
    assert (stored.kind, stored.situation, stored.words) == ("housing_support", "housing_support_wants_help", "")


def test_a_day_in_the_future_or_a_choice_not_on_the_list_is_refused(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = worker_client.post(page(person), noted(noted_on=tomorrow))
    assert "The date cannot be in the future." in response.content.decode()
    response = worker_client.post(page(person), noted("legal_matters"))
    assert response.status_code == 200
    with pytest.raises(Invalid):
        note_context(actor=worker, client=person, situation="legal", words="", noted_on=timezone.localdate())
    assert not ContextItem.objects.exists()


def test_there_is_no_field_for_legal_matters() -> None:
    fields = {field.name for field in ContextItem._meta.get_fields()}
    assert fields == {"id", "client", "kind", "situation", "words", "noted_on", "created_at", "created_by"}
    assert not [value for value in ContextItem.Situation.values if "legal" in value or "court" in value]


def test_opening_them_is_audited_and_the_section_loads_the_items_alone(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    item(person, worker, "income_paid_work", words="Kitchen porter")
    item(person, worker, "benefits_receiving", days_ago=3)

    fragment = worker_client.get(page(person), headers={"HX-Request": "true"}).content.decode()

    assert "Kitchen porter" in fragment and "Receiving benefits" in fragment
    assert '<form method="post" action="' + page(person) not in fragment  # the items only, no form
    assert "<html" not in fragment
    [event] = events(AuditEvent.Action.CONTEXT_VIEWED)
    assert (event.client_id, event.actor_id) == (person.pk, worker.pk)


def test_the_persons_page_reads_none_of_it_until_the_section_is_opened(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    item(person, worker, "income_paid_work", words="Kitchen porter")

    shown = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()

    assert "What they chose to share about their situation" in shown
    assert f'hx-get="{page(person)}"' in shown and 'hx-trigger="toggle once"' in shown
    assert "Kitchen porter" not in shown and "Paid work" not in shown
    assert events(AuditEvent.Action.CONTEXT_VIEWED) == []


def test_the_items_are_grouped_by_what_they_are_about_newest_first(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    item(person, worker, "housing_support_waiting", days_ago=1)
    item(person, worker, "income_none_now", days_ago=30)
    item(person, worker, "income_casual_work", days_ago=2)

    shown = worker_client.get(page(person)).content.decode()

    order = [shown.index(text) for text in ("Casual or day work", "No income at the moment", "On a waiting list")]
    assert order == sorted(order)


def test_removed_when_the_person_asks_and_audited_without_what_it_said(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    kept = item(person, worker, "income_paid_work")
    gone = item(person, worker, "benefits_stopped", words="Cut in March")

    response = worker_client.post(reverse("clients:context_remove", args=[person.code, gone.pk]))

    assert response.status_code == 302
    assert list(ContextItem.objects.values_list("pk", flat=True)) == [kept.pk]
    [event] = events(AuditEvent.Action.CONTEXT_REMOVED)
    assert (event.client_id, event.details) == (person.pk, {"kind": "benefits", "item": str(gone.pk)})
    assert "Cut in March" not in worker_client.get(page(person)).content.decode()


def test_another_persons_item_cannot_be_removed_through_this_person(
    worker_client: HttpClient, worker: User, person: Client, team: Team
) -> None:
    other = ClientFactory.create(home_team=team)
    theirs = item(other, worker)

    response = worker_client.post(reverse("clients:context_remove", args=[person.code, theirs.pk]))

    assert response.status_code == 404
    assert ContextItem.objects.filter(pk=theirs.pk).exists()
    with pytest.raises(NotFound):
        remove_context(actor=worker, client=person, item_id=theirs.pk)
    assert events(AuditEvent.Action.CONTEXT_REMOVED) == []


def test_another_team_gets_404_and_nothing_is_read_or_stored(
    client: HttpClient, outsider: User, worker: User, person: Client
) -> None:
    item(person, worker, words="Kitchen porter")
    client.force_login(outsider)

    assert client.get(page(person)).status_code == 404
    assert client.post(page(person), noted()).status_code == 404
    assert ContextItem.objects.count() == 1
    assert events(AuditEvent.Action.CONTEXT_VIEWED) == []


def test_a_volunteer_neither_sees_the_section_nor_opens_the_items(
    volunteer_client: HttpClient, worker: User, person: Client
) -> None:
    item(person, worker, words="Kitchen porter")

    shown = volunteer_client.get(reverse("clients:detail", args=[person.code])).content.decode()

    assert "What they chose to share" not in shown and "Kitchen porter" not in shown
    assert volunteer_client.get(page(person)).status_code == 403
    assert volunteer_client.post(page(person), noted()).status_code == 403
    assert ContextItem.objects.count() == 1


def test_the_old_code_of_a_merged_record_leads_to_the_kept_record_with_its_items(
    worker_client: HttpClient, worker: User, supervisor: User, person: Client, team: Team
) -> None:
    merged = ClientFactory.create(home_team=team)
    moved = item(merged, worker, "housing_support_receiving")

    merge_clients(actor=supervisor, survivor=person, merged=merged, field_choices={})

    assert ContextItem.objects.get(pk=moved.pk).client_id == person.pk
    response = worker_client.get(page(merged))
    assert response.status_code == 302 and response["Location"] == page(person)
    assert worker_client.post(page(merged), noted()).status_code == 302
    assert ContextItem.objects.filter(client=merged).count() == 0


def test_deleted_when_identifying_data_is_erased(worker: User, supervisor: User, person: Client) -> None:
    item(person, worker, words="Kitchen porter")
    erase_client(actor=supervisor, client=person)
    assert not ContextItem.objects.exists()


def test_row_level_security_hides_another_teams_items_and_they_follow_a_transfer(
    worker: User, supervisor: User, person: Client, other_team: Team
) -> None:
    stranger = ClientFactory.create(home_team=other_team)
    ours, theirs = item(person, worker), item(stranger, worker)
    with team_scope([person.home_team_id]):
        assert set(ContextItem.objects.values_list("pk", flat=True)) == {ours.pk}
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM clients_contextitem WHERE id = %s", [theirs.pk])
            assert cursor.fetchall() == []
    old_team = person.home_team_id
    transfer_client(actor=supervisor, client=person, to_team=other_team)
    with team_scope([old_team]):
        assert not ContextItem.objects.exists()
    with team_scope([other_team.pk]):
        assert set(ContextItem.objects.values_list("pk", flat=True)) == {ours.pk, theirs.pk}


def test_the_organisation_view_never_shows_them(
    client: HttpClient, data_admin: User, worker: User, person: Client
) -> None:
    for situation in ContextItem.Situation.values:
        item(person, worker, situation, words=f"Zq context {situation}")
    client.force_login(data_admin)

    shown = client.get(reverse("dashboards:organisation")).content.decode()

    assert "Zq context" not in shown
    for label in ("Casual or day work", "Would like help applying", "Receiving housing support", "Benefits"):
        assert label not in shown


def test_no_figure_export_api_or_rollup_reads_them() -> None:
    """The code that makes figures, exports and the API never names the model or its table."""
    root = Path(settings.BASE_DIR)
    readers = ["dashboards", "exports", "privacy", "api", "imports", "outcomes", "goals", "health"]
    named = [
        str(path.relative_to(root))
        for folder in readers
        for path in (root / folder).rglob("*.py")
        if any(word in path.read_text(encoding="utf-8") for word in ("ContextItem", "contextitem", "context_items"))
    ]
    assert named == []


# Session, user, memberships (3); the person (1); their items (1); the audit event (1).
CONTEXT_PAGE_QUERIES = 6


@pytest.mark.parametrize("rows", [2, 20])
def test_the_items_page_costs_the_same_queries_with_2_or_20_items(
    worker_client: HttpClient, worker: User, person: Client, rows: int
) -> None:
    for index in range(rows):
        item(person, worker, ContextItem.Situation.values[index % len(ContextItem.Situation.values)], days_ago=index)
    worker_client.get(page(person))
    with CaptureQueriesContext(connection) as queries:
        response = worker_client.get(page(person))
    assert response.content.decode().count("context-item") == rows
    assert len(queries) == CONTEXT_PAGE_QUERIES


# The same as with no items at all: the section reads nothing until it is opened (a person
# with no contacts; tests/core/test_query_counts.py pins the page with one).
PERSON_PAGE_QUERIES = 18


def test_the_persons_page_costs_the_same_queries_with_2_or_20_items(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    counts = []
    for rows in (0, 2, 18):
        for index in range(rows):
            item(person, worker, "income_paid_work", words=f"Item {index}", days_ago=index)
        with CaptureQueriesContext(connection) as queries:
            response = worker_client.get(reverse("clients:detail", args=[person.code]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [PERSON_PAGE_QUERIES] * 3
    assert ContextItem.objects.count() == 20
