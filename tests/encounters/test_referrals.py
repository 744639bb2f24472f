"""Referrals outside Log a contact: the person's section, a referral's page and updates, a
referral noted on its own, the follow-ups lists, and what a transfer does to them."""

from datetime import date, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from clients.services.transfer import transfer_client
from encounters.models import Encounter, Referral, ReferralUpdate
from tests.factories import ClientFactory, EncounterFactory

from .referral_factories import ReferralFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def page(http: HttpClient, name: str, *args: object) -> str:
    response = http.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


# The person's page ------------------------------------------------------------------------


def test_the_persons_page_lists_open_referrals_by_follow_up_date_then_settled_ones(
    worker_client: HttpClient, person: Client, worker: User
) -> None:
    ReferralFactory.create(
        client=person, created_by=worker, to=Referral.To.BENEFITS, status="attended", follow_up_on=None
    )
    ReferralFactory.create(client=person, created_by=worker, to=Referral.To.LEGAL_AID, follow_up_on=None)
    ReferralFactory.create(client=person, created_by=worker, to=Referral.To.HOUSING, follow_up_on=days(5))
    ReferralFactory.create(client=person, created_by=worker, to=Referral.To.MENTAL_HEALTH, follow_up_on=days(-2))
    html = page(worker_client, "clients:detail", person.code)
    order = [html.index(label) for label in ("Mental health", "Housing", "Legal aid", "Settled", "Benefits")]
    assert order == sorted(order)
    assert "Follow up was due" in html  # the overdue one says so
    assert reverse("encounters:referral_new", args=[person.code]) in html


def test_the_section_shows_no_referral_of_another_teams_person(
    worker_client: HttpClient, person: Client, other_team: Team
) -> None:
    ReferralFactory.create(client=ClientFactory.create(home_team=other_team), to=Referral.To.HOUSING)
    assert "No referrals yet." in page(worker_client, "clients:detail", person.code)


# A referral's page and its updates ---------------------------------------------------------


def test_a_referrals_page_shows_its_history_and_is_audited_against_the_person(
    worker_client: HttpClient, person: Client, worker: User, supervisor: User
) -> None:
    referral = ReferralFactory.create(client=person, created_by=worker, partner="Harbour Clinic")
    ReferralUpdate.objects.create(referral=referral, status="made", follow_up_on=days(9), by=supervisor)
    html = page(worker_client, "encounters:referral_detail", referral.pk)
    assert "Harbour Clinic" in html and "Referral: Housing" in html
    assert html.count("list-group-item") == 2  # both steps of the history
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_VIEWED)
    assert (event.client_id, event.object_id) == (person.pk, str(referral.pk))


def test_another_team_gets_404_for_a_referral_and_cannot_update_it(
    client: HttpClient, outsider: User, person: Client
) -> None:
    referral = ReferralFactory.create(client=person)
    client.force_login(outsider)
    assert client.get(reverse("encounters:referral_detail", args=[referral.pk])).status_code == 404
    response = client.post(reverse("encounters:referral_update", args=[referral.pk]), {"status": "attended"})
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.MADE
    assert ReferralUpdate.objects.filter(referral=referral).count() == 1


def test_marking_a_referral_attended_keeps_the_history_and_is_audited(
    worker_client: HttpClient, person: Client, worker: User
) -> None:
    referral = ReferralFactory.create(client=person, created_by=worker)
    response = worker_client.post(
        reverse("encounters:referral_update", args=[referral.pk]), {"status": "attended", "follow_up_on": days(3)}
    )
    assert response["Location"] == reverse("encounters:referral_detail", args=[referral.pk])
    referral.refresh_from_db()
    assert (referral.status, referral.follow_up_on) == (Referral.Status.ATTENDED, None)  # settled: nothing to follow up
    assert list(ReferralUpdate.objects.filter(referral=referral).values_list("status", flat=True)) == [
        "made",
        "attended",
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.REFERRAL_UPDATED)
    assert (event.client_id, event.actor_id) == (person.pk, worker.pk)


