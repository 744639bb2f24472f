"""The import page: a supervisor uploads a spreadsheet, checks it (each column's field, every
problem in words, the first rows as they will be stored), starts it, and the worker stores
the rows through the one save path of a contact."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Team, User
from accounts.sessions import CONFIRMED
from audit.models import AuditEvent
from encounters.models import Encounter, ServiceProvided, Site
from imports import jobs
from imports.models import ImportJob
from tests.factories import ClientFactory, SiteFactory

pytestmark = pytest.mark.django_db

# A Spanish log: a person's code, a tally of three, text in a number column (row 4).
LOG = "Fecha,Sitio,Código,Personas,Preservativos,Jeringas estériles\n"
LOG += "15/06/2025,Plaza,{code},,5,10\n16/06/2025,Plaza,,3,2,\n17/06/2025,Plaza,,1,diez,1\n"


@pytest.fixture
def plaza(team: Team) -> Site:
    return SiteFactory.create(team=team, name="Plaza")


def upload(http: HttpClient, team: Team, text: str, name: str = "registro.csv") -> ImportJob:
    data = {"team": str(team.pk), "kind": "contacts", "file": SimpleUploadedFile(name, text.encode(), "text/csv")}
    response = http.post(reverse("imports:import_list"), data)
    assert response.status_code == 302
    job = ImportJob.objects.latest("created_at")
    assert response["Location"] == reverse("imports:import_detail", args=[job.pk])
    return job


def test_the_check_lists_every_problem_in_words_and_the_rows_as_they_will_be_stored(
    supervisor_client: HttpClient, team: Team, plaza: Site
) -> None:
    person = ClientFactory.create(home_team=team)
    job = upload(supervisor_client, team, LOG.format(code=person.code))
    assert (job.file_type, job.file_size, job.status) == ("csv", len(LOG.format(code=person.code).encode()), "checking")
    page = supervisor_client.get(reverse("imports:import_detail", args=[job.pk]))
    text = page.content.decode()
    problems = page.context["row_problems"]
    assert [(p.row, p.column, p.what) for p in problems] == [(4, "E (Preservativos)", "This is not a number: diez.")]
    assert "Write how many were given (a whole number), or leave it blank." in text
    preview = page.context["preview"]
    assert [(row.row, row.person, row.people) for row in preview] == [(2, person, 1), (3, None, 3)]
    assert person.code in text and "anonymous, 3 people" in text
    # The columns' fields, suggested from the Spanish headings.
    form = page.context["form"]
    assert [form[f"column_{i}"].initial for i in range(6)] == [
        "date", "site", "person", "people", "service:condoms", "service:sterile-syringes"
    ]  # fmt: skip
    assert not Encounter.objects.exists()


def test_a_column_mapped_by_hand_is_kept_and_remembered_for_the_team_s_next_file(
    supervisor_client: HttpClient, team: Team, plaza: Site
) -> None:
    job = upload(supervisor_client, team, "Jornada,Cosas\n2025-06-15,4\n")
    page = supervisor_client.get(reverse("imports:import_detail", args=[job.pk]))
    assert [p.what for p in page.context["file_problems"]] == [
        "No field or service has this name.",
        "No field or service has this name.",
        "No column holds the contact's date.",
    ]
    chosen = {"column_0": "date", "column_1": "service:condoms"}
    assert supervisor_client.post(reverse("imports:import_detail", args=[job.pk]), chosen).status_code == 302
    job.refresh_from_db()
    assert job.mapping == {"Jornada": "date", "Cosas": "service:condoms"}
    page = supervisor_client.get(reverse("imports:import_detail", args=[job.pk]))
    assert page.context["file_problems"] == [] and len(page.context["preview"]) == 1
    again = upload(supervisor_client, team, "Jornada,Cosas\n2025-06-16,2\n")
    assert again.mapping == {"Jornada": "date", "Cosas": "service:condoms"}


def test_starting_queues_the_job_audited_and_the_worker_stores_the_good_rows_once(
    supervisor_client: HttpClient, supervisor: User, team: Team, plaza: Site
) -> None:
    person = ClientFactory.create(home_team=team)
    job = upload(supervisor_client, team, LOG.format(code=person.code))
    response = supervisor_client.post(reverse("imports:import_start", args=[job.pk]))
    assert response["Location"] == reverse("imports:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.bad_rows) == ("queued", 2, 1)
    started = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT_STARTED)
    assert (started.actor_id, started.object_id, started.details["rows"]) == (supervisor.pk, str(job.pk), 2)
    assert jobs.run(job.pk) == {"created": 2, "already": 0, "bad_rows": 1}
    assert jobs.run(job.pk) == {"skipped": "done"}  # a task delivered twice runs once
    job.refresh_from_db()
    assert (job.status, job.created, job.already, job.rows_done, bytes(job.content)) == ("done", 2, 0, 2, b"")
    stored = Encounter.objects.order_by("happened_at")
    assert [(c.client_id, c.head_count, c.worker_id, c.site_id) for c in stored] == [
        (person.pk, 1, supervisor.pk, plaza.pk),
        (None, 3, supervisor.pk, plaza.pk),
    ]
    assert ServiceProvided.objects.count() == 3
    page = supervisor_client.get(reverse("imports:import_detail", args=[job.pk]))
    assert "2 new contacts stored" in page.content.decode()
    assert "1 row with problems left out" in page.content.decode()


def test_the_progress_part_is_what_htmx_polls_while_the_job_runs(
    supervisor_client: HttpClient, team: Team, plaza: Site
) -> None:
    job = upload(supervisor_client, team, "Date,Condoms\n2025-06-15,5\n")
    ImportJob.objects.filter(pk=job.pk).update(status="running", rows_total=40, rows_done=10)
    part = supervisor_client.get(reverse("imports:import_detail", args=[job.pk]), headers={"HX-Request": "true"})
    text = part.content.decode()
    assert text.lstrip().startswith('<div id="import-status"') and 'hx-trigger="every 2s"' in text
    assert "10 of 40 rows" in text
    assert '<progress class="w-100"' in text and 'max="40"' in text and 'value="10"' in text


def test_an_unanswered_question_refuses_the_start_in_words(
    supervisor_client: HttpClient, team: Team, plaza: Site
) -> None:
    """03/04/2025 and 04/03/2025 both read either way: the user says which order."""
    job = upload(supervisor_client, team, "Date,Condoms\n03/04/2025,5\n04/03/2025,1\n")
    response = supervisor_client.post(reverse("imports:import_start", args=[job.pk]), follow=True)
    assert "Say whether the file&#x27;s dates are day/month/year or month/day/year." in response.content.decode()
    job.refresh_from_db()
    assert job.status == "checking"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT_STARTED).exists()
    supervisor_client.post(
        reverse("imports:import_detail", args=[job.pk]),
        {"column_0": "date", "column_1": "service:condoms", "date_order": "mdy"},
    )
    supervisor_client.post(reverse("imports:import_start", args=[job.pk]))
    jobs.run(job.pk)
    assert sorted(str(c.happened_at.date()) for c in Encounter.objects.all()) == ["2025-03-04", "2025-04-03"]


def test_starting_needs_a_recent_confirmation_of_who_you_are(
    supervisor_client: HttpClient, team: Team, plaza: Site
) -> None:
    job = upload(supervisor_client, team, "Date,Condoms\n2025-06-15,5\n")
    session = supervisor_client.session
    session[CONFIRMED] = 1  # signed in long ago
    session.save()
    response = supervisor_client.post(reverse("imports:import_start", args=[job.pk]))
    assert response["Location"].startswith(reverse("accounts:confirm"))
    job.refresh_from_db()
    assert job.status == "checking"


def test_another_supervisor_s_import_is_not_found(
    supervisor_client: HttpClient, team: Team, other_supervisor: User, plaza: Site
) -> None:
    job = upload(supervisor_client, team, "Date,Condoms\n2025-06-15,5\n")
    supervisor_client.force_login(other_supervisor)
    assert supervisor_client.get(reverse("imports:import_detail", args=[job.pk])).status_code == 404
    assert supervisor_client.post(reverse("imports:import_start", args=[job.pk])).status_code == 404
    assert ImportJob.objects.get().status == "checking"


def test_a_file_that_is_not_a_spreadsheet_is_refused(supervisor_client: HttpClient, team: Team) -> None:
    data = {
        "team": str(team.pk),
        "kind": "contacts",
        "file": SimpleUploadedFile("photo.jpg", b"\xff\xd8", "image/jpeg"),
    }
    response = supervisor_client.post(reverse("imports:import_list"), data)
    assert response.status_code == 200
    assert "Choose a CSV file or an Excel workbook (.xlsx)." in response.content.decode()
    assert not ImportJob.objects.exists()
