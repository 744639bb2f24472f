"""A team's own vaccines (issue 16, item 3: "and others a team adds"): kept by the team's
supervisors on their own page (add, change, retire, bring back; never deleted), offered on Log
a contact beside the built-in vaccines for the team's people only, a dose stored as vaccine
"other" with its team's vaccine (a CHECK keeps the two together), shown by name on the
person's page and health record, audited without names."""

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid
from encounters.models import Encounter, Site
from health.models import TeamVaccine, Vaccination
from health.services.prevention import VaccinationAtContact, record_vaccination
from tests.contacts import log_contact
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

LOG = reverse("encounters:log")
LIST = reverse("health:team_vaccine_list")


@pytest.fixture
def mening(team: Team) -> TeamVaccine:
    return TeamVaccine.objects.create(team=team, name="Meningitis ACWY", doses=2, note="Eight weeks apart")


def contact_form(person: Client, site: Site, **fields: str) -> dict[str, str]:
    return {
        "id": str(uuid.uuid4()),
        "who": person.code,
        "head_count": "1",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk),
        "kind": "street",
        "health_for": person.code,
        "save": "1",
        **fields,
    }


def test_a_supervisor_adds_changes_and_retires_a_vaccine_audited_without_its_name(
    supervisor_client: HttpClient, team: Team
) -> None:
    new = reverse("health:team_vaccine_new", args=[team.pk])
    response = supervisor_client.post(new, {"name": "  Typhoid  ", "doses": "1", "note": ""})
    assert response.status_code == 302
    vaccine = TeamVaccine.objects.get()
    assert (vaccine.team_id, vaccine.name, vaccine.doses, vaccine.is_active) == (team.pk, "Typhoid", 1, True)

    edit = reverse("health:team_vaccine_edit", args=[vaccine.pk])
    supervisor_client.post(edit, {"name": "Typhoid conjugate", "doses": "2", "note": "Travel clinic has it"})
    supervisor_client.post(reverse("health:team_vaccine_active", args=[vaccine.pk]), {"active": "0"})
    vaccine.refresh_from_db()
    assert (vaccine.name, vaccine.doses, vaccine.note, vaccine.is_active) == (
        "Typhoid conjugate",
        2,
        "Travel clinic has it",
        False,
    )
    page = supervisor_client.get(LIST).content.decode()
    assert "Typhoid conjugate" in page and "Retired" in page and "Put back in use" in page

    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.CATALOGUE_CHANGED).order_by("at", "pk"))
    assert [event.details["change"] for event in events] == ["created", "changed", "retired"]
    assert events[1].details["fields"] == ["doses", "name", "note"]
    assert all(event.details["model"] == "teamvaccine" for event in events)
    assert not any("Typhoid" in str(event.details) or "Travel" in str(event.details) for event in events)


def test_a_name_the_team_has_already_is_refused_whatever_its_case(
    supervisor_client: HttpClient, team: Team, mening: TeamVaccine
) -> None:
    mening.is_active = False
    mening.save()
    new = reverse("health:team_vaccine_new", args=[team.pk])
    response = supervisor_client.post(new, {"name": "meningitis  acwy", "doses": "1"})
    assert response.status_code == 200
    assert "already has a vaccine with that name" in response.content.decode()
    assert TeamVaccine.objects.count() == 1


def test_another_team_may_use_the_same_name(other_supervisor: User, other_team: Team, mening: TeamVaccine) -> None:
    client = HttpClient()
    client.force_login(other_supervisor)
    client.post(reverse("health:team_vaccine_new", args=[other_team.pk]), {"name": "Meningitis ACWY", "doses": "1"})
    assert TeamVaccine.objects.filter(name="Meningitis ACWY").count() == 2


