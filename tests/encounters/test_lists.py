"""The contact lists: a person's timeline, the worker's day, people not seen for N days."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from audit.models import AuditEvent
from clients.models import Client
from clients.services.transfer import transfer_client
from encounters.models import Encounter, Referral, ServiceProvided, ServiceType, Site
from encounters.sections import PAGE_SIZE, TIMELINE_SIZE, person_contacts
from encounters.views.lists import NOT_SEEN_SIZE, TODAY_SIZE, not_seen_in_team
from tests.conftest import member
from tests.factories import ClientFactory, EncounterFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def contacts_for(person: Client, worker: User, site: Site, count: int, *, ties: int = 1) -> list[Encounter]:
    """`count` contacts an hour apart, newest first; `ties` contacts share each time."""
    made = [
        Encounter(
            client=person,
            team=person.home_team,
            worker=worker,
            site=site,
            happened_at=NOW - timedelta(hours=1 + index // ties),
        )
        for index in range(count)
    ]
    Encounter.objects.bulk_create(made)
    return sorted(made, key=lambda encounter: (encounter.happened_at, encounter.pk), reverse=True)


def walk(http: HttpClient, url: str, **params: str) -> list[list[Any]]:
    """Every page, following the "more" cursor from the first."""
    pages, before = [], ""
    while True:
        response = http.get(url, {**params, "before": before} if before else params)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append(page.rows)
        if not page.next_cursor:
            return pages
        before = page.next_cursor


# --- A person's timeline ---------------------------------------------------------------


def test_the_timeline_pages_by_keyset_without_gaps_or_repeats_even_on_equal_times(
    worker_client: HttpClient, person: Client, worker: User, site: Site
) -> None:
    made = contacts_for(person, worker, site, PAGE_SIZE * 2 + 7, ties=3)
    pages = walk(worker_client, reverse("encounters:timeline", args=[person.code]))
    assert [len(rows) for rows in pages] == [PAGE_SIZE, PAGE_SIZE, 7]
    assert [encounter.pk for rows in pages for encounter in rows] == [encounter.pk for encounter in made]


def test_the_timeline_shows_services_and_the_referrals_made_at_each_contact(
    worker_client: HttpClient, encounter: Encounter, worker: User
) -> None:
    ServiceProvided.objects.create(
        encounter=encounter, service_type=ServiceType.objects.get(slug="naloxone-kit"), quantity=2
    )
    assert encounter.client is not None
    Referral.objects.create(
        client=encounter.client, team=encounter.team, encounter=encounter, to="housing", created_by=worker
    )
    page = worker_client.get(reverse("encounters:timeline", args=[encounter.client.code])).content.decode()
    assert "Naloxone kit" in page and "× 2" in page
    assert "Referral: Housing (Suggested)" in page


def test_opening_the_timeline_is_audited_as_a_read_of_the_record(
    worker_client: HttpClient, person: Client, worker: User
) -> None:
    worker_client.get(reverse("encounters:timeline", args=[person.code]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_VIEWED)
    assert (event.actor_id, event.client_id) == (worker.pk, person.pk)


def test_a_cursor_of_another_person_or_a_forged_one_gives_the_first_page(
    worker_client: HttpClient, person: Client, worker: User, site: Site, team: Team
) -> None:
    other = ClientFactory.create(home_team=team)
    contacts_for(other, worker, site, PAGE_SIZE + 3)
    contacts_for(person, worker, site, 2)
    cursor = worker_client.get(reverse("encounters:timeline", args=[other.code])).context["page"].next_cursor
    for before in (cursor, "forged", cursor[:-2] + "xx"):
        response = worker_client.get(reverse("encounters:timeline", args=[person.code]), {"before": before})
        assert response.context["page"].is_first
        assert len(response.context["page"].rows) == 2


def test_htmx_gets_only_the_next_rows(worker_client: HttpClient, person: Client, worker: User, site: Site) -> None:
    contacts_for(person, worker, site, PAGE_SIZE + 2)
    url = reverse("encounters:timeline", args=[person.code])
    cursor = worker_client.get(url).context["page"].next_cursor
    response = worker_client.get(url, {"before": cursor}, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert "<html" not in fragment and fragment.count('class="list-group-item"') == 2


def test_a_merged_code_goes_to_the_persons_timeline(worker_client: HttpClient, person: Client, team: Team) -> None:
    merged = ClientFactory.create(home_team=team, merged_into=person)
    response = worker_client.get(reverse("encounters:timeline", args=[merged.code]))
    assert response["Location"] == reverse("encounters:timeline", args=[person.code])


def test_the_person_page_shows_the_latest_contacts_and_links_to_older_ones(
    worker_client: HttpClient, person: Client, worker: User, site: Site
) -> None:
    made = contacts_for(person, worker, site, TIMELINE_SIZE + 1)
    response = worker_client.get(reverse("clients:detail", args=[person.code]))
    data = next(data for section, data in response.context["sections"] if section.key == "contacts")
    assert [encounter.pk for encounter in data["encounters"]] == [encounter.pk for encounter in made[:TIMELINE_SIZE]]
    page = response.content.decode()
    assert f"{TIMELINE_SIZE + 1} contacts" in page and "Older contacts" in page
    older = worker_client.get(reverse("encounters:timeline", args=[person.code]), {"before": data["older"]})
    assert [encounter.pk for encounter in older.context["page"].rows] == [made[-1].pk]


def test_the_count_on_the_person_page_stops_at_a_hundred(person: Client, worker: User, site: Site) -> None:
    contacts_for(person, worker, site, 101)
    data = person_contacts(person, worker)
    assert (data["total"], data["more_than"]) == (100, True)


def test_the_timeline_query_walks_the_persons_index(person: Client, worker: User, site: Site) -> None:
    """With sequential, bitmap and full sorts off (tiny test tables make any plan cheap), the
    planner can still answer from encounter_client_when_idx in its order, with the keyset's
    `happened_at <= x` in the index condition (ties on the time sorted incrementally)."""
    contacts_for(person, worker, site, 3)
    query = Encounter.objects.of_person(person, worker).for_timeline().older_than(NOW, person.pk)
    sql, params = query[:26].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using encounter_client_when_idx" in plan, plan
    assert "happened_at <=" in plan.split("encounter_client_when_idx")[1].split("\n")[1], plan
    assert not re.search(r"(^|->  )Sort ", plan), plan  # at most an Incremental Sort of equal times


# --- The worker's day ------------------------------------------------------------------


def test_today_lists_the_workers_own_contacts_of_today_newest_first_with_totals(
    worker_client: HttpClient, person: Client, worker: User, site: Site, team: Team
) -> None:
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    early = EncounterFactory.create(
        client=person, worker=worker, site=site, happened_at=midnight + timedelta(minutes=1)
    )
    anonymous = EncounterFactory.create(client=None, team=team, worker=worker, site=site, head_count=3)
    EncounterFactory.create(client=person, worker=worker, site=site, happened_at=midnight - timedelta(minutes=1))
    colleague = member(team, Membership.Role.WORKER, "colleague")
    EncounterFactory.create(client=person, worker=colleague, site=site)
    syringes, wound_care = ServiceType.objects.get(slug="sterile-syringes"), ServiceType.objects.get(slug="wound-care")
    ServiceProvided.objects.create(encounter=early, service_type=syringes, quantity=10)
    ServiceProvided.objects.create(encounter=anonymous, service_type=syringes, quantity=5)
    ServiceProvided.objects.create(encounter=anonymous, service_type=wound_care, quantity=1)

    response = worker_client.get(reverse("encounters:today"))
    assert [encounter.pk for encounter in response.context["page"].rows] == [anonymous.pk, early.pk]
    assert response.context["totals"] == {"contacts": 2, "people": 4}
    totals = [(row.label, row.given, row.contacts) for row in response.context["services"]]
    assert totals == [("Sterile syringes", 15, 2), ("Wound care", 1, 1)]
    page = response.content.decode()
    assert "2 contacts" in page and "4 people reached" in page and "Anonymous (3 people)" in page


def test_today_leaves_out_a_person_who_moved_to_another_team(
    worker_client: HttpClient, encounter: Encounter, other_team: Team, supervisor: User
) -> None:
    assert encounter.client is not None
    transfer_client(actor=supervisor, client=encounter.client, to_team=other_team)
    response = worker_client.get(reverse("encounters:today"))
    assert response.context["page"].rows == [] and response.context["totals"]["contacts"] == 0


def test_today_pages_by_keyset(worker_client: HttpClient, person: Client, worker: User, site: Site) -> None:
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    made = [
        EncounterFactory.create(client=person, worker=worker, site=site, happened_at=midnight + timedelta(seconds=i))
        for i in range(TODAY_SIZE + 4)
    ]
    pages = walk(worker_client, reverse("encounters:today"))
    assert [len(rows) for rows in pages] == [TODAY_SIZE, 4]
    assert [encounter.pk for rows in pages for encounter in rows] == [encounter.pk for encounter in reversed(made)]


# --- People not seen for N days ---------------------------------------------------------


def person_seen(team: Team, days_ago: int | None, *, registered_days_ago: int = 400, **extra: Any) -> Client:
    return ClientFactory.create(
        home_team=team,
        last_seen_at=None if days_ago is None else NOW - timedelta(days=days_ago),
        created_at=NOW - timedelta(days=registered_days_ago),
        **extra,
    )


def test_people_not_seen_longest_first_by_last_contact_or_registration(
    worker_client: HttpClient, team: Team, other_team: Team
) -> None:
    forty = person_seen(team, 40)
    ninety = person_seen(team, 90)
    never_registered_sixty = person_seen(team, None, registered_days_ago=60)
    person_seen(team, 10)  # seen lately
    person_seen(team, None, registered_days_ago=5)  # registered lately
    person_seen(team, 200, status=Client.Status.MOVED_ON)
    person_seen(other_team, 300)
    person_seen(team, 300, merged_into=forty)
    response = worker_client.get(reverse("encounters:not_seen"))
    assert response.context["days"] == 30
    assert response.context["page"].rows == [ninety, never_registered_sixty, forty]
    page = response.content.decode()
    assert "People not seen for 30 days" in page and "Never seen since registering" in page


def test_n_comes_from_the_page_or_the_setting(worker_client: HttpClient, team: Team) -> None:
    forty, ninety = person_seen(team, 40), person_seen(team, 90)
    assert worker_client.get(reverse("encounters:not_seen"), {"days": "60"}).context["page"].rows == [ninety]
    with override_settings(ALONGSIDE_NOT_SEEN_DAYS=20):
        assert worker_client.get(reverse("encounters:not_seen")).context["page"].rows == [ninety, forty]


@pytest.mark.parametrize("typed", ["0", "-3", "abc", "99999"])
def test_a_bad_number_of_days_says_so_keeps_it_and_uses_the_default(
    worker_client: HttpClient, team: Team, typed: str
) -> None:
    forty = person_seen(team, 40)
    response = worker_client.get(reverse("encounters:not_seen"), {"days": typed})
    assert response.status_code == 200
    assert response.context["form"].errors["days"]
    assert f'value="{typed}"' in response.content.decode()
    assert response.context["days"] == 30 and response.context["page"].rows == [forty]


def test_people_not_seen_pages_by_keyset_across_several_teams(
    client: HttpClient, team: Team, other_team: Team, supervisor: User
) -> None:
    Membership.objects.create(user=supervisor, team=other_team, role=Membership.Role.SUPERVISOR)
    people = [person_seen(team if i % 3 else other_team, 31 + i // 2) for i in range(NOT_SEEN_SIZE + 9)]
    expected = sorted(people, key=lambda person: (person.last_seen_at, person.pk))
    client.force_login(supervisor)
    pages = walk(client, reverse("encounters:not_seen"), days="30")
    assert [len(rows) for rows in pages] == [NOT_SEEN_SIZE, 9]
    assert [person.pk for rows in pages for person in rows] == [person.pk for person in expected]


def test_a_cursor_for_another_number_of_days_gives_the_first_page(worker_client: HttpClient, team: Team) -> None:
    for days in range(NOT_SEEN_SIZE + 2):
        person_seen(team, 40 + days)
    cursor = worker_client.get(reverse("encounters:not_seen"), {"days": "30"}).context["page"].next_cursor
    response = worker_client.get(reverse("encounters:not_seen"), {"days": "31", "before": cursor})
    assert response.context["page"].is_first


def test_each_team_branch_walks_the_not_seen_index(team: Team, worker: User) -> None:
    """With sequential, bitmap and sorts off (tiny test tables make any plan cheap), the planner
    still finds a plain index scan on client_team_not_seen_idx: its order is the list's."""
    person_seen(team, 40)
    query = not_seen_in_team(worker, team.pk, cutoff=NOW - timedelta(days=30), before=None)[:51]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using client_team_not_seen_idx" in plan, plan
    assert "Sort" not in plan, plan