def test_a_new_follow_up_date_in_the_past_is_refused_and_nothing_is_stored(
    worker_client: HttpClient, person: Client
) -> None:
    referral = ReferralFactory.create(client=person)
    response = worker_client.post(
        reverse("encounters:referral_update", args=[referral.pk]), {"status": "made", "follow_up_on": days(-1)}
    )
    assert response.status_code == 200
    assert "Choose today or a later date for the follow-up." in response.content.decode()
    assert f'value="{days(-1).isoformat()}"' in response.content.decode()  # what was typed stays
    referral.refresh_from_db()
    assert referral.follow_up_on == days(3)
    assert ReferralUpdate.objects.filter(referral=referral).count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REFERRAL_UPDATED).exists()


def test_an_overdue_date_may_stay_when_only_the_status_changes(worker_client: HttpClient, person: Client) -> None:
    referral = ReferralFactory.create(client=person, status="suggested", follow_up_on=days(-4))
    worker_client.post(
        reverse("encounters:referral_update", args=[referral.pk]), {"status": "made", "follow_up_on": days(-4)}
    )
    referral.refresh_from_db()
    assert (referral.status, referral.follow_up_on) == (Referral.Status.MADE, days(-4))


def test_an_update_that_changes_nothing_is_refused(worker_client: HttpClient, person: Client) -> None:
    referral = ReferralFactory.create(client=person)
    response = worker_client.post(
        reverse("encounters:referral_update", args=[referral.pk]), {"status": "made", "follow_up_on": days(3)}
    )
    assert "Nothing changed" in response.content.decode()
    assert ReferralUpdate.objects.filter(referral=referral).count() == 1


def test_a_follow_up_date_more_than_a_year_ahead_is_refused(worker_client: HttpClient, person: Client) -> None:
    referral = ReferralFactory.create(client=person)
    response = worker_client.post(
        reverse("encounters:referral_update", args=[referral.pk]), {"status": "made", "follow_up_on": days(400)}
    )
    assert "within a year" in response.content.decode()
    referral.refresh_from_db()
    assert referral.follow_up_on == days(3)


# A referral noted on its own -------------------------------------------------------------------


def test_the_new_referral_form_suggests_a_follow_up_in_a_week(worker_client: HttpClient, person: Client) -> None:
    html = page(worker_client, "encounters:referral_new", person.code)
    assert f'value="{days(7).isoformat()}"' in html
    assert "Treatment or opioid agonist therapy" in html


def test_a_referral_noted_on_its_own_is_stored_with_its_history_and_audited(
    worker_client: HttpClient, person: Client, worker: User, team: Team
) -> None:
    response = worker_client.post(
        reverse("encounters:referral_new", args=[person.code]),
        {"to": "primary_care", "partner": "Mill Road GP", "status": "made", "follow_up_on": days(10)},
    )
    referral = Referral.objects.get()
    assert response["Location"] == reverse("encounters:referral_detail", args=[referral.pk])
    stored = (referral.client_id, referral.team_id, referral.created_by_id, referral.encounter_id)
    assert stored == (person.pk, team.pk, worker.pk, None)
    assert (referral.to, referral.partner, referral.follow_up_on) == ("primary_care", "Mill Road GP", days(10))
    assert ReferralUpdate.objects.get().status == "made"
    event = AuditEvent.objects.get(action=AuditEvent.Action.REFERRAL_MADE)
    assert event.client_id == person.pk and "Mill Road" not in str(event.details)


def test_a_new_referral_with_a_past_follow_up_date_is_refused_and_keeps_what_was_typed(
    worker_client: HttpClient, person: Client
) -> None:
    response = worker_client.post(
        reverse("encounters:referral_new", args=[person.code]),
        {"to": "housing", "partner": "Open Door", "status": "made", "follow_up_on": days(-3)},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose today or a later date for the follow-up." in html
    assert 'value="Open Door"' in html
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REFERRAL_MADE).exists()


