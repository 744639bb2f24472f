"""Correcting a contact, and the conflict page when two people correct it at once.

Who may correct what, for how long, and how concurrent saves are settled:
encounters/services/corrections.py.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid
from core.versioning import ConflictRow, EditConflict, conflict_rows
from core.wording import suggest_wording
from encounters.access import get_encounter_for_correction
from encounters.forms.corrections import CorrectionForm
from encounters.models import Encounter, ServiceType
from encounters.parts import contact_part, correctable_parts
from encounters.services.corrections import (
    CORRECTION_WINDOW,
    ContactValues,
    changed_fields,
    changed_parts,
    correct_encounter,
    may_correct,
)


def correctable_service_types(encounter: Encounter) -> list[ServiceType]:
    """The catalogue in use, and any type the contact has that was retired since."""
    given = [service.service_type_id for service in encounter.services.all()]
    return list(ServiceType.objects.filter(Q(is_active=True) | Q(pk__in=given)))


@require_http_methods(["GET", "POST"])
@team_member
def encounter_edit(request: AuthenticatedHttpRequest, encounter_id: UUID) -> HttpResponse:
    """Correct a contact. A save on top of someone else's newer save shows both versions."""
    encounter = get_encounter_for_correction(request.user, encounter_id)
    if not may_correct(request.user, encounter):
        context = {"encounter": encounter, "window_days": CORRECTION_WINDOW.days}
        return render(request, "encounters/encounter_edit_closed.html", context, status=403)
    service_types = correctable_service_types(encounter)
    if request.method == "POST":
        form = CorrectionForm(request.POST, encounter=encounter, service_types=service_types)
        parts = correction_parts_of(request, encounter, form)
        if form.is_valid() and parts is not None:
            try:
                changed = correct_encounter(
                    actor=request.user,
                    encounter=encounter,
                    version=form.cleaned_data["version"],
                    values=form.values(),
                    parts=parts,
                )
            except EditConflict:
                return conflict(request, encounter_id, form)
            except Invalid as refusal:
                form.add_error(None, refusal.message)
                return render(request, "encounters/encounter_edit.html", edit_context(encounter, form))
            # Nothing to change on a newer version: a repeated submission of a saved correction.
            saved = changed or form.cleaned_data["version"] != encounter.version
            messages.success(request, _("Correction saved.") if saved else _("Nothing was changed."))
            if changed:
                suggest_wording(request, form.cleaned_data.get("note", ""))
            return redirect("encounters:detail", encounter_id=encounter.pk)
    else:
        form = CorrectionForm(
            initial=CorrectionForm.initial_for(encounter), encounter=encounter, service_types=service_types
        )
        record(
            action=AuditEvent.Action.ENCOUNTER_VIEWED,
            actor=request.user,
            target=encounter,
            client_id=encounter.client_id,
        )
    return render(request, "encounters/encounter_edit.html", edit_context(encounter, form))


def edit_context(encounter: Encounter, form: CorrectionForm) -> dict[str, Any]:
    """The correction form, and the templates of the parts corrected with it (encounters/parts.py)."""
    templates = [part.correction_template for part in correctable_parts() if part.correction_template]
    return {"encounter": encounter, "form": form, "part_templates": templates}


def correction_parts_of(request: AuthenticatedHttpRequest, encounter: Encounter, form: CorrectionForm) -> Any:
    """The correctable parts the page sent, as data; None (with the problems on the form) when
    one of them is not valid."""
    found, valid = {}, True
    for part in correctable_parts():
        if part.correction_form is None:
            continue
        read = part.correction_form(request.POST, encounter.client, request.user)
        if read is None:
            continue
        if not read.is_valid():
            valid = False
            for problem in read.problems():
                form.add_error(None, problem)
            continue
        found[part.key] = read.data()
    return found if valid else None


def conflict(request: AuthenticatedHttpRequest, encounter_id: UUID, typed: CorrectionForm) -> HttpResponse:
    """Both versions side by side, and the form again with what they typed on top of the
    saved version: saving it replaces the other person's correction knowingly."""
    current = get_encounter_for_correction(request.user, encounter_id)
    service_types = correctable_service_types(current)
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = CorrectionForm(data, encounter=current, service_types=service_types)
    form.is_valid()  # it was valid a moment ago: this only prepares the values shown
    theirs, saved = typed.values(), ContactValues.of(current)
    typed_parts = correction_parts_of(request, current, form) or {}
    parts_differ = changed_parts(current, typed_parts)
    differs = set(changed_fields(saved, theirs)) | set(parts_differ)
    if not differs:  # the newer save is this same correction (a double tap racing itself)
        messages.success(request, _("Correction saved."))
        return redirect("encounters:detail", encounter_id=current.pk)
    labels = LABELS if current.is_anonymous else [row for row in LABELS if row[0] not in ANONYMOUS_ONLY]
    rows = conflict_rows(labels, yours=theirs, saved=saved, differs=differs, shown=shown)
    rows += part_rows(current, typed_parts, parts_differ)
    record(action=AuditEvent.Action.ENCOUNTER_VIEWED, actor=request.user, target=current, client_id=current.client_id)
    context = edit_context(current, form) | {"rows": rows}
    return render(request, "encounters/encounter_conflict.html", context, status=409)


def part_rows(encounter: Encounter, typed: dict[str, Any], differs: list[str]) -> list[ConflictRow]:
    """A conflict row per correctable part the person typed, in words (its `describe`)."""
    rows = []
    for key, data in typed.items():
        part = contact_part(key)
        if part is None or part.describe is None or part.summary is None:
            continue
        yours = part.describe(part.canonical(data) if data else None)
        saved = part.describe(part.stored(encounter))
        rows.append(ConflictRow(key, str(part.summary.label), yours, saved, key in differs))
    return rows


LABELS = [
    ("happened_at", _("When")),
    ("site", _("Site")),
    ("kind", _("Kind of contact")),
    ("services", _("What was given or done")),
    ("note", _("Note")),
    ("head_count", _("How many people")),
    ("age_band", _("Rough age")),
    ("gender", _("Gender")),
]
ANONYMOUS_ONLY = {"head_count", "age_band", "gender"}


def shown(values: ContactValues, name: str) -> Any:
    """One value as a person reads it."""
    if name == "happened_at":
        return date_format(timezone.localtime(values.happened_at), "DATETIME_FORMAT")
    if name == "site":
        return values.site.name if values.site is not None else ""
    if name == "kind":
        return Encounter.Kind(values.kind).label
    if name == "age_band":
        return Encounter.AgeBand(values.age_band).label if values.age_band else ""
    if name == "gender":
        return Client.Gender(values.gender).label if values.gender else ""
    if name == "services":
        return ", ".join(
            f"{service_type.label} × {quantity}" if service_type.counts_quantity else service_type.label
            for service_type, quantity in sorted(values.services.items(), key=lambda item: item[0].order)
        )
    return getattr(values, name)


urlpatterns: list[URLPattern] = [path("<uuid:encounter_id>/edit/", encounter_edit, name="edit")]
