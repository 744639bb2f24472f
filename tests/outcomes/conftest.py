import pytest

from accounts.models import User
from outcomes.models import Instrument, InstrumentItem


@pytest.fixture
def actor(worker: User) -> User:
    """Who calls the services directly in these tests: the worker."""
    return worker


@pytest.fixture
def who5() -> Instrument:
    return Instrument.objects.prefetch_related("items").get(slug="who5", is_current=True)


@pytest.fixture
def who5_items(who5: Instrument) -> list[InstrumentItem]:
    return list(who5.items.all())


@pytest.fixture
def ratings() -> Instrument:
    return Instrument.objects.prefetch_related("items").get(slug="self_ratings", is_current=True)


@pytest.fixture
def housing() -> Instrument:
    return Instrument.objects.prefetch_related("items").get(slug="housing", is_current=True)
