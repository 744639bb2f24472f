"""The HIV cascade of the demo data in the organisation view equals a count written directly
in SQL here (before protection), and what the view prints is that count protected."""

import html
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from dashboards.hierarchy import QUARTER, build
from dashboards.organisation import Shown
from health.models import HealthTest, Prevention, Vaccination

pytestmark = pytest.mark.django_db

# The HIV cascade by hand: tests done in the quarter, reactive ones, and reactive ones that
# reached at least confirmed / linked / treatment since.
CASCADE_SQL = """
SELECT count(*),
       count(*) FILTER (WHERE t.result = 'reactive'),
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM health_linkagestep s WHERE s.test_id = t.id
                                        AND s.step IN ('confirmed', 'linked', 'treatment', 'cured'))),
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM health_linkagestep s WHERE s.test_id = t.id
                                        AND s.step IN ('linked', 'treatment', 'cured'))),
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM health_linkagestep s WHERE s.test_id = t.id
                                        AND s.step IN ('treatment', 'cured')))
  FROM health_healthtest t
 WHERE t.kind = 'hiv' AND t.tested_on >= %s AND t.tested_on < %s
"""
STAGES = ["tested", "reactive", "confirmed", "linked", "treatment"]


@pytest.fixture
def demo() -> None:
    with override_settings(ALLOW_DEMO_DATA=True):
        call_command("load_demo", stdout=None)


def by_hand(first: date, after: date) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(CASCADE_SQL, [first, after])
        row = cursor.fetchone()
    return dict(zip(STAGES, row, strict=True))


def latest_complete_quarter(today: date) -> tuple[date, date]:
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    first = date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)
    return first, start


def test_the_demo_hiv_cascade_in_the_organisation_view_equals_sql(demo: None, client: HttpClient) -> None:
    assert HealthTest.objects.filter(kind="hiv", result="reactive").exists()  # the demo has a cascade to show
    # and PrEP (one stopped), and vaccine courses of more than one dose (demo/prevention.py)
    assert Prevention.objects.filter(kind="prep", status="stopped").exists()
    assert Vaccination.objects.filter(vaccine="hep_b", dose=2).exists()
    first, after = latest_complete_quarter(timezone.localdate())
    expected = by_hand(first, after)
    assert expected["tested"] > 0

    teams = list(Team.objects.values_list("pk", flat=True))
    year = build(first.year, teams=teams, before=timezone.localdate().replace(day=1))
    found = {
        stage: year.truth[f"cascade:hiv:{stage}"][(None, (QUARTER, first))]
        for stage in STAGES
        if f"cascade:hiv:{stage}" in year.truth
    }
    assert {stage: found.get(stage, 0) for stage in STAGES} == expected

    client.force_login(User.objects.get(username="data-admin"))
    page = client.get(reverse("dashboards:organisation"), {"period": f"{first.year}-Q{(first.month - 1) // 3 + 1}"})
    assert page.status_code == 200
    row = re.search(r'<th scope="row">HIV</th>(.*?)</tr>', page.content.decode(), re.S)
    assert row is not None
    cells = [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]
    # What the view prints is each count protected (rounded, or "fewer than 11").
    shown = [Shown(year.get(f"cascade:hiv:{stage}", None, (QUARTER, first))).text for stage in STAGES]
    assert cells[: len(STAGES)] == [text + (" rounded" if text[0].isdigit() and text != "0" else "") for text in shown]
