"""Bad-batch alerts: posted or proposed and confirmed, on the Home of every member of their
teams until they expire or end, in both languages; never on another team's Home."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from audit.models import AuditEvent
from core.errors import Invalid, NotFound, PermissionDenied
from health.models import Alert
from health.services.alerts import confirm_alert, end_alert, post_alert
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")


def alert_for(actor: User, teams: list[Team], **extra: object) -> Alert:
    values = {
        "description_en": "Blue pills stronger than usual",
        "description_es": "Pastillas azules más fuertes",
        "area": "Bus station",
        "expires_at": timezone.now() + timedelta(days=2),
        "teams": teams,
    }
    return post_alert(actor=actor, **(values | extra))  # type: ignore[arg-type]


def home_of(http: HttpClient, user: User, language: str = "en") -> str:
    http.force_login(user)
    return http.get(HOME, headers={"accept-language": language}).content.decode()


def test_a_supervisors_alert_shows_on_a_teammates_home_and_not_another_teams(
    client: HttpClient, supervisor: User, worker: User, outsider: User, team: Team
) -> None:
    alert = alert_for(supervisor, [team])
    assert alert.status == Alert.Status.POSTED
    assert "Blue pills stronger than usual" in home_of(client, worker)
    assert "Blue pills" not in home_of(client, outsider)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ALERT_POSTED)
    assert (event.actor_id, event.object_id, event.client_id) == (supervisor.pk, str(alert.pk), None)


def test_both_languages_show_the_readers_first(client: HttpClient, supervisor: User, worker: User, team: Team) -> None:
    alert_for(supervisor, [team])
    page = home_of(client, worker, "es")
    assert page.index("Pastillas azules más fuertes") < page.index("Blue pills stronger than usual")
    assert 'lang="en"' in page


def test_a_workers_alert_waits_for_a_supervisor(client: HttpClient, supervisor: User, worker: User, team: Team) -> None:
    alert = alert_for(worker, [team])
    assert alert.status == Alert.Status.PROPOSED
    assert "Blue pills" not in home_of(client, worker)
    with pytest.raises(PermissionDenied):
        confirm_alert(actor=worker, alert=alert)
    confirm_alert(actor=supervisor, alert=alert)
    assert "Blue pills" in home_of(client, worker)
    alert.refresh_from_db()
    assert (alert.posted_by_id, alert.created_by_id) == (supervisor.pk, worker.pk)


def test_an_expired_alert_is_gone_from_home(client: HttpClient, supervisor: User, worker: User, team: Team) -> None:
    alert = alert_for(supervisor, [team])
    assert "Blue pills" in home_of(client, worker)
    Alert.objects.filter(pk=alert.pk).update(expires_at=timezone.now() - timedelta(seconds=1))  # time has passed
    assert "Blue pills" not in home_of(client, worker)


def test_an_ended_alert_is_gone_and_audited(client: HttpClient, supervisor: User, worker: User, team: Team) -> None:
    alert = alert_for(supervisor, [team])
    end_alert(actor=supervisor, alert=alert)
    assert "Blue pills" not in home_of(client, worker)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ALERT_ENDED, object_id=str(alert.pk)).exists()


def test_a_data_admin_posts_for_every_team(client: HttpClient, data_admin: User, worker: User, outsider: User) -> None:
    alert_for(data_admin, [], all_teams=True)
    assert "Blue pills" in home_of(client, worker)
    assert "Blue pills" in home_of(client, outsider)


def test_a_supervisor_cannot_post_for_every_team_or_another_team(
    supervisor: User, team: Team, other_team: Team
) -> None:
    with pytest.raises(PermissionDenied):
        alert_for(supervisor, [], all_teams=True)
    with pytest.raises(NotFound):
        alert_for(supervisor, [other_team])
    assert Alert.objects.count() == 0


def test_an_alert_needs_words_an_area_and_an_end_within_30_days(supervisor: User, team: Team) -> None:
    with pytest.raises(Invalid):
        alert_for(supervisor, [team], description_en="", description_es=" ")
    with pytest.raises(Invalid):
        alert_for(supervisor, [team], area="")
    with pytest.raises(Invalid):
        alert_for(supervisor, [team], expires_at=timezone.now() + timedelta(days=31))
    with pytest.raises(Invalid):
        alert_for(supervisor, [team], expires_at=timezone.now() - timedelta(minutes=1))


def test_the_page_posts_an_alert_and_the_card_prints_it(
    client: HttpClient, supervisor: User, worker: User, team: Team
) -> None:
    client.force_login(supervisor)
    ends = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("health:alert_list"),
        {"description_es": "Heroína con fentanilo", "area": "Río", "expires_at": ends, "teams": str(team.pk)},
    )
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert (alert.status, alert.description_es, list(alert.teams.all())) == ("posted", "Heroína con fentanilo", [team])
    card = client.get(reverse("health:alert_card", args=[alert.pk])).content.decode()
    assert "Heroína con fentanilo" in card and "data-print" in card


def test_a_supervisor_of_two_teams_sees_one_alert_once(
    client: HttpClient, supervisor: User, team: Team, other_team: Team
) -> None:
    MembershipFactory.create(user=supervisor, team=other_team, role=Membership.Role.SUPERVISOR)
    supervisor.refresh_from_db()
    alert_for(User.objects.get(pk=supervisor.pk), [team, other_team])
    assert home_of(client, supervisor).count("Blue pills stronger than usual") == 1


def test_a_volunteer_reads_the_alert_on_home_without_a_link_they_may_not_open(
    client: HttpClient, supervisor: User, volunteer: User, team: Team
) -> None:
    alert = alert_for(supervisor, [team])
    page = home_of(client, volunteer)
    assert "Blue pills stronger than usual" in page and "Bus station" in page
    assert reverse("health:alert_card", args=[alert.pk]) not in page
    assert reverse("health:alert_list") not in page
    assert client.get(reverse("health:alert_card", args=[alert.pk])).status_code == 403
