"""Log a contact's PrEP and PEP, and vaccinations: fields drawn inside the contact's form for the
person chosen (templates/health/_log_contact_health.html), read into the parts `prevention`
and `vaccinations` (health/apps.py) through the same checks as the tests (forms.PartAtContact:
drawn for the person chosen, or refused)."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy

from .forms import PANEL_PERSON, PREFIX, PartAtContact
from .prevention import MAX_DOSE, Prevention, Vaccination
from .services.prevention import PreventionAtContact, VaccinationAtContact

if TYPE_CHECKING:
    from accounts.models import User
    from clients.models import Client


def prevention_field(kind: str, name: str) -> str:
    return f"{PREFIX}-{kind}-{name}"


def vaccine_field(vaccine: str, name: str) -> str:
    return f"{PREFIX}-vaccine-{vaccine}-{name}"


class PreventionForm(forms.Form):
    """For PrEP and for PEP: where it stands now (blank: nothing new), and if stopped, why, in
    the person's words, only if they want it noted."""

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.kinds = list(Prevention.Kind)
        for kind in self.kinds:
            self.fields[prevention_field(kind, "status")] = forms.ChoiceField(
                label=gettext_lazy("Where it stands"),
                choices=[("", gettext_lazy("Nothing new")), *Prevention.Status.choices],
                required=False,
            )
            self.fields[prevention_field(kind, "words")] = forms.CharField(
                label=gettext_lazy("If stopped: why, in the person's words (optional)"), max_length=300, required=False
            )

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(kind.label), [self[prevention_field(kind, name)] for name in ("status", "words")])
            for kind in self.kinds
        ]

    @property
    def has_content(self) -> bool:
        return self.is_bound and any(self.data.get(prevention_field(kind, "status")) for kind in self.kinds)

    def data_out(self) -> tuple[PreventionAtContact, ...]:
        found = []
        for kind in self.kinds:
            status = self.cleaned_data.get(prevention_field(kind, "status"))
            if status:
                found.append(
                    PreventionAtContact(kind, status, self.cleaned_data.get(prevention_field(kind, "words"), ""))
                )
        return tuple(found)


class VaccinationsForm(forms.Form):
    """For each vaccine: the dose given at this contact (blank: none), and where."""

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.vaccines = list(Vaccination.Vaccine)
        doses = [(str(n), gettext_lazy("Dose %(number)d") % {"number": n}) for n in range(1, MAX_DOSE + 1)]
        for vaccine in self.vaccines:
            self.fields[vaccine_field(vaccine, "dose")] = forms.TypedChoiceField(
                label=gettext_lazy("Dose"),
                choices=[("", gettext_lazy("Not given")), *doses],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[vaccine_field(vaccine, "where")] = forms.ChoiceField(
                label=gettext_lazy("Where"),
                choices=Vaccination.Where.choices,
                initial=Vaccination.Where.BY_TEAM,
                required=False,
            )

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(vaccine.label), [self[vaccine_field(vaccine, name)] for name in ("dose", "where")])
            for vaccine in self.vaccines
        ]

    @property
    def has_content(self) -> bool:
        return self.is_bound and any(self.data.get(vaccine_field(vaccine, "dose")) for vaccine in self.vaccines)

    def data_out(self) -> tuple[VaccinationAtContact, ...]:
        found = []
        for vaccine in self.vaccines:
            dose = self.cleaned_data.get(vaccine_field(vaccine, "dose"))
            if dose:
                where = self.cleaned_data.get(vaccine_field(vaccine, "where")) or Vaccination.Where.BY_TEAM
                found.append(VaccinationAtContact(vaccine, dose, where))
        return tuple(found)


def prevention_at_contact(submitted: Mapping[str, Any], person: "Client | None", actor: "User") -> PartAtContact | None:
    if PANEL_PERSON not in submitted:
        return None
    return PartAtContact(PreventionForm(submitted), submitted, person)


def vaccinations_at_contact(
    submitted: Mapping[str, Any], person: "Client | None", actor: "User"
) -> PartAtContact | None:
    if PANEL_PERSON not in submitted:
        return None
    return PartAtContact(VaccinationsForm(submitted), submitted, person)
