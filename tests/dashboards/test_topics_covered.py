"""The team dashboard's safer-use topics covered (health/education_figures.py): contacts and
people per topic over the period, equal to a count written directly in SQL here, and printed
as the dashboard's rule (dashboards/pages.py `show_all`, the team's own figures) makes of it."""

import re
import uuid
from datetime import datetime, time, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from clients.models import Client
from core.dates import add_months
from dashboards.pages import show_all
from encounters.services.contacts import log_encounter
from health.education import Topic
from health.education_figures import team_topics
from health.services.education import TopicAtContact, rename_topic, set_topic_active
from tests.contacts import log_contact
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

# The same question asked another way: per topic, its contacts and people in the period.
DIRECT = """
SELECT t.key, t.name,
       (SELECT count(*) FROM encounters_encounter AS e
         WHERE e.team_id = t.team_id AND e.happened_at >= %(starts)s AND e.happened_at < %(ends)s
           AND EXISTS (SELECT 1 FROM health_topiccovered AS c WHERE c.encounter_id = e.id AND c.topic_id = t.id)),
       (SELECT count(DISTINCT e.client_id) FROM encounters_encounter AS e
         WHERE e.team_id = t.team_id AND e.happened_at >= %(starts)s AND e.happened_at < %(ends)s
           AND EXISTS (SELECT 1 FROM health_topiccovered AS c WHERE c.encounter_id = e.id AND c.topic_id = t.id))
  FROM health_topic AS t WHERE t.team_id = %(team)s
"""


def ticked(team: Team, *keys: str, practised: tuple[str, ...] = ()) -> dict[str, tuple[TopicAtContact, ...]]:
    topics = dict(Topic.objects.filter(team=team).values_list("key", "pk"))
    return {"education": tuple(TopicAtContact(topics[key], key in practised) for key in keys)}


@pytest.fixture
def covered(worker: User, supervisor: User, outsider: User, team: Team, other_team: Team, person: Client) -> None:
    """This month: Robin (`person`) twice (naloxone practised, then naloxone and safer sex),
    Ana once (naloxone), an anonymous group once (naloxone, vein care). Last year: Ana
    (safer sex). Another team: naloxone. Vein care is then retired, and safer sex renamed."""
    now = timezone.now().replace(microsecond=0)
    ana = ClientFactory.create(home_team=team)
    log_contact(worker, person, happened_at=now, parts=ticked(team, "naloxone", practised=("naloxone",)))
    log_contact(worker, person, happened_at=now, parts=ticked(team, "naloxone", "safer_sex"))
    log_contact(worker, ana, happened_at=now, parts=ticked(team, "naloxone"))
    log_contact(worker, ana, happened_at=now - timedelta(days=400), parts=ticked(team, "safer_sex"))
    log_encounter(
        actor=worker,
        encounter_id=uuid.uuid4(),
        team=team,
        client=None,
        head_count=4,
        happened_at=now,
        site=None,
        kind="street",
        services={},
        parts=ticked(team, "naloxone", "vein_care"),
    )
    log_contact(
        outsider, ClientFactory.create(home_team=other_team), happened_at=now, parts=ticked(other_team, "naloxone")
    )
    set_topic_active(actor=supervisor, topic=Topic.objects.get(team=team, key="vein_care"), is_active=False)
    rename_topic(actor=supervisor, topic=Topic.objects.get(team=team, key="safer_sex"), name="Safer sex and PrEP")


def test_the_figure_equals_a_direct_count_and_the_page_prints_it_as_the_rule_makes_it(
    covered: None, supervisor_client: HttpClient, team: Team
) -> None:
    month = timezone.localdate().replace(day=1)
    starts = timezone.make_aware(datetime.combine(month, time.min))
    ends = timezone.make_aware(datetime.combine(add_months(month, 1), time.min))
    figures = {row.label: (row.contacts, row.people, row.practised) for row in team_topics([team.pk], starts, ends)}
    with connection.cursor() as cursor:
        cursor.execute(DIRECT, {"starts": starts, "ends": ends, "team": team.pk})
        direct = {name: (contacts, people) for _key, name, contacts, people in cursor.fetchall()}

    assert figures["Naloxone use"] == (4, 2, 1)  # four contacts (one anonymous), Robin and Ana, practised once
    assert figures["Vein care and wound prevention"] == (1, 0, 0)  # retired since, shown: it was covered
    assert figures["Safer sex and PrEP"] == (1, 1, 0)  # renamed: the team's words; last year's not counted
    assert figures["Safer smoking"] == (0, 0, 0)  # in use, not covered
    # Anonymous contacts have no person: the direct count counts none for them either.
    assert {label: counts[:2] for label, counts in figures.items()} == {
        name: direct[name] for name in direct if name in figures
    }
    assert set(direct) - set(figures) == set()  # every topic in use or covered is on the page

    this_month = f"{month:%Y-%m}"
    response = supervisor_client.get(
        reverse("dashboards:dashboard"), {"period": "custom", "start": this_month, "end": this_month}
    )
    page = unescape(response.content.decode())
    table = page.split('id="topics-caption"', 1)[1].split("</table>", 1)[0]
    for label, (contacts, people, practised) in figures.items():
        row = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", table, re.S)
        assert row is not None, label
        cells = [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
        assert cells == [str(show_all(contacts)), str(show_all(people)), str(show_all(practised))]


def test_another_teams_topics_and_contacts_are_not_on_the_dashboard(
    covered: None, supervisor_client: HttpClient, other_team: Team
) -> None:
    other = Topic.objects.get(team=other_team, key="naloxone")
    month = f"{timezone.localdate():%Y-%m}"
    response = supervisor_client.get(
        reverse("dashboards:dashboard"), {"period": "custom", "start": month, "end": month}
    )
    table = response.content.decode().split('id="topics-caption"', 1)[1].split("</table>", 1)[0]
    assert str(other.pk) not in table
    assert table.count('<th scope="row">Naloxone use</th>') == 1