def test_an_unknown_kind_of_referral_is_refused(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(
        reverse("encounters:referral_new", args=[person.code]), {"to": "prison", "status": "made"}
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_a_settled_referral_noted_afterwards_has_no_follow_up_date(worker_client: HttpClient, person: Client) -> None:
    worker_client.post(
        reverse("encounters:referral_new", args=[person.code]),
        {"to": "benefits", "status": "attended", "follow_up_on": days(2)},
    )
    assert Referral.objects.get().follow_up_on is None


def test_a_referral_for_another_teams_person_is_refused_and_nothing_is_stored(
    client: HttpClient, outsider: User, person: Client
) -> None:
    client.force_login(outsider)
    path = reverse("encounters:referral_new", args=[person.code])
    assert client.get(path).status_code == 404
    assert client.post(path, {"to": "housing", "status": "made"}).status_code == 404
    assert not Referral.objects.exists()


# Follow-ups due ------------------------------------------------------------------------------


def test_my_follow_ups_are_the_open_referrals_i_made_or_updated_due_within_a_week(
    worker_client: HttpClient, person: Client, worker: User, supervisor: User, other_team: Team
) -> None:
    ReferralFactory.create(client=person, created_by=worker, to="housing", follow_up_on=days(-10))
    ReferralFactory.create(client=person, created_by=worker, to="benefits", follow_up_on=days(0))
    ReferralFactory.create(client=person, created_by=worker, to="legal_aid", follow_up_on=days(7))
    updated = ReferralFactory.create(client=person, created_by=supervisor, to="mental_health", follow_up_on=days(2))
    ReferralUpdate.objects.create(referral=updated, status="made", follow_up_on=days(2), by=worker)
    # Not mine, not due within the week, undated, settled, another team's:
    ReferralFactory.create(client=person, created_by=supervisor, to="primary_care", follow_up_on=days(1))
    ReferralFactory.create(client=person, created_by=worker, to="treatment", follow_up_on=days(8))
    ReferralFactory.create(client=person, created_by=worker, to="hiv_hepatitis", follow_up_on=None)
    ReferralFactory.create(client=person, created_by=worker, to="other", status="declined", follow_up_on=days(1))
    elsewhere = ClientFactory.create(home_team=other_team)
    ReferralFactory.create(client=elsewhere, created_by=worker, to="other", follow_up_on=days(1))
    html = page(worker_client, "encounters:followups_mine")
    due, coming = html.split("In the next 7 days")
    assert "Housing" in due and "Benefits" in due and "Legal aid" not in due
    assert "Mental health" in coming and "Legal aid" in coming
    for label in ("Primary care", "Treatment", "HIV or hepatitis C care", ">Other<"):
        assert label not in html
    assert due.index("Housing") < due.index("Benefits")


def test_the_teams_follow_ups_list_every_open_referral_of_the_team_by_date(
    client: HttpClient, person: Client, worker: User, supervisor: User, other_team: Team
) -> None:
    ReferralFactory.create(client=person, created_by=supervisor, to="primary_care", follow_up_on=days(4))
    ReferralFactory.create(client=person, created_by=worker, to="housing", follow_up_on=days(-1))
    ReferralFactory.create(client=ClientFactory.create(home_team=other_team), to="benefits", follow_up_on=days(1))
    for user in (worker, supervisor):  # workers share the follow-up work: both see the list
        client.force_login(user)
        html = page(client, "encounters:followups_team")
        assert html.index("Housing") < html.index("Primary care")
        assert "Benefits" not in html
        assert person.display_name in html and "noted by" in html


def test_a_referral_the_team_follows_for_a_person_now_elsewhere_is_not_listed(
    worker_client: HttpClient, worker: User, team: Team, other_team: Team
) -> None:
    """E.g. a record merged into a person of another team: the list never names them."""
    elsewhere = ClientFactory.create(home_team=other_team, preferred_name="Quinn")
    ReferralFactory.create(client=elsewhere, team=team, created_by=worker, follow_up_on=days(1))
    for name in ("encounters:followups_team", "encounters:followups_mine"):
        html = page(worker_client, name)
        assert "Quinn" not in html and "Housing" not in html


def test_follow_ups_come_a_page_at_a_time(worker_client: HttpClient, person: Client, worker: User) -> None:
    for index in range(53):
        ReferralFactory.create(client=person, created_by=worker, follow_up_on=days(index % 5), partner=f"Place {index}")
    first = worker_client.get(reverse("encounters:followups_team"))
    assert first.context["next"]
    shown = [*first.context["due"], *first.context["coming"]]
    second = worker_client.get(reverse("encounters:followups_team"), {"after": first.context["next"]})
    rest = [*second.context["due"], *second.context["coming"]]
    assert (len(shown), len(rest), second.context["next"]) == (50, 3, "")
    assert {referral.pk for referral in shown}.isdisjoint({referral.pk for referral in rest})
    dates = [referral.follow_up_on for referral in [*shown, *rest]]
    assert dates == sorted(dates)


def test_a_malformed_position_shows_the_first_page(worker_client: HttpClient, person: Client, worker: User) -> None:
    ReferralFactory.create(client=person, created_by=worker, follow_up_on=days(1))
    response = worker_client.get(reverse("encounters:followups_mine"), {"after": "yesterday.robin"})
    assert len(response.context["coming"]) == 1


# Transfers and the contact page ---------------------------------------------------------------


def test_a_transferred_persons_open_referrals_follow_them_to_the_new_team(
    client: HttpClient, person: Client, worker: User, supervisor: User, outsider: User, other_team: Team
) -> None:
    still_open = ReferralFactory.create(client=person, created_by=worker, follow_up_on=days(1))
    settled = ReferralFactory.create(client=person, created_by=worker, status="attended", follow_up_on=None)
    old_team = person.home_team_id
    transfer_client(actor=supervisor, client=person, to_team=other_team)
    still_open.refresh_from_db()
    settled.refresh_from_db()
    # The new team follows the open one up; a settled one stays with the team that followed it.
    assert (still_open.team_id, settled.team_id) == (other_team.pk, old_team)
    client.force_login(outsider)  # a worker of the new team
    assert "Housing" in page(client, "encounters:followups_team")
    assert client.get(reverse("encounters:referral_detail", args=[settled.pk])).status_code == 200
    client.force_login(worker)  # the old team: no longer theirs
    assert "Housing" not in page(client, "encounters:followups_team")
    assert "Housing" not in page(client, "encounters:followups_mine")
    assert client.get(reverse("encounters:referral_detail", args=[still_open.pk])).status_code == 404


def test_the_contact_page_shows_referrals_made_and_updated_at_it(
    worker_client: HttpClient, person: Client, worker: User, encounter: Encounter
) -> None:
    ReferralFactory.create(client=person, created_by=worker, encounter=encounter, to="housing")
    earlier = ReferralFactory.create(client=person, created_by=worker, to="benefits")
    ReferralUpdate.objects.create(referral=earlier, status="attended", encounter=encounter, by=worker)
    ReferralFactory.create(client=person, created_by=worker, to="legal_aid")  # not at this contact
    html = page(worker_client, "encounters:detail", encounter.pk)
    assert "Referrals at this contact" in html
    assert "Noted: Made" in html and "Updated: Attended" in html
    assert "Legal aid" not in html


def test_a_contact_without_referrals_shows_no_referral_section(
    worker_client: HttpClient, person: Client, worker: User
) -> None:
    encounter = EncounterFactory.create(client=person, worker=worker)
    assert "Referrals at this contact" not in page(worker_client, "encounters:detail", encounter.pk)


def test_the_referral_page_says_when_a_follow_up_is_due(worker_client: HttpClient, person: Client) -> None:
    due = ReferralFactory.create(client=person, follow_up_on=days(-1))
    later = ReferralFactory.create(client=person, follow_up_on=days(1))
    assert "text-bg-warning" in page(worker_client, "encounters:referral_detail", due.pk)
    assert "text-bg-warning" not in page(worker_client, "encounters:referral_detail", later.pk)
