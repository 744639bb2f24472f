"""Drug-checking results and rights or safety incidents: not linked to anyone by default,
linked only when the person wants it, audited; person-linked results deleted after the
retention period; incidents count in the organisation view only when the person agreed."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid, NotFound
from dashboards.hierarchy import MONTH, build
from health.models import DrugCheck, Incident
from health.services.reports import record_drug_check, record_incident

pytestmark = pytest.mark.django_db


def test_a_result_is_not_linked_to_anyone_by_default(worker_client: HttpClient, team: Team) -> None:
    response = worker_client.post(
        reverse("health:drug_checks"),
        {
            "on": timezone.localdate().isoformat(),
            "method": "fentanyl_strip",
            "strip_result": "detected",
            "expected": "heroin",
            "plans": "changed",
            "plans_words": "Will use less, and not alone",
        },
    )
    assert response.status_code == 302
    check = DrugCheck.objects.get()
    assert (check.client_id, check.team_id, check.strip_result, check.plans) == (None, team.pk, "detected", "changed")
    assert AuditEvent.objects.get(action=AuditEvent.Action.DRUG_CHECK_RECORDED).client_id is None
    page = worker_client.get(reverse("health:drug_checks")).content.decode()
    assert "Fentanyl test strip" in page and "Expected: heroin" in page


def test_a_result_linked_at_the_persons_wish(worker_client: HttpClient, person: Client) -> None:
    response = worker_client.post(
        reverse("health:drug_checks"),
        {
            "on": timezone.localdate().isoformat(),
            "method": "spectrometer",
            "found": "heroin, caffeine, fentanyl",
            "plans": "not_said",
            "person": person.code,
        },
    )
    assert response.status_code == 302
    check = DrugCheck.objects.get()
    assert (check.client_id, check.found, check.strip_result) == (person.pk, "heroin, caffeine, fentanyl", "")
    assert AuditEvent.objects.get(action=AuditEvent.Action.DRUG_CHECK_RECORDED).client_id == person.pk


def test_a_spectrometer_result_needs_what_was_found(worker: User, team: Team) -> None:
    with pytest.raises(Invalid):
        record_drug_check(actor=worker, team=team, checked_on=timezone.localdate(), method="spectrometer")


def test_another_teams_person_cannot_be_linked(outsider: User, person: Client) -> None:
    with pytest.raises(NotFound):
        record_drug_check(
            actor=outsider,
            team=person.home_team,
            checked_on=timezone.localdate(),
            method="benzo_strip",
            strip_result="not_detected",
            client=person,
        )


@override_settings(ALONGSIDE_DRUG_CHECK_RETENTION_DAYS=30)
def test_person_linked_results_are_deleted_after_retention(worker: User, person: Client, team: Team) -> None:
    today = timezone.localdate()
    old_linked = record_drug_check(
        actor=worker,
        team=team,
        checked_on=today - timedelta(days=31),
        method="fentanyl_strip",
        strip_result="detected",
        client=person,
    )
    recent_linked = record_drug_check(
        actor=worker,
        team=team,
        checked_on=today - timedelta(days=29),
        method="fentanyl_strip",
        strip_result="detected",
        client=person,
    )
    old_unlinked = record_drug_check(
        actor=worker,
        team=team,
        checked_on=today - timedelta(days=300),
        method="fentanyl_strip",
        strip_result="detected",
    )
    call_command("delete_old_drug_checks", stdout=None)
    assert set(DrugCheck.objects.values_list("pk", flat=True)) == {recent_linked.pk, old_unlinked.pk}
    assert not DrugCheck.objects.filter(pk=old_linked.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DRUG_CHECKS_DELETED)
    assert event.details == {"count": 1, "system": "delete_old_drug_checks"}


def test_an_incident_is_recorded_unlinked_with_the_persons_choice(worker_client: HttpClient, team: Team) -> None:
    response = worker_client.post(
        reverse("health:incidents"),
        {
            "on": timezone.localdate().isoformat(),
            "kind": "supplies_confiscated",
            "involved": "police",
            "help_given": "legal_aid",
            "may_count": "no",
            "area": "Centre",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.client_id, incident.may_count, incident.kind) == (None, False, "supplies_confiscated")
    page = worker_client.get(reverse("health:incidents")).content.decode()
    assert "not counted, as the person asked" in page


def test_the_person_must_be_asked_whether_it_may_count(worker_client: HttpClient) -> None:
    response = worker_client.post(
        reverse("health:incidents"),
        {"on": timezone.localdate().isoformat(), "kind": "violence", "involved": "public", "help_given": "support"},
    )
    assert response.status_code == 200
    assert Incident.objects.count() == 0
    assert "Ask the person whether it may count" in response.content.decode()


def test_only_incidents_that_may_count_reach_the_organisation_figures(worker: User, team: Team) -> None:
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=15)
    for may_count in (True, True, False):
        record_incident(
            actor=worker,
            team=team,
            happened_on=last_month,
            kind="violence",
            involved="police",
            help_given="support",
            may_count=may_count,
        )
    record_incident(
        actor=worker,
        team=team,
        happened_on=last_month,
        kind="eviction",
        involved="landlord",
        help_given="none_wanted",
        may_count=False,
    )
    year = build(last_month.year, teams=[team.pk], before=timezone.localdate().replace(day=1))
    month = (MONTH, last_month.replace(day=1))
    assert year.truth["incidents:violence"][(None, month)] == 2
    assert "incidents:eviction" not in year.truth


def test_another_team_sent_is_ignored(client: HttpClient, outsider: User, team: Team, other_team: Team) -> None:
    """A member of one team has their team fixed: a result sent for another team is saved for
    their own team, never for the other."""
    client.force_login(outsider)
    response = client.post(
        reverse("health:drug_checks"),
        {
            "on": timezone.localdate().isoformat(),
            "method": "benzo_strip",
            "strip_result": "detected",
            "plans": "not_said",
            "team": str(team.pk),
        },
    )
    assert response.status_code == 302
    assert list(DrugCheck.objects.values_list("team_id", flat=True)) == [other_team.pk]
