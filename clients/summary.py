"""The parts of the summary a person can take away (issue 21), contributed by each app.

Like the person's page's sections (clients/sections.py): `clients` imports neither goals nor
outcomes, yet the summary shows the person's goals and wellbeing. Each app registers a part
from its AppConfig.ready(); the summary shows the parts the person chose, in ORDER, the one
place the order is written. A part's loader runs a fixed number of queries, so the page's
count stays the same however long the record is.

Every part speaks to the person ("your goals"), in the language they chose, and never
names a member of staff.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_stubs_ext import StrOrPromise

from accounts.models import User

from .models import Client

# The summary, top to bottom: what the person set, how they have been, what they agreed to,
# and who has looked at their record.
ORDER = ["goals", "wellbeing", "consent", "viewers"]


@dataclass(frozen=True)
class SummaryPart:
    key: str
    label: StrOrPromise  # what the person is asked to choose ("Your goals and progress")
    template: str
    load: Callable[[Client, User], dict[str, Any]]

    @property
    def order(self) -> int:
        return ORDER.index(self.key)


_parts: dict[str, SummaryPart] = {}


def register_summary_part(part: SummaryPart) -> None:
    if part.key not in ORDER:
        raise ValueError(f"Summary part {part.key!r}: give it its place in clients.summary.ORDER")
    _parts[part.key] = part


def summary_parts() -> list[SummaryPart]:
    return sorted(_parts.values(), key=lambda part: part.order)
