from collections import Counter

import pytest
from django.core.management import call_command
from django.test import override_settings

from outcomes.change import Category, changes_by_instrument
from outcomes.models import Answer, CheckIn

pytestmark = pytest.mark.django_db


@override_settings(ALLOW_DEMO_DATA=True)
def test_demo_people_have_months_of_check_ins() -> None:
    call_command("load_demo", stdout=None)
    check_ins = list(CheckIn.objects.select_related("instrument", "client").order_by("client", "taken_at"))
    people = {check_in.client_id for check_in in check_ins}
    assert len(people) >= 30  # about two in three of 30 people per team, two teams
    assert {check_in.instrument.slug for check_in in check_ins} == {"who5", "self_ratings", "housing"}
    assert all(check_in.client.home_team_id == check_in.team_id for check_in in check_ins)
    months = {check_in.taken_at.strftime("%Y-%m") for check_in in check_ins}
    assert len(months) >= 10
    # Declined answers are stored as such, and a WHO-5 with one has no total.
    declined = Answer.objects.filter(is_declined=True).select_related("check_in__instrument")
    assert declined.exists()
    assert all(answer.check_in.total is None for answer in declined if answer.check_in.instrument.slug == "who5")
    # Some people get reliably better, some do not, a few get worse.
    by_person: dict[object, list[CheckIn]] = {}
    for check_in in check_ins:
        by_person.setdefault(check_in.client_id, []).append(check_in)
    categories = Counter(
        change.category
        for person_check_ins in by_person.values()
        for slug, change in changes_by_instrument(person_check_ins).items()
        if slug == "who5" and change.category is not None
    )
    assert categories[Category.IMPROVED] > 0 and categories[Category.NO_CHANGE] > 0 and categories[Category.WORSE] > 0

    count = CheckIn.objects.count()
    call_command("load_demo", stdout=None)
    assert CheckIn.objects.count() == count
