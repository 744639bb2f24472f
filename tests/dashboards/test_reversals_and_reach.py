"""Reversals (by staff and as participants reported them) and the estimated reach of supplies
for others: each figure checked against a direct SQL count, and the organisation view's
released figure equal to what the protection layer makes of the true one."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from dashboards.hierarchy import MONTH, build
from encounters.models import OverdoseResponse, ReportedReversal
from encounters.services.contacts import log_encounter
from encounters.services.supplies import SuppliesForOthers
from privacy.cellkey import combine
from privacy.figures import protect_count, protect_quantity

pytestmark = pytest.mark.django_db

FEBRUARY = date(2026, 2, 1)
AT = datetime(2026, 2, 10, 12, tzinfo=UTC)


@pytest.fixture
def february(team: Team, worker: User) -> None:
    """In North's February: 14 reversals reported (11 survived), 13 staff responses (12
    survived), and 12 anonymous contacts with supplies for others (2 to 6 people each)."""
    for n in range(14):
        ReportedReversal.objects.create(
            team=team, month=FEBRUARY, outcome="survived" if n < 11 else "died", emergency_services="not_called"
        )
    for n in range(13):
        OverdoseResponse.objects.create(
            team=team,
            happened_at=AT,
            naloxone_doses=1,
            emergency_services="called",
            outcome="other" if n == 0 else "responsive",
            created_by=worker,
        )
    for n in range(12):
        log_encounter(
            actor=worker,
            encounter_id=uuid.uuid4(),
            team=team,
            client=None,
            head_count=1,
            happened_at=AT,
            site=None,
            kind="street",
            services={},
            parts={"for_others": SuppliesForOthers(items=(("naloxone-kit", 2),), people=2 + n % 5)},
        )


def record_key_sql(column: str) -> str:
    """The cell-key method's record key (privacy/cellkey.py), written out: an independent check."""
    return f"(('x' || substr(md5(({column})::text), 1, 8))::bit(32)::bigint / 4294967296.0)::float8"


def one(sql: str, params: list[Any]) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def sql_reported(team: Team) -> tuple[int, float]:
    n, keys = one(
        f"SELECT count(*), coalesce(sum({record_key_sql('id')}), 0) FROM encounters_reportedreversal"  # noqa: S608
        " WHERE team_id = %s AND month = %s AND outcome = 'survived'",
        [team.pk, FEBRUARY],
    )
    return int(n), float(keys)


def sql_staff(team: Team) -> tuple[int, float]:
    n, keys = one(
        f"SELECT count(*), coalesce(sum({record_key_sql('id')}), 0) FROM encounters_overdoseresponse"  # noqa: S608
        " WHERE team_id = %s AND outcome IN ('responsive', 'transported', 'declined_transport')"
        " AND happened_at >= %s AND happened_at < %s",
        [team.pk, datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)],
    )
    return int(n), float(keys)


def sql_reach(team: Team) -> tuple[int, int, list[int], float]:
    """Total people, contributors (each anonymous contact one), the two largest, their keys."""
    total, contributors, largest, keys = one(
        f"""SELECT sum(q), count(*), (array_agg(q ORDER BY q DESC))[1:2], sum({record_key_sql("who")})
              FROM (SELECT coalesce(e.client_id, e.id) AS who, sum(f.people)::bigint AS q
                      FROM encounters_forothers f JOIN encounters_encounter e ON e.id = f.encounter_id
                     WHERE f.team_id = %s AND f.happened_at >= %s AND f.happened_at < %s GROUP BY 1) AS g""",  # noqa: S608
        [team.pk, datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)],
    )
    return int(total), int(contributors), list(largest), float(keys)


@pytest.mark.usefixtures("february")
def test_the_supervisors_dashboard_counts_what_sql_counts(supervisor_client: HttpClient, team: Team) -> None:
    response = supervisor_client.get(
        reverse("dashboards:dashboard"), {"period": "custom", "start": "2026-01", "end": "2026-03"}
    )
    assert response.status_code == 200
    figures = response.context["figures"]
    peers = {month.month: month for month in figures.peers}
    staff = {month.month: month for month in figures.overdoses}
    assert peers[FEBRUARY].reversed_reported == sql_reported(team)[0] == 11
    assert peers[FEBRUARY].reversals_reported == 14
    assert staff[FEBRUARY].reversed_by_staff == sql_staff(team)[0] == 12
    assert peers[FEBRUARY].estimated_reach == sql_reach(team)[0] == sum(2 + n % 5 for n in range(12))
    assert peers[FEBRUARY].for_others_contacts == 12
    assert peers[date(2026, 1, 1)].reversed_reported == 0
    page = response.content.decode()
    assert "Reversals and reach" in page


@pytest.mark.usefixtures("february")
def test_the_organisation_view_releases_what_the_protection_layer_makes_of_them(team: Team) -> None:
    year = build(2026, teams=[team.pk], before=date(2026, 12, 1))
    cell = (team.pk, (MONTH, FEBRUARY))
    for measure, (true, keys) in (("reversed_reported", sql_reported(team)), ("reversed_by_staff", sql_staff(team))):
        assert year.truth[measure][cell] == true
        assert year.figures[measure][cell] == protect_count(true, combine([keys]))
    total, contributors, largest, keys = sql_reach(team)
    assert year.truth["estimated_reach"][cell] == total
    released = year.figures["estimated_reach"][cell]
    assert released == protect_quantity(total, people=contributors, largest=largest, cell_key=combine([keys]))
    assert released.value is not None  # 12 contributors, none dominating: shown, rounded


@pytest.mark.usefixtures("february")
def test_the_organisation_view_prints_them(client: HttpClient, data_admin: User) -> None:
    client.force_login(data_admin)
    response = client.get(reverse("dashboards:organisation"), {"period": "2026-02"})
    assert response.status_code == 200
    tables = response.context["tables"]
    this_month = timezone.localdate().replace(day=1)
    year = build(2026, teams=list(Team.objects.values_list("pk", flat=True)), before=this_month)
    shown = tables["reach"].rows[0].cells[0]
    assert shown.figure == year.get("estimated_reach", None, (MONTH, FEBRUARY))
    assert shown.text not in {"", "–"}
    overdoses = tables["overdoses"].rows[0].cells
    assert [cell.figure for cell in overdoses[1:]] == [
        year.get("reversed_by_staff", None, (MONTH, FEBRUARY)),
        year.get("reversed_reported", None, (MONTH, FEBRUARY)),
    ]
    headers = tables["teams"].headers
    assert "Reversed, reported by participants" in headers and "Estimated reach" in headers