@pytest.mark.parametrize("role", ["worker", "volunteer"])
def test_workers_and_volunteers_cannot_change_the_list(
    role: str, request: pytest.FixtureRequest, client: HttpClient, team: Team, mening: TeamVaccine
) -> None:
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert client.post(reverse("health:team_vaccine_new", args=[team.pk]), {"name": "Rabies"}).status_code == 403
    edit = reverse("health:team_vaccine_edit", args=[mening.pk])
    assert client.post(edit, {"name": "Renamed", "doses": "1"}).status_code == 403
    assert client.post(reverse("health:team_vaccine_active", args=[mening.pk]), {"active": "0"}).status_code == 403
    mening.refresh_from_db()
    assert (TeamVaccine.objects.count(), mening.name, mening.is_active) == (1, "Meningitis ACWY", True)


def test_another_teams_supervisor_gets_404_and_changes_nothing(
    other_supervisor: User, client: HttpClient, team: Team, mening: TeamVaccine
) -> None:
    client.force_login(other_supervisor)
    assert client.get(reverse("health:team_vaccine_edit", args=[mening.pk])).status_code == 404
    assert client.post(reverse("health:team_vaccine_active", args=[mening.pk]), {"active": "0"}).status_code == 404
    assert client.post(reverse("health:team_vaccine_new", args=[team.pk]), {"name": "Rabies"}).status_code == 404
    assert "Meningitis" not in client.get(LIST).content.decode()
    mening.refresh_from_db()
    assert (TeamVaccine.objects.count(), mening.is_active) == (1, True)


def test_log_a_contact_offers_the_persons_teams_vaccines_in_use_with_their_note(
    worker_client: HttpClient, person: Client, team: Team, other_team: Team, mening: TeamVaccine
) -> None:
    TeamVaccine.objects.create(team=team, name="Retired rabies", doses=1, is_active=False)
    TeamVaccine.objects.create(team=other_team, name="Other team's shingles", doses=2)
    page = worker_client.get(LOG, {"person": person.code}).content.decode()
    assert "Hepatitis A" in page and "Meningitis ACWY" in page and "Eight weeks apart" in page
    assert f"health-vaccine-team-{mening.pk}-dose" in page
    assert "Retired rabies" not in page and "shingles" not in page


