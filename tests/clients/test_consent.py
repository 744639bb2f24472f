from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client, Consent, ConsentKind
from core.dates import add_months
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def kind(slug: str) -> ConsentKind:
    return ConsentKind.objects.get(slug=slug)


def decide(
    person: Client, by: User, slug: str, decision: str, *, days_ago: int = 0, due_in: int | None = None
) -> Consent:
    today = timezone.localdate()
    return Consent.objects.create(
        client=person,
        kind=kind(slug),
        decision=decision,
        recorded_by=by,
        recorded_at=timezone.now() - timedelta(days=days_ago),
        expires_on=today + timedelta(days=due_in) if due_in is not None else None,
    )


def state_of(page: str, label: str) -> str:
    """The text of the state row of one kind on the person's page."""
    start = page.index(f'<span class="fw-semibold">{label}</span>')
    return page[start : page.index("</li>", start)]


def record_url(person: Client) -> str:
    return reverse("clients:consent_record", args=[person.code])


def test_the_page_shows_the_current_state_per_kind(worker_client: HttpClient, worker: User, person: Client) -> None:
    worker.first_name, worker.last_name = "Ana", "Ruiz"
    worker.save()
    decide(person, worker, "record-keeping", Consent.Decision.GIVEN, days_ago=10, due_in=200)
    decide(person, worker, "follow-up", Consent.Decision.GIVEN, days_ago=300, due_in=10)
    decide(person, worker, "follow-up", Consent.Decision.DECLINED, days_ago=400)
    page = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    keeping = state_of(page, "Keeping a record")
    assert "Given" in keeping and "Verbal, recorded by Ana Ruiz" in keeping
    assert f"Renewal due on {(timezone.localdate() + timedelta(days=200)):%-d %b %Y}" in keeping
    assert "Renewal due soon" not in keeping and "Expired" not in keeping
    follow_up = state_of(page, "Follow-up contact")
    assert "Given" in follow_up and "Renewal due soon" in follow_up and "Declined" not in follow_up
    assert "Not asked" in state_of(page, "Sharing with partner agencies")
    assert "History: 3 decisions" in page
    assert "This person no longer agrees to a record." not in page


def test_a_consent_past_its_renewal_date_is_expired(worker_client: HttpClient, worker: User, person: Client) -> None:
    decide(person, worker, "record-keeping", Consent.Decision.GIVEN, days_ago=400, due_in=-2)
    page = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    keeping = state_of(page, "Keeping a record")
    assert "Expired" in keeping and "ask them again" in keeping


def test_an_inactive_kind_is_not_shown(worker_client: HttpClient, person: Client) -> None:
    ConsentKind.objects.filter(slug="partner-sharing").update(is_active=False)
    page = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Sharing with partner agencies" not in page
    assert "Follow-up contact" in page


def test_recording_a_decision_appends_to_the_history_with_a_renewal_date(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    decide(person, worker, "follow-up", Consent.Decision.DECLINED, days_ago=30)
    data = {"kind": "follow-up", "decision": "given", "method": "written"}
    response = worker_client.post(record_url(person), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[person.code])
    latest = Consent.objects.filter(client=person).select_related("kind").order_by("-recorded_at").first()
    assert latest is not None
    assert (latest.kind.slug, latest.decision, latest.method) == ("follow-up", "given", "written")
    assert latest.recorded_by_id == worker.pk
    assert latest.expires_on == add_months(timezone.localdate(), 12)
    assert Consent.objects.filter(client=person).count() == 2
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONSENT_RECORDED)
    assert (event.client_id, event.object_id) == (person.pk, str(latest.pk))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "follow-up", "method": "verbal"}, "decision"),
        ({"decision": "given", "method": "verbal"}, "kind"),
        ({"kind": "partner-sharing", "decision": "given", "method": "verbal"}, "kind"),
        ({"kind": "follow-up", "decision": "maybe", "method": "verbal"}, "decision"),
    ],
    ids=["no-decision", "no-kind", "kind-not-in-use", "bad-decision"],
)
def test_bad_input_rerenders_and_stores_nothing(
    worker_client: HttpClient, person: Client, data: dict[str, str], field: str
) -> None:
    ConsentKind.objects.filter(slug="partner-sharing").update(is_active=False)
    response = worker_client.post(record_url(person), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    page = response.content.decode()
    assert "This field is required." in page or "Select a valid choice" in page
    if "method" in data:
        assert f'value="{data["method"]}"' in page and "checked" in page
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CONSENT_RECORDED).exists()


@pytest.mark.parametrize("decision", ["withdrawn", "declined"])
def test_refusing_a_record_later_tells_the_team_to_stop_recording_details(
    worker_client: HttpClient, worker: User, person: Client, decision: str
) -> None:
    decide(person, worker, "record-keeping", Consent.Decision.GIVEN, days_ago=30, due_in=300)
    data = {"kind": "record-keeping", "decision": decision, "method": "verbal"}
    page = worker_client.post(record_url(person), data, follow=True).content.decode()
    assert "Stop recording identifying details" in page
    assert "This person no longer agrees to a record." in page
    assert "Anonymous contacts still work" in page
    person.refresh_from_db()
    assert person.preferred_name == "Robin"  # nothing is erased automatically
    edit_page = worker_client.get(reverse("clients:edit", args=[person.code])).content.decode()
    assert "This person does not agree to a record." in edit_page


def test_giving_a_record_again_lifts_the_warning(worker_client: HttpClient, worker: User, person: Client) -> None:
    decide(person, worker, "record-keeping", Consent.Decision.WITHDRAWN, days_ago=30)
    decide(person, worker, "record-keeping", Consent.Decision.GIVEN, days_ago=1, due_in=300)
    page = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "This person no longer agrees to a record." not in page


