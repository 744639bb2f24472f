"""Hypothesis settings for the property-based form tests.

CI runs a fixed, modest set of examples (derandomized: the same ones every run, so a red
build is never luck); `HYPOTHESIS_PROFILE=explore` tries many more, in a random order, to
look for new failures on a laptop. Examples share one test's database transaction, so
each example runs inside a savepoint that is rolled back (`rolled_back`).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from hypothesis import HealthCheck, settings

QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=QUIET
)
settings.register_profile("explore", max_examples=500, deadline=None, database=None, suppress_health_check=QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class _RollBack(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the example stores is undone afterwards, so the next one starts clean."""
    try:
        with transaction.atomic():
            yield
            raise _RollBack
    except _RollBack:
        pass
