import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from demo.export_cohort import regulars
from encounters.models import OverdoseResponse, Referral, ReferralUpdate

pytestmark = pytest.mark.django_db


@override_settings(ALLOW_DEMO_DATA=True)
def test_demo_teams_have_referrals_in_every_state_and_a_few_overdose_responses() -> None:
    call_command("load_demo", stdout=None)
    today = timezone.localdate()
    # The hub's regulars (demo/export_cohort.py: a referral and a response each, for exports) aside.
    referrals = Referral.objects.exclude(client__in=regulars())
    north = referrals.filter(team__name="North team")
    assert set(north.values_list("status", flat=True)) == {s.value for s in Referral.Status}
    open_dates = [referral.follow_up_on for referral in north.open()]
    assert None in open_dates  # one with no date
    dated = [day for day in open_dates if day is not None]
    assert min(dated) < today and today in dated and max(dated) > today
    assert north.filter(encounter__isnull=False).exists()
    assert ReferralUpdate.objects.count() > referrals.count()  # some were updated since
    assert all(r.client.home_team_id == r.team_id for r in Referral.objects.select_related("client"))
    responses = OverdoseResponse.objects.exclude(client__in=regulars()).filter(team__name="River team")
    assert responses.count() == 3
    assert responses.filter(client__isnull=True).count() == 1
    assert responses.filter(emergency_services="not_called_wishes", encounter__isnull=False).count() == 1

    call_command("load_demo", stdout=None)
    assert Referral.objects.exclude(client__in=regulars()).count() == 16
    assert OverdoseResponse.objects.exclude(client__in=regulars()).count() == 6
