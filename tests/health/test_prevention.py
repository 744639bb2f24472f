"""PrEP and PEP, and vaccinations: recorded at a contact through its one save path (the parts
`prevention` and `vaccinations`), audited with kinds only, scoped, shown on the person's page,
and read from Log a contact's form."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid, NotFound
from encounters.models import Encounter, Site
from encounters.services.contacts import Outcome, log_encounter
from health.models import Prevention, Vaccination
from health.services.prevention import PreventionAtContact, VaccinationAtContact, record_prevention, record_vaccination
from tests.contacts import log_contact

pytestmark = pytest.mark.django_db

LOG = reverse("encounters:log")


def test_prep_and_a_vaccine_dose_at_a_contact_are_stored_and_audited_without_words(
    worker: User, person: Client
) -> None:
    logged = log_contact(
        worker,
        person,
        parts={
            "prevention": (PreventionAtContact("prep", "stopped", "  I have a partner now  "),),
            "vaccinations": (VaccinationAtContact("hep_b", 2),),
        },
    )
    prep = Prevention.objects.get()
    assert (prep.client_id, prep.encounter_id, prep.kind, prep.status, prep.words) == (
        person.pk,
        logged.encounter.pk,
        "prep",
        "stopped",
        "I have a partner now",
    )
    assert prep.noted_on == timezone.localdate(logged.encounter.happened_at)
    dose = Vaccination.objects.get()
    assert (dose.vaccine, dose.dose, dose.where, dose.encounter_id) == ("hep_b", 2, "by_team", logged.encounter.pk)
    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.PREVENTION_RECORDED))
    assert {frozenset(event.details.items()) for event in events} == {
        frozenset({"kind": "prep", "status": "stopped"}.items()),
        frozenset({"vaccine": "hep_b", "dose": 2}.items()),
    }
    assert all(event.client_id == person.pk and "partner" not in str(event.details) for event in events)


def test_words_are_kept_only_when_it_stopped(worker: User, person: Client) -> None:
    log_contact(worker, person, parts={"prevention": (PreventionAtContact("pep", "started", "a note"),)})
    assert Prevention.objects.get().words == ""


def test_the_same_contact_sent_again_is_a_duplicate(worker: User, person: Client) -> None:
    now = timezone.now().replace(microsecond=0)
    parts = {
        "prevention": (PreventionAtContact("prep", "offered", "ignored"),),
        "vaccinations": (VaccinationAtContact("tetanus", 1, "elsewhere"),),
    }
    first = log_contact(worker, person, happened_at=now, parts=parts)
    again = log_contact(worker, person, encounter_id=first.encounter.pk, happened_at=now, parts=parts)
    assert again.outcome == Outcome.DUPLICATE
    assert (Prevention.objects.count(), Vaccination.objects.count()) == (1, 1)


def test_a_dose_out_of_range_refuses_the_whole_contact(worker: User, person: Client) -> None:
    with pytest.raises(Invalid):
        log_contact(worker, person, parts={"vaccinations": (VaccinationAtContact("flu", 6),)})
    assert not Encounter.objects.exists() and not Vaccination.objects.exists()


def test_each_vaccine_once_per_contact(worker: User, person: Client) -> None:
    twice = (VaccinationAtContact("covid", 1), VaccinationAtContact("covid", 2))
    with pytest.raises(Invalid):
        log_contact(worker, person, parts={"vaccinations": twice})


def test_another_teams_worker_cannot_record_them(outsider: User, person: Client) -> None:
    today = timezone.localdate()
    with pytest.raises(NotFound):
        record_prevention(actor=outsider, client=person, kind="prep", status="offered", noted_on=today)
    with pytest.raises(NotFound):
        record_vaccination(actor=outsider, client=person, vaccine="hep_a", dose=1, given_on=today)


def test_an_anonymous_contact_cannot_carry_them(worker: User, person: Client) -> None:
    with pytest.raises(Invalid):
        log_encounter(
            actor=worker,
            encounter_id=uuid.uuid4(),
            team=person.home_team,
            client=None,
            head_count=2,
            happened_at=timezone.now(),
            site=None,
            kind="street",
            services={},
            note="",
            parts={"vaccinations": (VaccinationAtContact("flu", 1),)},
        )


def test_log_a_contact_reads_them_from_the_form(worker_client: HttpClient, person: Client, site: Site) -> None:
    response = worker_client.post(
        LOG,
        {
            "id": str(uuid.uuid4()),
            "who": person.code,
            "head_count": "1",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "site": str(site.pk),
            "kind": "street",
            "health_for": person.code,
            "health-prep-status": "referred",
            "health-pep-status": "",
            "health-vaccine-hep_a-dose": "1",
            "health-vaccine-hep_a-where": "by_team",
            "health-vaccine-flu-dose": "",
            "save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    encounter = Encounter.objects.get()
    assert list(Prevention.objects.values_list("kind", "status", "encounter")) == [("prep", "referred", encounter.pk)]
    assert list(Vaccination.objects.values_list("vaccine", "dose", "encounter")) == [("hep_a", 1, encounter.pk)]


def test_the_persons_page_shows_where_prep_stands_and_the_doses(
    worker_client: HttpClient, worker: User, person: Client
) -> None:
    today = timezone.localdate()
    record_prevention(actor=worker, client=person, kind="prep", status="started", noted_on=today - timedelta(days=60))
    record_prevention(
        actor=worker,
        client=person,
        kind="prep",
        status="stopped",
        words="Moving away",
        noted_on=today - timedelta(days=2),
    )
    record_vaccination(actor=worker, client=person, vaccine="hep_b", dose=3, given_on=today)
    page = worker_client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "PrEP, PEP and vaccinations" in page
    assert "Stopped" in page and "Moving away" in page
    assert "Started" not in page  # where it stands now, not every step
    assert "Hepatitis B" in page and "dose 3" in page
