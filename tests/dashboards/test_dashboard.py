"""The supervisors' dashboard: their teams only, the filters, what the page says and draws."""

from datetime import date

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from core.dates import add_months
from dashboards.forms import worker_token
from tests.factories import MembershipFactory

from .conftest import Programme

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:dashboard")
JANUARY_TO_MARCH = {"period": "custom", "start": "2026-01", "end": "2026-03"}


def syringes(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [month.syringes for month in response.context["figures"].contacts]


def test_a_supervisor_sees_their_teams_figures_and_no_other_teams(
    programme: Programme, supervisor_client: HttpClient, team: Team
) -> None:
    response = supervisor_client.get(URL, JANUARY_TO_MARCH)
    assert response.status_code == 200
    assert response.context["figures"].scope.team_ids == (team.pk,)
    assert syringes(response) == [35, 0, 0]  # River's 50 are not here
    page = response.content.decode()
    assert "North" in page and "River" not in page
    # No one served is named or coded on the dashboard, of any team.
    for someone in (programme.robin, programme.ana, programme.cai):
        assert someone.code not in page and f">{someone.preferred_name}<" not in page


def test_another_supervisor_sees_theirs(programme: Programme, client: HttpClient, other_supervisor: User) -> None:
    client.force_login(other_supervisor)
    assert syringes(client.get(URL, JANUARY_TO_MARCH)) == [50, 0, 0]


def test_a_supervisor_cannot_choose_a_team_they_do_not_supervise(
    programme: Programme, supervisor_client: HttpClient, team: Team, other_team: Team
) -> None:
    response = supervisor_client.get(URL, {**JANUARY_TO_MARCH, "team": str(other_team.pk)})
    assert response.context["form"].errors["team"]
    assert response.context["figures"].scope.team_ids == (team.pk,)
    assert "Showing the last 12 months of all your teams, for everyone, instead." in response.content.decode()


def test_a_supervisor_of_two_teams_sees_both_or_chooses_one(
    programme: Programme, supervisor_client: HttpClient, supervisor: User, team: Team, other_team: Team
) -> None:
    MembershipFactory.create(user=supervisor, team=other_team, role=Membership.Role.SUPERVISOR)
    assert syringes(supervisor_client.get(URL, JANUARY_TO_MARCH)) == [85, 0, 0]
    assert syringes(supervisor_client.get(URL, {**JANUARY_TO_MARCH, "team": str(other_team.pk)})) == [50, 0, 0]


def test_the_worker_filter_names_no_one_in_the_url(
    programme: Programme, supervisor_client: HttpClient, worker: User
) -> None:
    page = supervisor_client.get(URL).content.decode()
    token = worker_token(worker.pk)
    assert f'value="{token}"' in page and f'value="{worker.pk}"' not in page
    response = supervisor_client.get(URL, {**JANUARY_TO_MARCH, "worker": token})
    assert response.context["figures"].scope.worker_id == worker.pk
    assert syringes(response) == [30, 0, 0]
    assert [load.worker_id for load in response.context["figures"].caseload] == [worker.pk]


def test_an_unknown_worker_is_refused_and_everyone_shown(programme: Programme, supervisor_client: HttpClient) -> None:
    response = supervisor_client.get(URL, {**JANUARY_TO_MARCH, "worker": "0123456789abcdef"})
    assert response.context["form"].errors["worker"]
    assert response.context["figures"].scope.worker_id is None


@pytest.mark.parametrize(("period", "months"), [("3", 3), ("6", 6), ("12", 12), ("", 12)])
def test_the_last_months_end_with_this_month(supervisor_client: HttpClient, period: str, months: int) -> None:
    this_month = timezone.localdate().replace(day=1)
    figures = supervisor_client.get(URL, {"period": period} if period else {}).context["figures"]
    assert figures.months == [add_months(this_month, offset) for offset in range(1 - months, 1)]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-03", "2026-01", "The first month must come before the last one."),
        ("2020-01", "2023-01", "Choose at most 36 months."),
        ("", "2026-01", "Choose both months, or one of the periods above."),
        ("2026-13", "2026-01", "Enter a month as year and month, for example 2026-03."),
    ],
)
def test_a_wrong_period_says_why_and_shows_the_last_12_months(
    supervisor_client: HttpClient, start: str, end: str, message: str
) -> None:
    response = supervisor_client.get(URL, {"period": "custom", "start": start, "end": end})
    page = response.content.decode()
    assert message in page and "Showing the last 12 months of all your teams, for everyone, instead." in page
    assert len(response.context["figures"].months) == 12
    assert f'value="{start}"' in page or not start  # what was typed stays in the form


def test_a_month_after_this_one_is_refused(supervisor_client: HttpClient) -> None:
    next_month = add_months(timezone.localdate().replace(day=1), 1)
    response = supervisor_client.get(URL, {"period": "custom", "start": "2026-01", "end": f"{next_month:%Y-%m}"})
    assert "The last month cannot be after this month." in response.content.decode()


def test_every_chart_has_a_title_a_description_and_a_table(programme: Programme, supervisor_client: HttpClient) -> None:
    page = supervisor_client.get(URL, JANUARY_TO_MARCH).content.decode()
    for key in ("wellbeing", "change", "ratings", "goals", "contacts", "services"):
        assert f'aria-labelledby="{key}-title {key}-desc"' in page
        assert f'<title id="{key}-title">' in page and f'<desc id="{key}-desc">' in page
    for key in ("wellbeing", "change", "ratings", "goals", "contacts", "categories", "services", "overdoses"):
        assert f'<caption id="{key}-caption">' in page
    assert "the median went from 40.0 to 60.0" in page  # the WHO-5 chart's description
    assert "<script" not in page.split("</head>")[1]  # no chart JavaScript (nor any inline script)


def test_the_right_now_counts_link_to_their_lists(programme: Programme, supervisor_client: HttpClient) -> None:
    page = supervisor_client.get(URL).content.decode()
    for name in ("encounters:not_seen", "clients:consents_expiring", "encounters:followups_team"):
        assert f'href="{reverse(name)}"' in page
    items = supervisor_client.get(URL).context["now_items"]
    assert [str(item.cell) for item in items] == ["2", "1", "1"]


def test_no_drug_use_figure_and_no_judging_words(programme: Programme, supervisor_client: HttpClient) -> None:
    page = supervisor_client.get(URL, JANUARY_TO_MARCH).content.decode().lower()
    for word in ("drug use", "substance", "abstinen", "relapse", "clean", "dirty", "addict", "non-compliant"):
        assert word not in page


def test_the_page_says_when_figures_were_refreshed(programme: Programme, supervisor_client: HttpClient) -> None:
    assert "Figures as of" in supervisor_client.get(URL).content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_any_method_but_get_is_405(supervisor_client: HttpClient, method: str) -> None:
    assert getattr(supervisor_client, method)(URL).status_code == 405


def test_a_january_contact_is_in_january_whatever_month_it_is_now(
    programme: Programme, supervisor_client: HttpClient
) -> None:
    figures = supervisor_client.get(URL, {"period": "custom", "start": "2026-01", "end": "2026-01"}).context["figures"]
    assert figures.months == [date(2026, 1, 1)]
    assert (figures.contacts[0].contacts, figures.wellbeing[0].people) == (4, 3)
