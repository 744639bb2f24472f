"""Factories for referrals and overdose responses (beside their tests: tests/factories.py is shared)."""

from datetime import timedelta

import factory
from django.utils import timezone

from encounters.models import OverdoseResponse, Referral, ReferralUpdate
from tests.factories import ClientFactory, UserFactory


class ReferralFactory(factory.django.DjangoModelFactory[Referral]):
    """An open referral, made, due for follow-up in three days, with its first history row."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    team = factory.LazyAttribute(lambda o: o.client.home_team)
    to = Referral.To.HOUSING
    partner = "Open Door Housing"
    status = Referral.Status.MADE
    follow_up_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def history(obj: Referral, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            ReferralUpdate.objects.create(
                referral=obj,
                status=obj.status,
                follow_up_on=obj.follow_up_on,
                encounter_id=obj.encounter_id,
                by=obj.created_by,
                at=obj.created_at,
            )


class OverdoseResponseFactory(factory.django.DjangoModelFactory[OverdoseResponse]):
    class Meta:
        model = OverdoseResponse

    client = factory.SubFactory(ClientFactory)
    team = factory.LazyAttribute(lambda o: o.client.home_team if o.client else None)
    happened_at = factory.LazyFunction(timezone.now)
    naloxone_doses = 2
    emergency_services = OverdoseResponse.EmergencyServices.CALLED
    outcome = OverdoseResponse.Outcome.RESPONSIVE
    debrief = "Breathing slowed; two doses given; responsive after five minutes."
    created_by = factory.SubFactory(UserFactory)
