"""Log a contact's health part, drawn inside the page's per-person part.

`{% health_at_contact %}` draws, for the person chosen (`chosen` in the page's context), the
tests that can be given and the next step of each open cascade. On a submission drawn for
the same person it is bound to what was sent, so a refused contact shows what was typed
and what to fix. One query (the person's reactive tests with their steps) when a person is
chosen, none otherwise.
"""

from typing import Any

from django import template

from ..forms import PANEL_PERSON, StepsForm, TestsForm, open_tests_of
from ..models import Alert

register = template.Library()


@register.inclusion_tag("health/_log_contact_health.html", takes_context=True)
def health_at_contact(context: template.Context) -> dict[str, Any]:
    chosen = context.get("chosen")
    request = context.get("request")
    if chosen is None or request is None:
        return {"chosen": None}
    posted = request.POST if request.method == "POST" else {}
    submitted = posted if posted.get(PANEL_PERSON) == chosen.code else None
    tests = TestsForm(submitted)
    steps = StepsForm(submitted, open_tests=open_tests_of(chosen))
    # Mistakes show after "Save contact", not while the page is redrawn for a search.
    checked = submitted is not None and "save" in posted and not (tests.is_valid() & steps.is_valid())
    return {"chosen": chosen, "tests": tests, "steps": steps, "panel_person": PANEL_PERSON, "checked": checked}


@register.filter
def alert_words(alert: Alert, language: str) -> str:
    return alert.description(language or "en")


@register.filter
def alert_other_words(alert: Alert, language: str) -> str:
    return alert.other_description(language or "en")
