"""The demo shows context people chose to share: every kind, some in their own words (a few
in Spanish), one situation that changed, noted by the worker of one of their contacts; loading
the demo again adds nothing."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from clients.models import ContextItem
from encounters.models import Encounter

pytestmark = pytest.mark.django_db


def test_the_demo_has_context_people_chose_to_share() -> None:
    with override_settings(ALLOW_DEMO_DATA=True):
        call_command("load_demo", stdout=None)
    items = list(ContextItem.objects.select_related("client"))
    assert {item.kind for item in items} == set(ContextItem.Kind.values)
    assert any(item.words for item in items) and any(not item.words for item in items)
    assert any("ayuda" in item.words for item in items)  # said in Spanish, kept as said
    assert len({item.client.home_team_id for item in items}) == 2
    pairs = [(item.client_id, item.kind) for item in items]
    assert len(set(pairs)) < len(pairs)  # a situation that changed: an older and a newer item
    for item in items[:20]:  # noted at one of their contacts, by the worker who logged it
        assert Encounter.objects.filter(client=item.client_id, worker=item.created_by_id).exists()
    with override_settings(ALLOW_DEMO_DATA=True):
        call_command("load_demo", stdout=None)
    assert ContextItem.objects.count() == len(items)
