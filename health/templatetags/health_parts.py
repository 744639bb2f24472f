"""Log a contact's health part, drawn inside the page's per-person part.

`{% health_at_contact as health %}` gives, for the person chosen (`chosen` in the page's
context), the forms of the tests that can be given, the next step of each open cascade, PrEP
and PEP, and vaccinations (drawn by health/_log_contact_health.html), and `has_content`:
whether anything of them is typed or due, so the page's closed card that holds them opens. On a submission drawn for
the same person it is bound to what was sent, so a refused contact shows what was typed
and what to fix. Two queries (the person's reactive tests with their steps, and their team's
own vaccines) when a person is chosen, none otherwise.
"""

from collections.abc import Mapping
from typing import Any

from django import template
from django.db.models import Q

from ..education import Topic, TopicCovered
from ..education_forms import DRAWN, PRACTISED, PREFIX, rows_for, topics_offered
from ..forms import PANEL_PERSON, StepsForm, TestsForm, open_tests_of
from ..models import Alert
from ..prevention_forms import PreventionForm, VaccinationsForm, team_vaccines_for

register = template.Library()


@register.simple_tag(takes_context=True)
def health_at_contact(context: template.Context) -> dict[str, Any]:
    chosen = context.get("chosen")
    request = context.get("request")
    if chosen is None or request is None:
        return {"chosen": None, "has_content": False}
    posted = request.POST if request.method == "POST" else {}
    submitted = posted if posted.get(PANEL_PERSON) == chosen.code else None
    tests = TestsForm(submitted)
    steps = StepsForm(submitted, open_tests=open_tests_of(chosen))
    prevention = PreventionForm(submitted)
    vaccinations = VaccinationsForm(submitted, team_vaccines=team_vaccines_for(chosen))
    # Mistakes show after "Save contact", not while the page is redrawn for a search.
    valid = [form.is_valid() for form in (tests, steps, prevention, vaccinations)]
    checked = submitted is not None and "save" in posted and not all(valid)
    return {
        "chosen": chosen,
        "tests": tests,
        "steps": steps,
        "prevention": prevention,
        "vaccinations": vaccinations,
        "panel_person": PANEL_PERSON,
        "checked": checked,
        "has_content": bool(steps.open_tests) or any(form.has_content for form in (tests, prevention, vaccinations)),
    }


@register.simple_tag(takes_context=True)
def education_at_contact(context: template.Context) -> dict[str, Any]:
    """Log a contact's safer-use topics (health/_log_contact_education.html): the user's teams'
    topics in use (one query), ticked as submitted, and whether any is ticked (the card opens)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"rows": [], "has_content": False}
    team_ids = request.user.team_ids
    submitted = request.POST if request.method == "POST" else None
    rows = rows_for(topics_offered(team_ids), submitted, several_teams=len(team_ids) > 1)
    return {"rows": rows, "has_content": any(row.talked or row.practised for row in rows)}


@register.simple_tag(takes_context=True)
def education_for_correction(context: template.Context) -> dict[str, Any]:
    """The correction page's safer-use topics (health/_correct_education.html): the contact's
    team's topics in use and any retired one the contact has, ticked as saved (or as sent, on a
    correction sent back to fix), two queries."""
    encounter, request = context["encounter"], context["request"]
    covered = dict(TopicCovered.objects.filter(encounter=encounter).values_list("topic_id", "practised"))
    topics = Topic.objects.filter(Q(team_id=encounter.team_id, is_active=True) | Q(pk__in=list(covered)))
    topics = topics.select_related("team")
    if request.method == "POST" and DRAWN in request.POST:
        submitted: Mapping[str, Any] = request.POST
    else:
        submitted = {}
        for topic_id, practised in covered.items():
            submitted[f"{PREFIX}{topic_id}"] = "1"
            if practised:
                submitted[f"{PREFIX}{topic_id}{PRACTISED}"] = "1"
    rows = rows_for(list(topics), submitted, several_teams=False)
    return {"rows": rows, "has_content": bool(covered), "drawn": DRAWN}


@register.filter
def alert_words(alert: Alert, language: str) -> str:
    return alert.description(language or "en")


@register.filter
def alert_other_words(alert: Alert, language: str) -> str:
    return alert.other_description(language or "en")
