"""Log a contact: the worker's main job, on a phone."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from clients.models import Client, normalise_code
from clients.services.flags import with_active_flags
from core.types import AuthenticatedHttpRequest
from encounters.forms import ANONYMOUS, EncounterForm
from encounters.models import Encounter, ServiceType, Site
from encounters.services.contacts import log_encounter

RECENT_PEOPLE = 8


@team_member
@require_http_methods(["GET", "POST"])
def encounter_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log a contact: who, when, where, what was given. One submit.

    A POST with `find` only searches for a person (htmx swaps the picker; without
    JavaScript the whole page comes back with everything typed kept).
    """
    service_types = list(ServiceType.objects.filter(is_active=True))
    finding = request.method == "POST" and "find" in request.POST
    if request.method == "POST" and not finding:
        form = EncounterForm(request.POST, user=request.user, service_types=service_types)
        if form.is_valid():
            encounter = _save(request, form)
            return redirect("encounters:detail", encounter_id=encounter.pk)
    elif finding:
        form = EncounterForm(initial=request.POST.dict(), user=request.user, service_types=service_types)
    else:
        person = Client.objects.visible_to(request.user).filter(code=normalise_code(request.GET.get("person", "")))
        initial = EncounterForm.initial_for(request.user, last_site=_last_site(request), person=person.first())
        form = EncounterForm(initial=initial, user=request.user, service_types=service_types)
    query = request.POST.get("q", "").strip() if finding else ""
    chosen_code = str(form["who"].value() or "")
    options = _picker_people(request, query=query, chosen_code=chosen_code)
    context = {
        "form": form,
        "query": query,
        "chosen_code": chosen_code,
        "options": options,
        "chosen": next((person for person in options if person.code == chosen_code), None),
        "anonymous": ANONYMOUS,
    }
    template = "encounters/encounter_log.html#picker" if finding and request.htmx else "encounters/encounter_log.html"
    return render(request, template, context)


def _save(request: AuthenticatedHttpRequest, form: EncounterForm) -> Encounter:
    data = form.cleaned_data
    encounter, _created = log_encounter(
        request=request,
        encounter_id=data["id"],
        worker=request.user,
        team=data["team"],
        client=data["who"],
        head_count=data["head_count"],
        happened_at=data["happened_at"],
        site=data["site"],
        kind=data["kind"],
        services=form.services(),
    )
    return encounter


def _last_site(request: AuthenticatedHttpRequest) -> Site | None:
    """The site of the worker's latest contact: usually where they still are."""
    last = Encounter.objects.filter(worker=request.user, site__is_active=True).select_related("site")
    latest = last.order_by("-created_at").first()
    return latest.site if latest else None


def _picker_people(request: AuthenticatedHttpRequest, *, query: str, chosen_code: str) -> list[Client]:
    """Search matches (or the team's most recent people), with the chosen person first.

    Each carries `active_flags` (texts of their safety flags), shown beside their name.
    """
    people = with_active_flags(Client.objects.visible_to(request.user).current().recent_first())
    options = list((people.matching(query) if query else people)[:RECENT_PEOPLE])
    if chosen_code and chosen_code not in {person.code for person in options}:
        chosen = people.filter(code=normalise_code(chosen_code)).first()
        if chosen is not None:
            options.insert(0, chosen)
    return options


urlpatterns = [path("log/", encounter_log, name="log")]
