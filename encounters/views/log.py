"""Log a contact: the worker's main job, on a phone."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Case, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.decorators import contact_logger
from accounts.roles import is_limited
from accounts.types import AuthenticatedHttpRequest
from clients.models import Client, normalise_code
from clients.services.flags import with_active_flags
from core.text import search_text, without_control_characters
from core.wording import suggest_wording
from encounters.forms import ANONYMOUS, Catalogue, EncounterForm, ExtrasForms, unprefixed
from encounters.forms.supplies import FOR_OTHERS, REVERSAL, ForOthersForm, ReversalForm, supplies_of
from encounters.models import Encounter, Site
from encounters.services.contacts import ContactConflict, logged_by
from encounters.submission import extras_of, save_submission
from encounters.views.log_conflict import conflict_page

RECENT_PEOPLE = 8
PAGE = "encounters/encounter_log.html"
EXTRAS = "extras"  # `part`: redraw only the referral and overdose part (the person changed)
ALREADY_SAVED = gettext_lazy("This contact was already saved: nothing was stored twice.")
CONTACT = "contact"  # the contact's id, in the page's address


@require_http_methods(["GET", "POST"])
@contact_logger
def encounter_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log a contact: who, when, where, what was given, and what else happened. One submit.

    A POST with `find` only redraws: a search for a person (htmx swaps the picker), or the
    referral and overdose part for the person just chosen (`part=extras`). Without
    JavaScript the whole page comes back, with everything typed kept. A submission is
    saved by the one save path (log_encounter) with every part of the contact: the
    referral and overdose parts drawn here, and the parts other apps read from the same
    submission (the check-in panel's answers). The same submission again (a double tap, a
    retry) goes to the same confirmation; the same id with a different contact gets the
    conflict page with both versions (409, encounters/views/log_conflict.py).
    """
    if request.method == "GET" and (answer := _page_of_one_contact(request)) is not None:
        return answer
    redraw = request.method == "POST" and "find" in request.POST
    saving = request.method == "POST" and not redraw
    if redraw and request.htmx and request.POST.get("part") == EXTRAS:
        chosen = _person(request, request.POST.get("who", ""))
        drawn = _extras(request, chosen, data=None, initial=request.POST)
        context = {"chosen": chosen, "extras": drawn, "limited": is_limited(request.user)}
        return render(request, f"{PAGE}#extras", context)
    catalogue = Catalogue.for_user(request.user)
    form = EncounterForm(None, user=request.user, catalogue=catalogue)
    extras: ExtrasForms | None = None
    if saving:
        try:
            submission = save_submission(actor=request.user, data=request.POST, catalogue=catalogue)
        except ContactConflict as conflict:  # the same id, another contact: both shown (409)
            return conflict_page(request, conflict.payload)
        if (logged := submission.logged) is not None:
            if logged.created:
                messages.success(request, _("Contact saved."))
                suggest_wording(request, submission.form.cleaned_data.get("note", ""))
            else:
                messages.info(request, ALREADY_SAVED)
            return redirect("encounters:detail", encounter_id=logged.encounter.pk)
        form, extras = submission.form, submission.extras
    return _page(request, form, extras, redraw=redraw)


def _page(
    request: AuthenticatedHttpRequest, form: EncounterForm, extras: ExtrasForms | None, *, redraw: bool
) -> HttpResponse:
    """The page (for an htmx search only its picker), with everything typed kept and, after
    a refused submission, every mistake shown."""
    saving = form.is_bound
    # PostgreSQL text cannot hold NUL: a code or search with one matches no one (never a 500).
    # A code with control characters matches no one; a search with them is refused (core/text.py).
    chosen_code = without_control_characters(_chosen_code(request, form if saving else None))
    search = search_text(request.POST.get("q", "") if redraw else "")
    query = search.text
    options = _picker_people(request, query=query, chosen_code=chosen_code)
    chosen = next((person for person in options if person.code == chosen_code), None)
    if not saving:
        initial = request.POST.dict() if redraw else _fresh(request, chosen)
        form = EncounterForm(initial=initial, user=request.user, catalogue=form.catalogue)
    if extras is None:
        extras = _extras(
            request, chosen, data=request.POST if saving else None, initial=request.POST if redraw else None
        )
        if saving:
            extras.is_valid(anonymous=chosen_code == ANONYMOUS)  # its mistakes shown with the form's
    context = {"form": form, "chosen_code": chosen_code, "chosen": chosen, "extras": extras, "anonymous": ANONYMOUS}
    context["limited"] = is_limited(request.user)  # a distribution volunteer: no staff-only panels
    context |= _supplies_forms(request, form, saving=saving, redraw=redraw)
    context |= {"query": query, "search_refused": search.refused, "options": options}
    return render(request, f"{PAGE}#picker" if redraw and request.htmx else PAGE, context)


