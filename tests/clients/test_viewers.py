"""Who viewed a person's record: the section on the person's page, the full list, the printed report."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from audit.models import AuditEvent
from audit.services import append
from clients.models import Client
from clients.views.records import ON_PERSON_PAGE, PAGE_SIZE, REPORT_ROWS, load_records
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def trail(
    person: Client,
    actor: User | None,
    count: int,
    action: str = AuditEvent.Action.CLIENT_VIEWED,
    ago: timedelta = timedelta(hours=1),
) -> None:
    """`count` audit events about the person, one minute apart, the newest `ago` ago."""
    start = timezone.now() - ago
    for index in range(count):
        append(
            action=action,
            actor_id=actor.pk if actor else None,
            client_id=person.pk,
            object_type="clients.client",
            object_id=str(person.pk),
            at=start - timedelta(minutes=index),
            ip="10.9.8.7",
        )


def test_supervisor_sees_who_opened_the_record_newest_first(
    supervisor_client: HttpClient, person: Client, worker: User
) -> None:
    worker.first_name, worker.last_name = "Alex", "Moreno"
    worker.save()
    trail(person, worker, 1, AuditEvent.Action.CLIENT_CHANGED)
    append(action=AuditEvent.Action.CONSENT_RECORDED, actor_id=worker.pk, client_id=person.pk, at=timezone.now())
    page = supervisor_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Who opened or changed this record" in page
    assert "Alex Moreno" in page and "(worker)" in page
    # Newest first: this visit, then the consent, then the change an hour ago.
    assert page.index("Opened a person&#x27;s record") < page.index("Recorded a consent decision")
    assert page.index("Recorded a consent decision") < page.index("Changed a person&#x27;s record")
    assert reverse("clients:viewers", args=[person.code]) in page
    assert reverse("clients:viewers_print", args=[person.code]) in page


def test_the_person_page_shows_the_latest_twenty(supervisor_client: HttpClient, person: Client, worker: User) -> None:
    trail(person, worker, 30)
    page = supervisor_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    section = page[page.index("viewers-heading") : page.index("record-actions-heading")]
    assert section.count("<time") == ON_PERSON_PAGE


def test_workers_do_not_see_the_section(worker_client: HttpClient, person: Client, worker: User) -> None:
    trail(person, worker, 3)
    page = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Who opened or changed this record" not in page
    assert reverse("clients:viewers", args=[person.code]) not in page
    assert reverse("clients:erase", args=[person.code]) not in page


def test_a_supervisor_of_another_team_who_works_in_this_one_does_not_see_it(
    client: HttpClient, person: Client, other_team: Team
) -> None:
    """Supervising some team is not enough: it must be the person's team."""
    user = MembershipFactory.create(team=other_team, role=Membership.Role.SUPERVISOR).user
    MembershipFactory.create(team=person.home_team, role=Membership.Role.WORKER, user=user)
    client.force_login(user)
    page = client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Who opened or changed this record" not in page
    assert client.get(reverse("clients:viewers", args=[person.code])).status_code == 404
    assert client.get(reverse("clients:viewers_print", args=[person.code])).status_code == 404


def test_the_section_loads_in_two_queries_for_supervisors_and_none_for_workers(
    person: Client, supervisor: User, worker: User
) -> None:
    trail(person, worker, 5)
    trail(person, supervisor, 5)
    supervisor.memberships_by_team  # noqa: B018 (loaded once per request, by the role decorator)
    worker.memberships_by_team  # noqa: B018
    with CaptureQueriesContext(connection) as queries:
        data = load_records(person, supervisor)
    assert len(queries) == 2
    assert {event.viewer.username for event in data["events"]} == {"worker", "supervisor"}
    with CaptureQueriesContext(connection) as queries:
        assert load_records(person, worker) == {"supervises": False}
    assert len(queries) == 0


def test_unknown_and_missing_actors_are_named_plainly(supervisor_client: HttpClient, person: Client) -> None:
    trail(person, None, 1, AuditEvent.Action.CLIENT_ERASED)
    append(action=AuditEvent.Action.CLIENT_VIEWED, actor_id=987654, client_id=person.pk)
    page = supervisor_client.get(reverse("clients:viewers", args=[person.code])).content.decode()
    assert "The system (automatic)" in page
    assert "A former member of staff" in page


def test_the_full_list_pages_by_keyset_without_gaps_or_repeats(
    supervisor_client: HttpClient, person: Client, worker: User
) -> None:
    trail(person, worker, PAGE_SIZE + 15)
    first = supervisor_client.get(reverse("clients:viewers", args=[person.code]))
    first_page = first.content.decode()
    times = re.findall(r'datetime="([^"]+)"', first_page)
    assert len(times) == PAGE_SIZE
    older = first.context["older"]
    assert older
    # New events meanwhile (this page's own visit among them) do not shift the next page.
    trail(person, worker, 3, ago=timedelta(0))
    second_page = supervisor_client.get(
        reverse("clients:viewers", args=[person.code]), {"before": older}
    ).content.decode()
    second_times = re.findall(r'datetime="([^"]+)"', second_page)
    assert len(second_times) == 15
    assert not set(times) & set(second_times)
    assert "Newest entries" in second_page and "Older entries" not in second_page


