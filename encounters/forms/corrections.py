"""Correcting a contact: its details as saved, with the version they were loaded at."""

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from core.versioning import version_field

from ..models import MAX_HEAD_COUNT, MAX_QUANTITY, Encounter, ServiceType, Site
from ..services.corrections import ContactValues
from . import SERVICE_PREFIX


class CorrectionForm(forms.Form):
    """The contact's details as saved, to correct; `version` is the one they were loaded at."""

    version = version_field()
    happened_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"), required=False)
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=Encounter.Kind.choices)
    head_count = forms.IntegerField(label=_("How many people"), min_value=1, max_value=MAX_HEAD_COUNT)
    age_band = forms.ChoiceField(
        label=_("Rough age (optional)"), choices=[("", "—"), *Encounter.AgeBand.choices], required=False
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"), choices=[("", "—"), *Client.Gender.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The team can read this. Stick to facts that help the person."),
    )

    def __init__(self, *args: Any, encounter: Encounter, service_types: list[ServiceType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.encounter = encounter
        self.service_types = service_types
        sites = Site.objects.filter(team_id=encounter.team_id).filter(Q(is_active=True) | Q(pk=encounter.site_id))
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = sites
        if not encounter.is_anonymous:  # a contact with a person is with one person
            for name in ("head_count", "age_band", "gender"):
                del self.fields[name]
        for service_type in service_types:
            self.fields[SERVICE_PREFIX + service_type.slug] = forms.IntegerField(
                label=service_type.label,
                min_value=0,
                max_value=MAX_QUANTITY if service_type.counts_quantity else 1,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control stepper-input"}),
            )

    @classmethod
    def initial_for(cls, encounter: Encounter) -> dict[str, Any]:
        saved = ContactValues.of(encounter)
        initial: dict[str, Any] = {
            "version": encounter.version,
            "happened_at": timezone.localtime(saved.happened_at),
            "site": encounter.site_id,
            "kind": saved.kind,
            "note": saved.note,
            "head_count": saved.head_count,
            "age_band": saved.age_band,
            "gender": saved.gender,
        }
        for service_type, quantity in saved.services.items():
            initial[SERVICE_PREFIX + service_type.slug] = quantity
        return initial

    def service_fields(self) -> list[tuple[ServiceType, forms.BoundField]]:
        return [(service_type, self[SERVICE_PREFIX + service_type.slug]) for service_type in self.service_types]

    def clean_happened_at(self) -> Any:
        value = self.cleaned_data["happened_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("A contact cannot be in the future."))
        saved = self.encounter.happened_at
        # The field shows minutes: the same minute typed back is the saved time, unchanged.
        return saved if value == saved.replace(second=0, microsecond=0) else value

    def values(self) -> ContactValues:
        data, saved = self.cleaned_data, self.encounter
        anonymous = saved.is_anonymous
        return ContactValues(
            happened_at=data["happened_at"],
            site=data["site"],
            kind=data["kind"],
            note=data["note"],
            head_count=data["head_count"] if anonymous else saved.head_count,
            age_band=data["age_band"] if anonymous else saved.age_band,
            gender=data["gender"] if anonymous else saved.gender,
            services={
                service_type: quantity
                for service_type in self.service_types
                if (quantity := data.get(SERVICE_PREFIX + service_type.slug) or 0) > 0
            },
        )