def _chosen_code(request: AuthenticatedHttpRequest, form: EncounterForm | None) -> str:
    """Who is chosen: as submitted, or the person whose page the worker came from."""
    if form is not None:
        return str(form["who"].value() or "")
    if request.method == "POST":
        return request.POST.get("who", "")
    return normalise_code(request.GET.get("person", ""))


def _supplies_forms(
    request: AuthenticatedHttpRequest, form: EncounterForm, *, saving: bool, redraw: bool
) -> dict[str, ForOthersForm | ReversalForm]:
    """Supplies for others and a reported reversal, for every contact (anonymous ones too):
    bound to a refused submission (its mistakes shown), or keeping what was typed on a redraw."""
    supplies = supplies_of(form.catalogue.service_types)
    if saving:
        return {"for_others": ForOthersForm(request.POST, supplies=supplies), "reversal": ReversalForm(request.POST)}
    typed = request.POST if redraw else {}
    return {
        "for_others": ForOthersForm(supplies=supplies, initial=unprefixed(typed, FOR_OTHERS)),
        "reversal": ReversalForm(initial=unprefixed(typed, REVERSAL) or None),
    }


def _page_of_one_contact(request: AuthenticatedHttpRequest) -> HttpResponse | None:
    """Each Log a contact page is one contact, its id in the page's address (?contact=).

    static/js/alongside.js writes the id the page was drawn with into the address, so Back,
    reload and the history bring the same id back: a contact already saved with it shows
    as saved (no form to send twice), instead of a blank form with a new id that the
    browser refills.
    """
    contact_id = _contact_id(request)
    if contact_id and (earlier := logged_by(encounter_id=contact_id, actor=request.user)) is not None:
        return render(request, "encounters/encounter_already_saved.html", {"encounter": earlier})
    return None


def _contact_id(request: AuthenticatedHttpRequest) -> UUID | None:
    try:
        return UUID(request.GET.get(CONTACT, ""))
    except ValueError:
        return None


def _fresh(request: AuthenticatedHttpRequest, chosen: Client | None) -> dict[str, Any]:
    initial = EncounterForm.initial_for(request.user, last_site=_last_site(request), person=chosen)
    return initial | {"id": _contact_id(request) or initial["id"]}


def _extras(request: AuthenticatedHttpRequest, chosen: Client | None, *, data: Any, initial: Any) -> ExtrasForms:
    return extras_of(request.user, chosen, data=data, initial=initial)


def _person(request: AuthenticatedHttpRequest, code: str) -> Client | None:
    if not code or code == ANONYMOUS:
        return None
    return Client.objects.visible_to(request.user).current().filter(code=normalise_code(code)).first()


def _last_site(request: AuthenticatedHttpRequest) -> Site | None:
    """The site of the worker's latest contact: usually where they still are.

    Latest by when it happened: encounter_worker_when_idx walks the worker's contacts in that
    order and stops at the first at an open site. By when it was logged, PostgreSQL read and
    sorted all of them (thousands for a worker of some years; 19 ms of the form's CPU)."""
    last = Encounter.objects.filter(worker=request.user, site__is_active=True).select_related("site")
    latest = last.order_by("-happened_at").first()
    return latest.site if latest else None


def _picker_people(request: AuthenticatedHttpRequest, *, query: str, chosen_code: str) -> list[Client]:
    """Search matches (or the team's most recent people), with the chosen person first.

    Each carries `active_flags` (texts of their safety flags), shown beside their name.
    Without a search the chosen person comes first in the same query (opened from their
    page, or chosen before a redraw); a search that misses them looks them up once more.
    """
    people = with_active_flags(Client.objects.visible_to(request.user).current())
    chosen = chosen_code if chosen_code not in {"", ANONYMOUS} else None
    if query:
        options = list(people.recent_first().matching(query)[:RECENT_PEOPLE])
        if chosen is not None and chosen not in {person.code for person in options}:
            options[:0] = people.filter(code=normalise_code(chosen))[:1]
        return options
    chosen_first = Case(When(code=chosen, then=Value(0)), default=Value(1)) if chosen else Value(1)
    recent = people.recent_first()
    return list(recent.order_by(chosen_first, *recent.query.order_by)[:RECENT_PEOPLE])


urlpatterns = [path("log/", encounter_log, name="log")]
