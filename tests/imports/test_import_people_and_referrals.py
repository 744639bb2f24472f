"""People and referrals through the same upload, check and background job as contacts.

People: a list with old codes; an old code found among the team's aliases is someone recorded
already (nothing new); a newcomer whose name looks like someone the team has recorded is
listed with who they look like and is recorded only when the user says so, then shown in
Possible duplicates, never merged. Referrals: a contact with a person at which a referral was
made, through the one save path (the contact's referral part)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Alias, Client
from clients.services.duplicates import duplicate_pairs
from clients.services.names import refresh_search_names
from encounters.models import Encounter, Referral
from imports import jobs
from imports.models import ImportJob
from tests.factories import ClientFactory, SiteFactory

pytestmark = pytest.mark.django_db

PEOPLE = (
    "Código,Nombre,Apodos,Año de nacimiento,Género\n"
    "N-101,Rosalind,Ros,1984,mujer\n"  # new
    "N-102,Jhonny,,1985,hombre\n"  # looks like Johnny, recorded already
    "N-103,Tomasz,,nineteen,hombre\n"  # a year that is not one
    "N-104,Mo,,1990,\n"  # recorded already under this old code
)


def upload(http: HttpClient, team: Team, kind: str, text: str) -> ImportJob:
    data = {"team": str(team.pk), "kind": kind, "file": SimpleUploadedFile("list.csv", text.encode(), "text/csv")}
    assert http.post(reverse("imports:import_list"), data).status_code == 302
    return ImportJob.objects.select_related("team").latest("created_at")


@pytest.fixture
def johnny(team: Team) -> Client:
    person = ClientFactory.create(home_team=team, preferred_name="Johnny", year_of_birth=1985, gender="man")
    refresh_search_names(person)
    return person


@pytest.fixture
def mo(team: Team) -> Client:
    person = ClientFactory.create(home_team=team, preferred_name="Mo", year_of_birth=1990)
    Alias.objects.create(client=person, name="N-104")
    return person


def test_the_check_lists_newcomers_who_look_like_someone_and_those_recorded_already(
    supervisor_client: HttpClient, team: Team, johnny: Client, mo: Client
) -> None:
    job = upload(supervisor_client, team, "people", PEOPLE)
    page = supervisor_client.get(reverse("imports:import_detail", args=[job.pk]))
    text = page.content.decode()
    assert [(p.row, p.column, p.what) for p in page.context["row_problems"]] == [
        (4, "D (Año de nacimiento)", "This is not a year of birth: nineteen.")
    ]
    lookalikes = page.context["lookalikes"]
    assert [(person.row, person.lookalikes[0][0]) for person in lookalikes] == [(3, johnny)]
    assert johnny.code in text and "People who look like someone recorded already" in text
    assert (page.context["new_people"], page.context["recorded_already"]) == (2, 1)
    assert [person.existing for person in page.context["preview"]] == [None, None, mo]
    form = page.context["form"]
    assert [form[f"column_{i}"].initial for i in range(5)] == ["old_code", "name", "aliases", "year_of_birth", "gender"]
    assert Client.objects.count() == 2


def test_newcomers_who_look_like_someone_wait_for_the_user_s_word_then_go_to_possible_duplicates(
    supervisor_client: HttpClient, supervisor: User, team: Team, johnny: Client, mo: Client
) -> None:
    job = upload(supervisor_client, team, "people", PEOPLE)
    refused = supervisor_client.post(reverse("imports:import_start", args=[job.pk]), follow=True)
    assert "Some people look like someone recorded already" in refused.content.decode()
    columns = {
        f"column_{i}": field for i, field in enumerate(["old_code", "name", "aliases", "year_of_birth", "gender"])
    }
    supervisor_client.post(reverse("imports:import_detail", args=[job.pk]), {**columns, "repeats": "keep"})
    supervisor_client.post(reverse("imports:import_start", args=[job.pk]))
    assert jobs.run(job.pk) == {"created": 2, "already": 1, "bad_rows": 1}
    job.refresh_from_db()
    assert (job.created, job.already, job.to_review, job.skipped_repeats) == (2, 1, 1, 0)
    rosalind = Client.objects.get(preferred_name="Rosalind")
    assert (rosalind.year_of_birth, rosalind.gender, rosalind.home_team_id) == (1984, "woman", team.pk)
    assert sorted(rosalind.aliases.values_list("name", flat=True)) == ["N-101", "Ros"]
    assert rosalind.code != "N-101"  # Alongside makes its own codes
    jhonny = Client.objects.get(preferred_name="Jhonny")
    assert Client.objects.filter(preferred_name="Johnny").get() == johnny  # never merged
    pairs = duplicate_pairs(supervisor)
    assert {frozenset((pair.first.pk, pair.second.pk)) for pair in pairs} == {frozenset((johnny.pk, jhonny.pk))}
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_CREATED, actor_id=supervisor.pk)
    assert set(created.values_list("client_id", flat=True)) == {rosalind.pk, jhonny.pk}
    page = supervisor_client.get(reverse("imports:import_detail", args=[job.pk])).content.decode()
    assert "2 people recorded" in page and "1 was recorded already" in page
    assert "Compare them in Possible duplicates" in page
    # The same list again: everyone is recorded already.
    again = upload(supervisor_client, team, "people", PEOPLE)
    supervisor_client.post(reverse("imports:import_detail", args=[again.pk]), {**columns, "repeats": "keep"})
    assert supervisor_client.get(reverse("imports:import_detail", args=[again.pk])).context["new_people"] == 0


def test_leaving_out_newcomers_who_look_like_someone(
    supervisor_client: HttpClient, team: Team, johnny: Client, mo: Client
) -> None:
    job = upload(supervisor_client, team, "people", PEOPLE)
    columns = {
        f"column_{i}": field for i, field in enumerate(["old_code", "name", "aliases", "year_of_birth", "gender"])
    }
    supervisor_client.post(reverse("imports:import_detail", args=[job.pk]), {**columns, "repeats": "skip"})
    supervisor_client.post(reverse("imports:import_start", args=[job.pk]))
    jobs.run(job.pk)
    job.refresh_from_db()
    assert (job.created, job.skipped_repeats, job.to_review) == (1, 1, 0)
    assert not Client.objects.filter(preferred_name="Jhonny").exists()


def test_referrals_come_in_as_contacts_with_their_referral_once(
    supervisor_client: HttpClient, supervisor: User, team: Team, mo: Client
) -> None:
    SiteFactory.create(team=team, name="Plaza")
    text = (
        "Fecha,Código,Derivado a,Estado de la derivación,Fecha de seguimiento\n"
        "13/06/2025,N-104,Vivienda,asistió,\n"
        "14/06/2025,N-104,salud mental,,20/06/2025\n"
        "15/06/2025,,Vivienda,,\n"  # a referral needs a person
        "16/06/2025,N-104,astrología,,\n"  # not a service people are referred to
    )
    job = upload(supervisor_client, team, "referrals", text)
    page = supervisor_client.get(reverse("imports:import_detail", args=[job.pk]))
    assert [(p.row, p.what) for p in page.context["row_problems"]] == [
        (4, "A referral needs the person's code."),
        (5, "Unknown referral: astrología."),
    ]
    assert "referred: Housing" in page.content.decode()
    supervisor_client.post(reverse("imports:import_start", args=[job.pk]))
    assert jobs.run(job.pk) == {"created": 2, "already": 0, "bad_rows": 2}
    referrals = Referral.objects.order_by("created_at", "to")
    assert sorted((r.to, r.status, str(r.follow_up_on)) for r in referrals) == [
        ("housing", "attended", "None"),
        ("mental_health", "made", "2025-06-20"),
    ]
    assert all(r.client_id == mo.pk and r.encounter is not None for r in referrals.select_related("encounter"))
    assert Encounter.objects.filter(client=mo, worker=supervisor).count() == 2
    again = upload(supervisor_client, team, "referrals", text)
    supervisor_client.post(reverse("imports:import_start", args=[again.pk]))
    assert jobs.run(again.pk) == {"created": 0, "already": 2, "bad_rows": 2}
    assert Referral.objects.count() == 2