def test_the_full_list_is_a_read_of_the_record_and_audited(
    supervisor_client: HttpClient, supervisor: User, person: Client
) -> None:
    supervisor_client.get(reverse("clients:viewers", args=[person.code]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_VIEWED)
    assert (event.actor_id, event.client_id) == (supervisor.pk, person.pk)


def test_a_cursor_of_another_person_or_a_forged_one_gives_the_first_page(
    supervisor_client: HttpClient, person: Client, worker: User, team: Team
) -> None:
    other = ClientFactory.create(home_team=team)
    trail(other, worker, PAGE_SIZE + 5)
    trail(person, worker, 3)
    cursor = supervisor_client.get(reverse("clients:viewers", args=[other.code])).context["older"]
    for visits, before in enumerate((cursor, "forged", cursor[:-2] + "xx")):
        response = supervisor_client.get(reverse("clients:viewers", args=[person.code]), {"before": before})
        assert response.context["paged"] is False
        assert len(response.context["events"]) == 3 + visits  # the trail and the earlier visits: the first page


def test_only_this_persons_events_are_listed(
    supervisor_client: HttpClient, person: Client, worker: User, team: Team
) -> None:
    other = ClientFactory.create(home_team=team)
    trail(other, worker, 4, AuditEvent.Action.FLAG_CHANGED)
    trail(person, worker, 2)
    response = supervisor_client.get(reverse("clients:viewers", args=[person.code]))
    assert len(response.context["events"]) == 2
    assert "Changed a safety flag" not in response.content.decode()


def test_a_merged_code_leads_to_the_survivors_list(supervisor_client: HttpClient, person: Client, team: Team) -> None:
    merged = ClientFactory.create(home_team=team, merged_into=person)
    response = supervisor_client.get(reverse("clients:viewers", args=[merged.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:viewers", args=[person.code])


def test_the_report_groups_by_staff_member_and_action_in_plain_words(
    supervisor_client: HttpClient, supervisor: User, person: Client, worker: User
) -> None:
    worker.first_name, worker.last_name = "Alex", "Moreno"
    worker.save()
    trail(person, worker, 4)
    trail(person, worker, 1, AuditEvent.Action.CLIENT_CHANGED)
    response = supervisor_client.get(reverse("clients:viewers_print", args=[person.code]))
    page = response.content.decode()
    lines = {(line.viewer.name, line.action, line.times) for line in response.context["lines"]}
    assert lines == {("Alex Moreno", "Opened your record", 4), ("Alex Moreno", "Changed your details", 1)}
    assert "Who has opened or changed your record" in page
    assert f"Record {person.code}, printed on" in page
    assert 'href="/static/css/print.css' in page or "css/print" in page


def test_the_report_holds_no_ids_no_addresses_and_nobody_elses_data(
    supervisor_client: HttpClient, person: Client, worker: User, team: Team
) -> None:
    other = ClientFactory.create(home_team=team, preferred_name="Quentin")
    trail(other, worker, 3)
    trail(person, worker, 3)
    page = supervisor_client.get(reverse("clients:viewers_print", args=[person.code])).content.decode()
    main = page[page.index("<main") :]
    assert "Quentin" not in main and other.code not in main
    assert str(person.pk) not in page
    assert "10.9.8.7" not in page
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", main)


def test_printing_the_report_is_audited(supervisor_client: HttpClient, supervisor: User, person: Client) -> None:
    supervisor_client.get(reverse("clients:viewers_print", args=[person.code]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEWERS_PRINTED)
    assert (event.actor_id, event.client_id, event.object_id) == (supervisor.pk, person.pk, str(person.pk))


def test_a_long_history_still_fits_one_page(supervisor_client: HttpClient, person: Client) -> None:
    for actor in UserFactory.create_batch(REPORT_ROWS + 3):
        trail(person, actor, 1)
    response = supervisor_client.get(reverse("clients:viewers_print", args=[person.code]))
    assert len(response.context["lines"]) == REPORT_ROWS
    assert "Only the most recent lines fit on this page" in response.content.decode()


def test_the_report_uses_no_inline_styles_or_scripts(supervisor_client: HttpClient, person: Client) -> None:
    page = supervisor_client.get(reverse("clients:viewers_print", args=[person.code])).content.decode()
    assert "style=" not in page and "<style" not in page
    assert "<script>" not in page
    assert "js/print" in page


@pytest.mark.parametrize("name", ["clients:viewers", "clients:viewers_print"])
def test_workers_are_refused_and_other_supervisors_get_404(
    name: str, client: HttpClient, worker: User, other_supervisor: User, person: Client
) -> None:
    client.force_login(worker)
    assert client.get(reverse(name, args=[person.code])).status_code == 403
    client.force_login(other_supervisor)
    response = client.get(reverse(name, args=[person.code]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEWERS_PRINTED).exists()


def test_the_trail_of_a_record_merged_into_the_person_is_included(
    supervisor_client: HttpClient, person: Client, worker: User, team: Team
) -> None:
    merged = ClientFactory.create(home_team=team, merged_into=person)
    trail(merged, worker, 2, AuditEvent.Action.FLAG_CHANGED)
    response = supervisor_client.get(reverse("clients:viewers", args=[person.code]))
    assert [event.action for event in response.context["events"]].count("Changed a safety flag") == 2
    report = supervisor_client.get(reverse("clients:viewers_print", args=[person.code]))
    assert ("Changed a safety note", 2) in {(line.action, line.times) for line in report.context["lines"]}
