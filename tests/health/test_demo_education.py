"""The demo's safer-use education (demo/education.py): topics covered at contacts, a topic
renamed in the team's words and one of its own, shown on the team dashboard; and in the
organisation view, the contacts per built-in topic equal a count written directly in SQL here
(before protection), and what the view prints is that count protected."""

import html
import re
from datetime import date, datetime, time

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
from health.education import DEFAULT_TOPICS, Topic, TopicCovered

pytestmark = pytest.mark.django_db

# Contacts in the quarter that covered each built-in topic, every team together, by hand.
BY_HAND = """
SELECT t.key, count(DISTINCT e.id)
  FROM encounters_encounter AS e
  JOIN health_topiccovered AS c ON c.encounter_id = e.id
  JOIN health_topic AS t ON t.id = c.topic_id
 WHERE t.key <> '' AND e.happened_at >= %s AND e.happened_at < %s
 GROUP BY t.key
"""


def latest_complete_quarter(today: date) -> tuple[date, date]:
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    first = date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)
    return first, start


def cells_of(page: str, label: str) -> list[str]:
    table = page.split('id="topics-caption"', 1)[1].split("</table>", 1)[0]
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', table, re.S)
    assert row is not None, label
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


def test_the_demo_topics_on_the_dashboard_and_in_the_organisation_view(client: HttpClient) -> None:
    with override_settings(ALLOW_DEMO_DATA=True):
        call_command("load_demo", stdout=None)
        covered = TopicCovered.objects.count()
        call_command("load_demo", stdout=None)  # again: nothing added twice
    assert covered > 50 and TopicCovered.objects.count() == covered
    assert TopicCovered.objects.filter(practised=True, encounter__client__isnull=True).exists()
    assert Topic.objects.filter(name="Sex, consent and PrEP", key="safer_sex").exists()
    assert Topic.objects.filter(name="Staying cool and drinking water", key="").exists()
    client.force_login(User.objects.get(username="supervisor"))
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "Safer-use topics covered" in page and "Sex, consent and PrEP" in page

    first, after = latest_complete_quarter(timezone.localdate())
    starts = timezone.make_aware(datetime.combine(first, time.min))
    ends = timezone.make_aware(datetime.combine(after, time.min))
    with connection.cursor() as cursor:
        cursor.execute(BY_HAND, [starts, ends])
        expected = dict(cursor.fetchall())
    assert expected.get("naloxone", 0) > 0
    teams = list(Team.objects.values_list("pk", flat=True))
    year = build(first.year, teams=teams, before=timezone.localdate().replace(day=1))
    found = {key: year.truth.get(f"topics:{key}", {}).get((None, (QUARTER, first)), 0) for key, _name in DEFAULT_TOPICS}
    assert found == {key: expected.get(key, 0) for key, _name in DEFAULT_TOPICS}

    client.force_login(User.objects.get(username="data-admin"))
    quarter = f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    page = client.get(reverse("dashboards:organisation"), {"period": quarter}).content.decode()
    for key, name in DEFAULT_TOPICS:
        text = Shown(year.get(f"topics:{key}", None, (QUARTER, first))).text
        printed = text + (" rounded" if text[0].isdigit() and text != "0" else "")
        assert cells_of(page, name) == [printed], name
    # A team's own topic is its words: never added up across teams.
    assert "Staying cool and drinking water" not in page