def test_a_dose_of_the_teams_vaccine_is_stored_with_it_from_the_form(
    worker_client: HttpClient, person: Client, site: Site, mening: TeamVaccine
) -> None:
    form = contact_form(
        person,
        site,
        **{
            f"health-vaccine-team-{mening.pk}-dose": "2",
            f"health-vaccine-team-{mening.pk}-where": "elsewhere",
            "health-vaccine-hep_b-dose": "1",
        },
    )
    response = worker_client.post(LOG, form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    encounter = Encounter.objects.get()
    stored = set(Vaccination.objects.values_list("vaccine", "team_vaccine", "dose", "where", "encounter"))
    assert stored == {("other", mening.pk, 2, "elsewhere", encounter.pk), ("hep_b", None, 1, "by_team", encounter.pk)}
    event = AuditEvent.objects.get(action=AuditEvent.Action.PREVENTION_RECORDED, details__vaccine="other")
    assert event.details == {"vaccine": "other", "dose": 2, "team_vaccine": str(mening.pk)}


def test_the_conflict_page_names_the_teams_vaccine_and_each_dose_in_words(
    worker_client: HttpClient, person: Client, site: Site, mening: TeamVaccine
) -> None:
    first = contact_form(person, site, **{f"health-vaccine-team-{mening.pk}-dose": "1"})
    assert worker_client.post(LOG, first).status_code == 302
    again = {**first, f"health-vaccine-team-{mening.pk}-dose": "2", "health-vaccine-hep_b-dose": "1"}

    response = worker_client.post(LOG, again)

    assert response.status_code == 409
    page = " ".join(response.content.decode().split())
    assert "Meningitis ACWY: dose 1 · Given by the team" in page  # saved
    assert "Meningitis ACWY: dose 2 · Given by the team" in page  # sent again, different
    assert "Hepatitis B: dose 1 · Given by the team" in page
    assert str(mening.pk) not in page  # never its id


def test_a_dose_past_the_vaccines_course_is_refused(
    worker_client: HttpClient, worker: User, person: Client, site: Site, mening: TeamVaccine
) -> None:
    form = contact_form(person, site, **{f"health-vaccine-team-{mening.pk}-dose": "3"})
    response = worker_client.post(LOG, form)
    assert response.status_code == 200
    assert not Encounter.objects.exists() and not Vaccination.objects.exists()
    with pytest.raises(Invalid):
        log_contact(
            worker,
            person,
            parts={"vaccinations": (VaccinationAtContact("other", 3, "by_team", mening.pk),)},
        )
    assert not Vaccination.objects.exists()


def test_another_teams_vaccine_is_refused_for_this_teams_person(worker: User, person: Client, other_team: Team) -> None:
    theirs = TeamVaccine.objects.create(team=other_team, name="Shingles", doses=2)
    with pytest.raises(Invalid):
        log_contact(worker, person, parts={"vaccinations": (VaccinationAtContact("other", 1, "by_team", theirs.pk),)})
    with pytest.raises(Invalid):
        record_vaccination(
            actor=worker, client=person, vaccine="other", dose=1, given_on=timezone.localdate(), team_vaccine=theirs
        )
    with pytest.raises(Invalid):  # "other" needs the team's vaccine
        record_vaccination(actor=worker, client=person, vaccine="other", dose=1, given_on=timezone.localdate())
    assert not Vaccination.objects.exists() and not Encounter.objects.exists()


def test_the_database_keeps_other_and_its_vaccine_together(worker: User, person: Client, mening: TeamVaccine) -> None:
    on = timezone.localdate()
    base = {"client": person, "team": person.home_team, "dose": 1, "given_on": on, "created_by": worker}
    for wrong in ({"vaccine": "other"}, {"vaccine": "hep_a", "team_vaccine": mening}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Vaccination.objects.create(**base, **wrong)
    assert not Vaccination.objects.exists()


def test_a_retired_vaccine_keeps_a_dose_queued_before_it_was_retired(
    worker_client: HttpClient, person: Client, site: Site, mening: TeamVaccine
) -> None:
    mening.is_active = False
    mening.save()
    form = contact_form(person, site, **{f"health-vaccine-team-{mening.pk}-dose": "1"})
    assert worker_client.post(LOG, form).status_code == 302
    assert list(Vaccination.objects.values_list("team_vaccine", "dose")) == [(mening.pk, 1)]


def test_the_persons_page_and_health_record_name_the_teams_vaccine(
    worker_client: HttpClient, worker: User, person: Client, mening: TeamVaccine
) -> None:
    today = timezone.localdate()
    record_vaccination(actor=worker, client=person, vaccine="other", dose=2, given_on=today, team_vaccine=mening)
    record_vaccination(actor=worker, client=person, vaccine="tetanus", dose=1, given_on=today)
    for url in (reverse("clients:detail", args=[person.code]), reverse("health:person_health", args=[person.code])):
        page = worker_client.get(url).content.decode()
        assert "Meningitis ACWY</span>:" in page and "dose 2" in page
        assert "Tetanus</span>:" in page


def test_a_vaccine_used_is_never_deleted(worker: User, person: Client, mening: TeamVaccine) -> None:
    record_vaccination(
        actor=worker, client=person, vaccine="other", dose=1, given_on=timezone.localdate(), team_vaccine=mening
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamVaccine.objects.filter(pk=mening.pk).delete()
    assert TeamVaccine.objects.filter(pk=mening.pk).exists()


def test_the_supervisors_list_counts_doses_given(
    supervisor_client: HttpClient, worker: User, mening: TeamVaccine
) -> None:
    for _ in range(2):
        record_vaccination(
            actor=worker,
            client=ClientFactory.create(home_team=mening.team),
            vaccine="other",
            dose=1,
            given_on=timezone.localdate(),
            team_vaccine=mening,
        )
    page = supervisor_client.get(LIST).content.decode()
    assert "2 doses in a full course" in page and "given 2 times" in page
