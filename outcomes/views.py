"""A check-in on its own page, and the data admins' pages for instruments.

The check-in page is for team members and reaches people only through
get_client_for_user (another team's person: 404). It also serves Log a contact without
JavaScript (outcomes/contact_views.py). Instruments hold no person data: data admins
define and version them here.
"""

import uuid
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import data_admin, team_member
from accounts.types import AuthenticatedHttpRequest
from clients.access import get_client_for_user
from core.errors import NotFound
from encounters.models import Encounter
from outcomes.access import get_current_instrument

from .forms import BaseItemFormSet, CheckInForm, InstrumentForm, item_formset, item_initial
from .models import Instrument
from .services import (
    CheckInRefused,
    ItemDefinition,
    change_instrument,
    define_instrument,
    instrument_use,
    record_check_in,
)


def _uuid(value: str | None) -> UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@team_member
def check_in(request: AuthenticatedHttpRequest, code: str, slug: str) -> HttpResponse:
    """Record a check-in: every item may be answered, declined ("prefer not to say") or left out."""
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("outcomes:check_in", code=client.code, slug=slug)
    offered = list(Instrument.objects.offered())
    instrument = next((instrument for instrument in offered if instrument.slug == slug), None)
    if instrument is None:
        raise NotFound
    contact_id = _uuid(request.POST.get("contact") or request.GET.get("contact"))
    contacts = Encounter.objects.visible_to(request.user).filter(client=client)
    contact = contacts.filter(pk=contact_id).first() if contact_id else None
    data = request.POST if request.method == "POST" else None
    form = CheckInForm(data, instrument=instrument, items=list(instrument.items.all()))
    if form.is_valid():
        try:
            record_check_in(
                actor=request.user,
                client=client,
                instrument=instrument,
                answers=form.answers(),
                encounter=contact,
            )
        except CheckInRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Check-in saved."))
            if contact is not None:
                return redirect("encounters:detail", encounter_id=contact.pk)
            return redirect("clients:detail", code=client.code)
    context = {"person": client, "instrument": instrument, "form": form, "offered": offered, "contact": contact}
    return render(request, "outcomes/check_in.html", context)


@require_http_methods(["GET"])
@data_admin
def instrument_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The current version of every instrument, with how many check-ins each version has."""
    instruments = Instrument.objects.current().order_by("-is_builtin", "position", "name")
    return render(request, "outcomes/instrument_list.html", {"instruments": list(instruments)})


def _item_definitions(formset: BaseItemFormSet) -> list[ItemDefinition]:
    return [
        ItemDefinition(
            wording=row["wording"],
            scale_min=row["scale_min"],
            scale_max=row["scale_max"],
            is_reverse_scored=bool(row.get("is_reverse_scored")),
            low_label=row.get("low_label", ""),
            high_label=row.get("high_label", ""),
        )
        for row in formset.filled()
    ]


def _valid(form: InstrumentForm, formset: BaseItemFormSet) -> bool:
    valid = form.is_valid() and formset.is_valid()
    if valid and (form.cleaned_data.get("min_answered") or 0) > len(formset.filled()):
        form.add_error("min_answered", _("More answers are needed than there are questions."))
        return False
    return valid


@require_http_methods(["GET", "POST"])
@data_admin
def instrument_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = InstrumentForm(data)
    formset = item_formset(data)
    if data is not None and _valid(form, formset):
        define_instrument(
            actor=request.user,
            slug=form.cleaned_data["slug"],
            fields=form.fields_for_instrument(),
            items=_item_definitions(formset),
        )
        messages.success(request, _("Questionnaire saved."))
        return redirect("outcomes:instrument_list")
    return render(request, "outcomes/instrument_form.html", {"form": form, "formset": formset, "instrument": None})


@require_http_methods(["GET", "POST"])
@data_admin
def instrument_edit(request: AuthenticatedHttpRequest, instrument_id: UUID) -> HttpResponse:
    """Change an instrument. A version with check-ins is kept as it is: the change is a new version."""
    instrument = get_current_instrument(instrument_id)
    items = list(instrument.items.all())
    data = request.POST if request.method == "POST" else None
    form = InstrumentForm(data, instrument=instrument, initial=InstrumentForm.initial_for(instrument))
    formset = item_formset(data, initial=item_initial(items))
    if instrument.is_builtin and data is not None and form.is_valid():
        change_instrument(actor=request.user, instrument=instrument, fields=form.fields_for_instrument(), items=[])
        messages.success(request, _("Questionnaire saved."))
        return redirect("outcomes:instrument_list")
    if not instrument.is_builtin and data is not None and _valid(form, formset):
        changed = change_instrument(
            actor=request.user,
            instrument=instrument,
            fields=form.fields_for_instrument(),
            items=_item_definitions(formset),
        )
        if changed.pk != instrument.pk:
            messages.success(
                request,
                _("Saved as version %(version)d: past check-ins keep the version they answered.")
                % {"version": changed.version},
            )
        else:
            messages.success(request, _("Questionnaire saved."))
        return redirect("outcomes:instrument_list")
    check_ins, _drafts = instrument_use(instrument)
    context = {"form": form, "formset": formset, "instrument": instrument, "items": items, "check_ins": check_ins}
    return render(request, "outcomes/instrument_form.html", context)
