"""Sections of a person's page contributed by other apps.

`clients` depends on none of `encounters`, `goals` or `outcomes` (DESIGN.md), yet the
person's page shows their contacts, goals and check-ins. Each of those apps registers a
section here from its AppConfig.ready(); the page renders them in the order of ORDER, the
one place the sections' order is written. A section's loader runs a fixed number of
queries, so the page's count stays constant.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from accounts.models import User
from accounts.roles import is_limited

from .models import Client

# The person's page, top to bottom: what a worker must know before meeting them first.
ORDER = [
    "flags",
    "identity",
    "consent",
    "goals",
    "use_wish",
    "contacts",
    "referrals",
    "health",
    "outcomes",
    "context",
    "records",
    "merge",
]


@dataclass(frozen=True)
class PersonSection:
    key: str
    template: str
    load: Callable[[Client, User], dict[str, Any]]
    # The template a distribution volunteer sees (accounts/roles.py); "" hides the section from them.
    limited_template: str = ""

    @property
    def order(self) -> int:
        return ORDER.index(self.key)


_sections: dict[str, PersonSection] = {}


def register(section: PersonSection) -> None:
    if section.key not in ORDER:
        raise ValueError(f"Person section {section.key!r}: give it its place in clients.sections.ORDER")
    _sections[section.key] = section


def sections_for(client: Client, user: User) -> list[tuple[PersonSection, dict[str, Any]]]:
    """The sections of the person's page for this user, loaded, in ORDER. A distribution
    volunteer gets only the sections with a limited template, drawn with it (the loader
    itself narrows what it reads for them: the contacts they logged)."""
    ordered = sorted(_sections.values(), key=lambda section: section.order)
    if is_limited(user):
        ordered = [
            replace(section, template=section.limited_template) for section in ordered if section.limited_template
        ]
    return [(section, section.load(client, user)) for section in ordered]
