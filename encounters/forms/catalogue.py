"""Forms of the catalogue pages: a service type, a site, a team's quick buttons.

Plain forms rather than ModelForms, so nothing is set on the object until the service
function compares old and new values (it audits the names of the fields that changed).
"""

from typing import Any
from uuid import UUID

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Team

from ..catalogue import DEFAULT_SERVICE_TYPES
from ..models import ServiceType, Site

MAX_ORDER = 9999
MAX_POSITION = 99
BUILT_IN_NAMES = {name for _slug, name, *_rest in DEFAULT_SERVICE_TYPES}
NAME_REQUIRED = _("Give it a name.")


def _order_message() -> str:
    return gettext("Give an order number from 1 to %(max)d.") % {"max": MAX_ORDER}


ORDER_MESSAGE = lazy(_order_message, str)()


def translated(text: str) -> str:
    """A stored name as the reader sees it ("" stays "": gettext("") is the catalogue header)."""
    return gettext(text) if text else ""


class ServiceTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, error_messages={"required": NAME_REQUIRED})
    category = forms.ChoiceField(label=_("Category"), choices=ServiceType.Category.choices)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=30,
        required=False,
        help_text=_("What is counted, such as kits or syringes. Optional."),
    )
    counts_quantity = forms.BooleanField(
        label=_("Count a quantity"),
        required=False,
        help_text=_("Leave unticked for something done rather than handed out, such as a test."),
    )
    order = forms.IntegerField(
        label=_("Order"),
        min_value=1,
        max_value=MAX_ORDER,
        help_text=_("Lower numbers come first."),
        error_messages=dict.fromkeys(["required", "invalid", "min_value", "max_value"], ORDER_MESSAGE),
    )

    def __init__(self, *args: Any, instance: ServiceType | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.label,
                    "category": instance.category,
                    "unit": translated(instance.unit),
                    "counts_quantity": instance.counts_quantity,
                    "order": instance.order,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None and instance.name in BUILT_IN_NAMES:
            self.fields["name"].help_text = _(
                "A built-in name: each reader sees it in their language. A changed name shows as typed, "
                "in every language."
            )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if self.instance is not None and name == self.instance.label:
            return self.instance.name  # unchanged: a built-in name stays translated
        others = ServiceType.objects.only("name", "is_active")
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        wanted = name.casefold()
        for other in others:
            if wanted in {other.name.casefold(), other.label.casefold()}:
                if other.is_active:
                    raise forms.ValidationError(_("There is already a service type with this name."))
                raise forms.ValidationError(
                    _("There is already a service type with this name, out of use: put it back in use instead.")
                )
        return name

    def clean_unit(self) -> str:
        unit: str = self.cleaned_data["unit"]
        if self.instance is not None and unit and unit == translated(self.instance.unit):
            return self.instance.unit  # unchanged: a built-in unit stays translated
        return unit


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, error_messages={"required": NAME_REQUIRED})
    area = forms.CharField(
        label=_("Area"),
        max_length=100,
        required=False,
        help_text=_("A wider area, such as a district. Exports show it instead of the site."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Site.Kind.choices, initial=Site.Kind.STREET)

    def __init__(self, *args: Any, team: Team, instance: Site | None = None, **kwargs: Any) -> None:
        self.team = team
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {"name": instance.name, "area": instance.area, "kind": instance.kind})
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        same = Site.objects.filter(team=self.team, name__iexact=name)
        if self.instance is not None:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(_("This team already has a site with this name."))
        return name


class QuickButtonsForm(forms.Form):
    """A tick and a position for each service type in use; ticked ones become quick buttons.

    `choices` lists the types in the order the page shows them (the team's buttons first).
    """

    def __init__(self, *args: Any, choices: list[ServiceType], positions: dict[UUID, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        message = gettext("Give a position from 1 to %(max)d, or leave it empty.") % {"max": MAX_POSITION}
        for service_type in choices:
            self.fields[f"button_{service_type.slug}"] = forms.BooleanField(
                label=service_type.label, required=False, initial=service_type.pk in positions
            )
            self.fields[f"position_{service_type.slug}"] = forms.IntegerField(
                label=_("Position"),
                required=False,
                min_value=1,
                max_value=MAX_POSITION,
                initial=positions.get(service_type.pk),
                error_messages={"invalid": message, "min_value": message, "max_value": message},
            )

    def rows(self) -> list[tuple[ServiceType, forms.BoundField, forms.BoundField]]:
        return [
            (service_type, self[f"button_{service_type.slug}"], self[f"position_{service_type.slug}"])
            for service_type in self.choices
        ]

    def chosen_ids(self) -> list[UUID]:
        """Ticked types by position; without a position, after the numbered ones, as listed."""
        data = self.cleaned_data
        ticked = [
            (data.get(f"position_{service_type.slug}") or MAX_POSITION + 1, index, service_type.pk)
            for index, service_type in enumerate(self.choices)
            if data.get(f"button_{service_type.slug}")
        ]
        return [pk for _position, _index, pk in sorted(ticked)]
