import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from accounts.models import User
from outcomes.models import Instrument, InstrumentItem


@pytest.fixture
def http_request(worker: User) -> HttpRequest:
    """A request from the worker, for calling services directly (the audit trail reads it)."""
    request = RequestFactory().post("/")
    request.user = worker
    return request


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
