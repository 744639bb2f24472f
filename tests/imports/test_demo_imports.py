import pytest
from django.core.management import call_command
from django.test import override_settings

from encounters.models import Encounter
from imports.models import ImportJob
from imports.services import plan_import

pytestmark = pytest.mark.django_db


@override_settings(ALLOW_DEMO_DATA=True)
def test_the_demo_supervisor_has_an_import_done_and_one_waiting_with_a_problem() -> None:
    call_command("load_demo", stdout=None)
    done, waiting = (
        ImportJob.objects.select_related("team").filter(created_by__username="supervisor").order_by("-status")
    )
    assert (done.status, done.created, done.bad_rows, bytes(done.content)) == ("done", 6, 0, b"")
    assert Encounter.objects.filter(team_id=done.team_id, site__name="Van stop, Park Lane", head_count=4).exists()
    assert waiting.status == "checking"
    plan = plan_import(waiting)
    assert [(p.row, p.what) for p in plan.problems] == [(3, "This is not a number: cinco.")]
    call_command("load_demo", stdout=None)
    assert ImportJob.objects.count() == 2
