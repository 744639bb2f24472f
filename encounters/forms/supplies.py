"""Log a contact's supplies for others and a reported reversal (encounters/parts.py).

Both are drawn for every contact, anonymous ones too, and for distribution volunteers
(accounts/roles.py). Each reads its part of the submission; nothing filled in means none.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client

from ..catalogue import NALOXONE
from ..models import MAX_DOSES, MAX_HEAD_COUNT, MAX_QUANTITY, ReportedReversal, ServiceType
from ..services.supplies import ReversalReport, SuppliesForOthers

FOR_OTHERS = "others"
REVERSAL = "reversal"


def supplies_of(service_types: Sequence[ServiceType]) -> list[ServiceType]:
    """The supplies a person can take for others: counted items of the supplies category."""
    return [
        service_type
        for service_type in service_types
        if service_type.category == ServiceType.Category.SUPPLIES and service_type.counts_quantity
    ]


class ForOthersForm(forms.Form):
    """Supplies taken for people the team does not meet, and about how many they are for."""

    people = forms.IntegerField(
        label=_("About how many people are they for?"),
        min_value=1,
        max_value=MAX_HEAD_COUNT,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, supplies: Sequence[ServiceType], **kwargs: Any
    ) -> None:
        super().__init__(data, prefix=FOR_OTHERS, **kwargs)
        self.supplies = list(supplies)
        for service_type in self.supplies:
            self.fields[service_type.slug] = forms.IntegerField(
                label=service_type.label,
                min_value=0,
                max_value=MAX_QUANTITY,
                required=False,
                initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control stepper-input"}),
            )

    def supply_fields(self) -> list[tuple[ServiceType, forms.BoundField]]:
        return [(service_type, self[service_type.slug]) for service_type in self.supplies]

    def has_content(self) -> bool:
        return bool(self.errors) or any(str(self[name].value() or "0") not in {"0", ""} for name in self.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        taken = any(data.get(service_type.slug) for service_type in self.supplies)
        if taken and not data.get("people"):
            self.add_error("people", _("Say about how many people the supplies are for."))
        if data.get("people") and not taken:
            self.add_error("people", _("Add what was taken for others, or clear the number."))
        return data

    def problems(self) -> list[str]:
        return [str(_("Supplies for others: check the numbers."))] if self.errors else []

    def part(self) -> SuppliesForOthers | None:
        items = tuple(
            (service_type.slug, quantity)
            for service_type in self.supplies
            if (quantity := self.cleaned_data.get(service_type.slug) or 0) > 0
        )
        return SuppliesForOthers(items=items, people=self.cleaned_data.get("people") or 0) if items else None


class ReversalForm(forms.Form):
    """A reversal the person reports: saved without them, by month and area only."""

    reported = forms.BooleanField(label=_("They used naloxone on someone"), required=False)
    naloxone_doses = forms.IntegerField(
        label=_("Naloxone doses used (if they know)"),
        min_value=0,
        max_value=MAX_DOSES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    outcome = forms.ChoiceField(
        label=_("The person they helped"),
        choices=ReportedReversal.Outcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    emergency_services = forms.ChoiceField(
        label=_("Emergency services"),
        choices=ReportedReversal.EmergencyServices.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    refill = forms.BooleanField(
        label=_("Give a naloxone refill (adds one naloxone kit to what was given)"), required=False, initial=True
    )

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, prefix=REVERSAL, **kwargs)

    def has_content(self) -> bool:
        return bool(self.errors) or bool(self["reported"].value())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = data.get("reported") or data.get("outcome") or data.get("emergency_services")
        if filled:
            if not data.get("reported"):
                self.add_error("reported", _("Tick this to record the reversal, or clear the answers below."))
            if not data.get("outcome"):
                self.add_error("outcome", _("Choose what happened to the person they helped."))
            if not data.get("emergency_services"):
                self.add_error("emergency_services", _("Say whether emergency services were called."))
        return data

    def problems(self) -> list[str]:
        return [str(_("Reported reversal: answer the questions marked."))] if self.errors else []

    def part(self) -> ReversalReport | None:
        data = self.cleaned_data
        if not data.get("reported"):
            return None
        return ReversalReport(
            naloxone_doses=data.get("naloxone_doses"),
            outcome=data["outcome"],
            emergency_services=data["emergency_services"],
        )

    def wants_refill(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("reported") and self.cleaned_data.get("refill"))


class Submitted:
    """A part form as the save path reads it (encounters.parts.PartForm): a Django form's
    own `data` is what was submitted, so the part's data comes from its `part()`."""

    def __init__(self, form: ForOthersForm | ReversalForm) -> None:
        self.form = form

    def is_valid(self) -> bool:
        return self.form.is_valid()

    def problems(self) -> list[str]:
        return self.form.problems()

    def data(self) -> SuppliesForOthers | ReversalReport | None:
        return self.form.part()


def read_for_others(submitted: Mapping[str, Any], person: Client | None, actor: User) -> Submitted | None:
    """The part as Log a contact submits it (None: no field of it was sent)."""
    if not any(key.startswith(f"{FOR_OTHERS}-") for key in submitted):
        return None
    supplies = supplies_of(list(ServiceType.objects.filter(is_active=True)))
    return Submitted(ForOthersForm(submitted, supplies=supplies))


def read_reversal(submitted: Mapping[str, Any], person: Client | None, actor: User) -> Submitted | None:
    if not any(key.startswith(f"{REVERSAL}-") for key in submitted):
        return None
    return Submitted(ReversalForm(submitted))


def with_refill(services: dict[ServiceType, int], submitted: object) -> dict[ServiceType, int]:
    """The contact's services with the naloxone refill that comes with a reported reversal."""
    reversal = submitted.form if isinstance(submitted, Submitted) else None
    if not isinstance(reversal, ReversalForm) or not reversal.wants_refill():
        return services
    kit = next((service_type for service_type in services if service_type.slug == NALOXONE), None)
    if kit is None:
        return services
    return {**services, kit: services[kit] + 1}
