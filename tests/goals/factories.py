"""Factories for goals (kept beside the goals tests: tests/factories.py is shared)."""

import factory
from django.utils import timezone

from goals.models import Goal, Review, Step
from tests.factories import ClientFactory


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    client = factory.SubFactory(ClientFactory)
    team = factory.LazyAttribute(lambda o: o.client.home_team)
    words = factory.Sequence(lambda n: f"Find somewhere to sleep that feels safe ({n})")


class StepFactory(factory.django.DjangoModelFactory[Step]):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    text = factory.Sequence(lambda n: f"Step {n}")
    order = factory.Sequence(lambda n: n)


class ReviewFactory(factory.django.DjangoModelFactory[Review]):
    class Meta:
        model = Review

    goal = factory.SubFactory(GoalFactory)
    closeness = 5
    reviewed_at = factory.LazyFunction(timezone.now)
