"""The export form: datasets, teams, a period of whole months, dates as months or quarters,
the format and k (never below 5)."""

from datetime import date
from typing import Any, cast
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import add_months
from dashboards.forms import MonthField
from exports.models import Export

from .datasets import choices
from .privacy import K_DEFAULT, K_MIN

MAX_MONTHS = 60
K_MAX = 100


class ExportForm(forms.Form):
    datasets = forms.MultipleChoiceField(
        label=_("Datasets"), choices=choices, widget=forms.CheckboxSelectMultiple, initial=["contacts"]
    )
    teams = forms.MultipleChoiceField(label=_("Teams"), widget=forms.CheckboxSelectMultiple)
    start = MonthField(label=_("From month"))
    end = MonthField(label=_("To month"))
    period = forms.ChoiceField(
        label=_("Dates as"), choices=Export.Period.choices, initial=Export.Period.MONTH, widget=forms.RadioSelect
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=Export.Format.choices, initial=Export.Format.CSV, widget=forms.RadioSelect
    )
    k = forms.IntegerField(
        label=_("Smallest group (k)"),
        min_value=K_MIN,
        max_value=K_MAX,
        initial=K_DEFAULT,
        help_text=_("Every combination of age band, gender, area and period is shared by at least this many people."),
    )

    def __init__(self, *args: Any, teams: dict[UUID, str], this_month: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["teams"]).choices = [(str(pk), name) for pk, name in teams.items()]
        self.fields["teams"].initial = [str(pk) for pk in teams]
        self.fields["start"].initial = add_months(this_month, -12)
        self.fields["end"].initial = add_months(this_month, -1)
        self.this_month = this_month

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise ValidationError(_("The first month must come before the last."))
            if end > self.this_month:
                raise ValidationError(_("The last month cannot be in the future."))
            if add_months(start, MAX_MONTHS) <= end:
                raise ValidationError(_("Choose at most %(months)s months.") % {"months": MAX_MONTHS})
        return data

    def team_ids(self) -> list[UUID]:
        return [UUID(value) for value in self.cleaned_data["teams"]]
