"""The conflict page of Log a contact: the same contact id sent again with another contact.

`log_encounter` refuses it with a ContactConflict (nothing stored) carrying both versions in
canonical form (ids, slugs, ISO times: encounters.services.contacts.canonical_contact).
This turns them into what a worker reads, side by side (core/versioning.py's rows and
templates/includes/_conflict_table.html), and answers 409.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.versioning import ConflictRow, conflict_rows
from encounters.models import Encounter, ServiceType, Site
from encounters.parts import contact_part
from encounters.services.contacts import ContactVersions

PAGE = "encounters/encounter_log_conflict.html"
FIELDS = [
    ("person", gettext_lazy("Who")),
    ("head_count", gettext_lazy("How many people")),
    ("age_band", gettext_lazy("Rough age")),
    ("gender", gettext_lazy("Gender")),
    ("happened_at", gettext_lazy("When")),
    ("site", gettext_lazy("Site")),
    ("kind", gettext_lazy("Kind of contact")),
    ("services", gettext_lazy("What was given or done")),
    ("note", gettext_lazy("Note")),
]


def conflict_page(request: AuthenticatedHttpRequest, versions: ContactVersions) -> HttpResponse:
    names = Names.for_versions(request, versions)
    part_keys = sorted(set(versions.stored.get("parts", {})) | set(versions.sent.get("parts", {})))
    labels = [*FIELDS, *[(f"parts.{key}", part_label(key)) for key in part_keys]]
    rows: list[ConflictRow] = conflict_rows(
        labels, yours=versions.sent, saved=versions.stored, differs=set(versions.differs()), shown=names.shown
    )
    # The saved version is shown: a read of the contact, audited as opening it is.
    encounter = versions.encounter
    record(
        action=AuditEvent.Action.ENCOUNTER_VIEWED, actor=request.user, target=encounter, client_id=encounter.client_id
    )
    return render(request, PAGE, {"rows": rows, "encounter": encounter}, status=409)


def part_label(key: str) -> Any:
    """A part's name in words, as its app registered it (encounters/parts.py `label`)."""
    part = contact_part(key)
    return part.label if part is not None else key


class Names:
    """Ids and codes of both versions as words: people (in the worker's scope), sites,
    teams and services, each in one query."""

    def __init__(self, people: Mapping[str, str], sites: Mapping[str, str], services: Mapping[str, str]) -> None:
        self.people, self.sites, self.services = people, sites, services

    @classmethod
    def for_versions(cls, request: AuthenticatedHttpRequest, versions: ContactVersions) -> "Names":
        sides = (versions.stored, versions.sent)
        people = {side["person"] for side in sides if side.get("person")}
        sites = {side["site"] for side in sides if side.get("site")}
        slugs = {slug for side in sides for slug in side.get("services", {})}
        found = Client.objects.visible_to(request.user).filter(pk__in=people)
        return cls(
            people={str(person.pk): f"{person.display_name} ({person.code})" for person in found},
            sites={str(site.pk): site.name for site in Site.objects.filter(pk__in=sites)},
            services={row.slug: str(row.label) for row in ServiceType.objects.filter(slug__in=slugs)},
        )

    def shown(self, version: Mapping[str, Any], name: str) -> str:
        if name.startswith("parts."):
            key = name.removeprefix("parts.")
            data = version.get("parts", {}).get(key)
            part = contact_part(key)
            if part is not None and part.describe is not None:
                return part.describe(data)
            return _described(data)
        value: Any = version.get(name)
        if name == "person":
            return self.people.get(value, _("someone outside your teams")) if value else _("Anonymous contact")
        if name == "site":
            return self.sites.get(value, "") if value else ""
        if name == "services":
            return "\n".join(
                f"{self.services.get(slug, slug)} × {quantity}" for slug, quantity in (value or {}).items()
            )
        if name == "happened_at":
            return date_format(timezone.localtime(datetime.fromisoformat(value)), "DATETIME_FORMAT") if value else ""
        if name == "kind":
            return str(Encounter.Kind(value).label) if value else ""
        if name == "age_band":
            return str(Encounter.AgeBand(value).label) if value else ""
        if name == "gender":
            return str(Client.Gender(value).label) if value else ""
        return "" if value is None else str(value)


def _described(part: Any) -> str:
    """A part's canonical data, a line per entry (it has no words of its own)."""
    if part in (None, [], {}):
        return ""
    if isinstance(part, Mapping):
        return "\n".join(f"{key}: {_described(value)}" for key, value in part.items() if value not in (None, "", []))
    if isinstance(part, list):
        return "\n".join(_described(entry) for entry in part)
    return json.dumps(part, ensure_ascii=False) if not isinstance(part, str) else part
