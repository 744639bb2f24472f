"""Treatment linkage: a referral to care (opioid agonist treatment and other care) follows its
steps, referred, assessed, started, continuing, with the history kept; never a measure of
drug use."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid
from encounters.models import Referral, ReferralUpdate
from encounters.services.referrals import make_referral, update_referral

pytestmark = pytest.mark.django_db


def test_a_referral_to_treatment_starts_at_referred(worker: User, person: Client) -> None:
    treatment = make_referral(actor=worker, client=person, team=person.home_team, to="treatment")
    housing = make_referral(actor=worker, client=person, team=person.home_team, to="housing")
    assert (treatment.care_step, housing.care_step) == ("referred", "")


def test_the_steps_are_followed_on_the_referrals_page(worker_client: HttpClient, worker: User, person: Client) -> None:
    referral = make_referral(actor=worker, client=person, team=person.home_team, to="treatment", status="made")
    url = reverse("encounters:referral_update", args=[referral.pk])
    for step in ("assessed", "started"):
        response = worker_client.post(url, {"status": "attended", "care_step": step})
        assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.care_step) == ("attended", "started")
    steps = list(
        ReferralUpdate.objects.filter(referral=referral).order_by("at", "id").values_list("care_step", flat=True)
    )
    assert steps == ["referred", "assessed", "started"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.REFERRAL_UPDATED).latest("pk")
    assert event.details == {"status": "attended", "care_step": "started"}
    page = worker_client.get(reverse("encounters:referral_detail", args=[referral.pk])).content.decode()
    assert "Step in care" in page and "Started" in page and "Assessed" in page


def test_a_referral_not_to_care_has_no_steps(worker_client: HttpClient, worker: User, person: Client) -> None:
    referral = make_referral(actor=worker, client=person, team=person.home_team, to="housing", status="made")
    page = worker_client.get(reverse("encounters:referral_detail", args=[referral.pk])).content.decode()
    assert 'name="care_step"' not in page
    with pytest.raises(Invalid):
        update_referral(actor=worker, referral=referral, status="made", follow_up_on=None, care_step="started")
    referral.refresh_from_db()
    assert referral.care_step == ""


def test_the_steps_are_about_care_never_drug_use() -> None:
    words = " ".join(str(label).lower() for _value, label in Referral.CareStep.choices)
    for word in ("clean", "abstinent", "relapse", "use", "sober"):
        assert word not in words.split()