def test_outsider_cannot_record_a_decision(client: HttpClient, outsider: User, person: Client) -> None:
    client.force_login(outsider)
    response = client.post(record_url(person), {"kind": "follow-up", "decision": "given", "method": "verbal"})
    assert response.status_code == 404
    assert not Consent.objects.exists()


def test_the_registration_page_explains_declining_and_links_anonymous_contacts(worker_client: HttpClient) -> None:
    page = worker_client.get(reverse("clients:register")).content.decode()
    assert "does not agree to a record is not registered" in page
    assert f'href="{reverse("encounters:log")}">log an anonymous contact</a>' in page


# The supervisors' list of consents due for renewal.

EXPIRING = reverse("clients:consents_expiring")


def test_supervisors_see_current_given_consents_due_within_30_days_or_past(
    supervisor_client: HttpClient, supervisor: User, team: Team, other_team: Team
) -> None:
    soon = ClientFactory.create(home_team=team, preferred_name="Soon")
    late = ClientFactory.create(home_team=team, preferred_name="Late")
    later = ClientFactory.create(home_team=team, preferred_name="Later")
    renewed = ClientFactory.create(home_team=team, preferred_name="Renewed")
    withdrawn = ClientFactory.create(home_team=team, preferred_name="Withdrew")
    elsewhere = ClientFactory.create(home_team=other_team, preferred_name="Elsewhere")
    merged = ClientFactory.create(home_team=team, preferred_name="Merged", merged_into=soon)
    decide(soon, supervisor, "follow-up", Consent.Decision.GIVEN, days_ago=300, due_in=20)
    decide(late, supervisor, "record-keeping", Consent.Decision.GIVEN, days_ago=400, due_in=-3)
    decide(later, supervisor, "record-keeping", Consent.Decision.GIVEN, days_ago=100, due_in=31)
    decide(renewed, supervisor, "record-keeping", Consent.Decision.GIVEN, days_ago=400, due_in=5)
    decide(renewed, supervisor, "record-keeping", Consent.Decision.GIVEN, days_ago=1, due_in=360)
    decide(withdrawn, supervisor, "record-keeping", Consent.Decision.GIVEN, days_ago=400, due_in=5)
    decide(withdrawn, supervisor, "record-keeping", Consent.Decision.WITHDRAWN, days_ago=1)
    decide(elsewhere, supervisor, "record-keeping", Consent.Decision.GIVEN, days_ago=400, due_in=5)
    decide(merged, supervisor, "record-keeping", Consent.Decision.GIVEN, days_ago=400, due_in=5)
    response = supervisor_client.get(EXPIRING)
    assert response.status_code == 200
    listed = [(consent.client.preferred_name, consent.kind.slug) for consent in response.context["consents"]]
    assert listed == [("Late", "record-keeping"), ("Soon", "follow-up")]
    page = response.content.decode()
    assert page.index("Late") < page.index("Soon")
    assert "Expired" in page and "Renewal due soon" in page
    assert "Renewed" not in page and "Withdrew" not in page and "Elsewhere" not in page


def test_a_supervisor_of_another_team_sees_only_their_own_people(
    client: HttpClient, other_supervisor: User, person: Client, supervisor: User
) -> None:
    decide(person, supervisor, "record-keeping", Consent.Decision.GIVEN, days_ago=400, due_in=5)
    client.force_login(other_supervisor)
    response = client.get(EXPIRING)
    assert response.context["consents"] == []
    assert "Robin" not in response.content.decode()


def test_only_teams_the_user_supervises_count(client: HttpClient, worker: User, person: Client) -> None:
    """A worker of this team who supervises another team sees that team only."""
    from accounts.models import Membership
    from tests.factories import MembershipFactory, TeamFactory

    MembershipFactory.create(user=worker, team=TeamFactory.create(), role=Membership.Role.SUPERVISOR)
    decide(person, worker, "record-keeping", Consent.Decision.GIVEN, days_ago=400, due_in=5)
    client.force_login(worker)
    response = client.get(EXPIRING)
    assert response.status_code == 200
    assert response.context["consents"] == []


def test_workers_are_refused_the_list(worker_client: HttpClient) -> None:
    assert worker_client.get(EXPIRING).status_code == 403


def test_the_home_page_links_the_list_for_supervisors_only(
    supervisor_client: HttpClient, client: HttpClient, worker: User
) -> None:
    assert EXPIRING in supervisor_client.get(reverse("core:home")).content.decode()
    client.force_login(worker)
    assert EXPIRING not in client.get(reverse("core:home")).content.decode()


def test_consent_kinds_are_managed_in_the_admin_and_people_are_not() -> None:
    assert admin.site.is_registered(ConsentKind)
    assert not admin.site.is_registered(Client)


def test_a_data_admin_with_the_admin_site_can_add_a_kind(client: HttpClient, system_admin: User) -> None:
    client.force_login(system_admin)
    data = {"name": "Photo", "slug": "photo", "valid_months": "6", "order": "50", "is_active": "on"}
    response = client.post(reverse("admin:clients_consentkind_add"), data)
    assert response.status_code == 302
    assert ConsentKind.objects.get(slug="photo").valid_months == 6
    existing = kind("follow-up")
    page = client.get(reverse("admin:clients_consentkind_change", args=[existing.pk])).content.decode()
    assert 'name="slug"' not in page  # fixed once made
    assert client.post(reverse("admin:clients_consentkind_delete", args=[existing.pk])).status_code == 403
