"""The summary a person can take: one printable page of what they chose, in their language.

Printing it (or showing it on the worker's phone) is a read of the person's record, so it
is audited: which parts, which language, and whether the programme's name was on it; never
what was on the page.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from clients.summary import SummaryPart, summary_parts
from core.errors import Invalid


@dataclass(frozen=True)
class Summary:
    person: Client
    parts: list[tuple[SummaryPart, dict[str, Any]]]
    language: str
    programme_name: bool


@transaction.atomic
def make_summary(
    *, actor: User, client: Client, parts: list[str], language: str, programme_name: bool = False
) -> Summary:
    """Load the chosen parts (each a fixed number of queries) and record that it was made.

    `programme_name` False (the default) is the discreet version: nothing on the page names
    the programme or its teams, since a paper found on someone can expose them.
    """
    if language not in dict(settings.LANGUAGES):
        raise Invalid(_("Choose a language the summary can be printed in."))
    chosen = [part for part in summary_parts() if part.key in parts]
    if not chosen:
        raise Invalid(_("Choose at least one thing to put on the summary."))
    loaded = [(part, part.load(client, actor)) for part in chosen]
    details = {"parts": [part.key for part in chosen], "language": language, "programme_name": programme_name}
    record(action=AuditEvent.Action.SUMMARY_MADE, actor=actor, target=client, client_id=client.pk, details=details)
    return Summary(person=client, parts=loaded, language=language, programme_name=programme_name)
