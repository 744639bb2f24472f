"""The check-in panel of Log a contact: answers given during the contact, saved with it.

How it is wired (templates/outcomes/_log_contact_checkin.html, included once by the log
page, inside the contact's form):
- With htmx, the panel loads when a person is chosen (again when the choice changes), like
  the goals panel. Its answers are fields of the contact's form ("checkin-<slug>-<item>",
  with `checkin_for` naming the person it was drawn for): "Save contact" is the one submit,
  and the contact's one save path makes the check-ins from them (the "check_ins" part,
  registered in outcomes/apps.py: outcomes.forms.check_ins_at_contact reads them,
  outcomes.services.save_check_ins_part saves them). A contact never saved stores no
  check-in.
- Each instrument's answers are also sent here as they are given (every tap, all of that
  instrument's answers as they are now, with the contact's id) and kept as a draft
  (outcomes.services.save_draft), so the panel drawn again (the person chosen again, the
  page shown again with a mistake to fix) keeps them; a line under them says what is kept
  and the total. Saving the contact throws its drafts away; a contact never saved leaves
  a draft, thrown away later, never a check-in.
- Without JavaScript, the log page shows a link to the check-in page of its own
  (outcomes.views.check_in), which saves a check-in with its own button.

Why not a "Save check-in" button as goals have: a second submit the worker can forget, and
an answer given but not saved would be lost without a word.
"""

import uuid
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_client_for_user
from clients.models import Client, normalise_code
from core.errors import NotFound
from outcomes.access import get_offered_instrument

from .forms import DECLINED, PANEL_PERSON, CheckInForm, panel_prefix
from .models import CheckInDraft, Instrument
from .services import CheckInRefused, DraftSaved, save_draft

PAGE = "outcomes/contact_check_in.html"


def _uuid(value: str | None) -> UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def _initial(form_items: list, answers: dict[str, int | None]) -> dict[str, str]:
    initial = {}
    for item in form_items:
        if str(item.pk) in answers:
            value = answers[str(item.pk)]
            initial[item.key] = DECLINED if value is None else str(value)
    return initial


def _status(draft: CheckInDraft | None) -> DraftSaved | None:
    if draft is None:
        return None
    declined = sum(1 for value in draft.answers.values() if value is None)
    return DraftSaved(total=draft.total, answered=len(draft.answers) - declined, declined=declined)


@require_http_methods(["GET"])
@team_member
def contact_panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The offered instruments for the chosen person (`who`) and the contact being logged (`id`)."""
    code = normalise_code(request.GET.get("who", ""))
    client = Client.objects.visible_to(request.user).current().filter(code=code).first() if code else None
    if not request.htmx:
        if client is None:
            raise NotFound
        return redirect("outcomes:check_in", code=client.code, slug="who5")
    if client is None:
        return HttpResponse("")  # anonymous, nobody chosen yet, or not one of the team's people
    contact_id = _uuid(request.GET.get("id"))
    drafts = {}
    if contact_id is not None:
        kept = CheckInDraft.objects.filter(contact_ref=contact_id, client=client)
        drafts = {draft.instrument_id: draft for draft in kept}
    sections = []
    for instrument in Instrument.objects.offered():
        items = list(instrument.items.all())
        draft = drafts.get(instrument.pk)
        initial = _initial(items, draft.answers) if draft else {}
        form = CheckInForm(initial=initial, instrument=instrument, items=items, prefix=panel_prefix(instrument))
        sections.append((instrument, form, _status(draft)))
    context = {"person": client, "sections": sections, "contact_id": contact_id, "person_field": PANEL_PERSON}
    return render(request, f"{PAGE}#panel", context)


@require_http_methods(["POST"])
@team_member
def contact_answers(request: AuthenticatedHttpRequest, code: str, slug: str) -> HttpResponse:
    """Keep one instrument's answers as they are now for the contact being logged; say what is kept."""
    client = get_client_for_user(request.user, code)
    instrument = get_offered_instrument(slug)
    items = list(instrument.items.all())
    form = CheckInForm(request.POST, instrument=instrument, items=items, prefix=panel_prefix(instrument))
    contact_id = _uuid(request.POST.get("id"))
    saved = None
    if form.is_valid() and contact_id is not None:
        try:
            saved = save_draft(
                actor=request.user,
                client=client,
                instrument=instrument,
                contact_id=contact_id,
                answers=form.answers(),
            )
        except CheckInRefused as refusal:
            form.add_error(None, str(refusal))
    context = {"form": form, "status": saved, "instrument": instrument, "no_contact": contact_id is None}
    return render(request, f"{PAGE}#status", context)
