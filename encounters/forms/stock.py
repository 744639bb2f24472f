"""The supervisors' stock forms: a delivery received, a count, a reorder level, a report's month."""

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User

from ..models import ServiceType
from ..services.stock import MAX_STOCK


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StockForm(forms.Form):
    """A team the user supervises and a counted item of the catalogue."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"), empty_label=None)
    service_type = forms.ModelChoiceField(
        queryset=ServiceType.objects.none(), label=_("Item"), empty_label=None, to_field_name="slug"
    )

    def __init__(self, *args: Any, user: User, teams: list[Team], items: list[ServiceType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = cast(forms.ModelChoiceField, self.fields["team"])
        team_field.queryset = Team.objects.filter(pk__in=[team.pk for team in teams])
        if len(teams) == 1:
            team_field.widget = forms.HiddenInput()
            team_field.initial = teams[0].pk
        item_field = cast(forms.ModelChoiceField, self.fields["service_type"])
        item_field.queryset = ServiceType.objects.filter(pk__in=[item.pk for item in items])
        item_field.choices = [(item.slug, item.label) for item in items]  # no query to draw it


class DeliveryForm(StockForm):
    quantity = forms.IntegerField(
        label=_("How many came"),
        min_value=1,
        max_value=MAX_STOCK,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    on = forms.DateField(label=_("Received on"), widget=_date_input())
    delivery = forms.CharField(
        label=_("Delivery (optional)"), max_length=100, required=False, help_text=_("A supplier or a delivery note.")
    )

    def clean_on(self) -> date:
        value: date = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A delivery cannot be in the future."))
        return value


class CountForm(StockForm):
    counted = forms.IntegerField(
        label=_("How many you counted"),
        min_value=0,
        max_value=MAX_STOCK,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label=_("Why it differs"), max_length=200, help_text=_("For example: expired, damaged, found, miscounted.")
    )
    on = forms.DateField(label=_("Counted on"), widget=_date_input())

    def clean_on(self) -> date:
        value: date = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A count cannot be in the future."))
        return value


class ReorderForm(StockForm):
    level = forms.IntegerField(
        label=_("Reorder level"),
        min_value=0,
        max_value=MAX_STOCK,
        help_text=_("A warning shows on Home when stock falls below this."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ReportForm(forms.Form):
    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"), empty_label=None)

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = cast(forms.ModelChoiceField, self.fields["team"])
        team_field.queryset = Team.objects.filter(pk__in=[team.pk for team in teams])
        team_field.choices = [(team.pk, team.name) for team in teams]
