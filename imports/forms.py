"""The import page's forms: the upload, and the check (each column's field, the date order,
what identical rows are)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from encounters.models import ServiceType

from .models import ImportJob
from .planning import FIELDS
from .services import MAX_FILE_BYTES

IGNORE = "ignore"
FIELD_NAMES = {
    "date": _("Date of the contact"),
    "site": _("Site"),
    "kind": _("Kind of contact (street, drop-in, van, phone)"),
    "person": _("Person's code or old code"),
    "people": _("Number of people (anonymous contacts)"),
    "note": _("Note"),
}


class UploadForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), choices=(), coerce=str)
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("CSV or Excel (.xlsx), up to 20 MB. The first row (or two) names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args: Any, teams: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = list(teams.items())  # type: ignore[attr-defined]
        if len(teams) == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = next(iter(teams))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Choose a CSV file or an Excel workbook (.xlsx)."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB. Split it, or use the import command."))
        return upload


def field_choices(services: list[ServiceType]) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [(IGNORE, str(_("Leave this column out")))]
    choices += [(name, str(FIELD_NAMES[name])) for name in FIELDS]
    choices += [
        (f"service:{service.slug}", str(_("Given: %(service)s") % {"service": service.name})) for service in services
    ]
    return choices


class CheckForm(forms.Form):
    """One choice per column of the file (`column_0`, `column_1`, ...), and the two questions
    the check may ask: the date order, and whether identical rows are separate contacts."""

    date_order = forms.ChoiceField(
        label=_("The file's dates are"),
        choices=[
            ("", _("Choose")),
            ("dmy", _("day/month/year (3/4/2025 is 3 April)")),
            ("mdy", _("month/day/year (3/4/2025 is 4 March)")),
        ],
        required=False,
    )
    repeats = forms.ChoiceField(
        label=_("Identical rows are"),
        choices=[
            ("", _("Choose")),
            ("keep", _("separate contacts (a tally sheet)")),
            ("skip", _("one contact written twice")),
        ],
        required=False,
    )

    def __init__(
        self, *args: Any, columns: list[str], chosen: dict[int, str], services: list[ServiceType], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = field_choices(services)
        self.columns = columns
        for index, column in enumerate(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column, choices=choices, initial=chosen.get(index, IGNORE), required=True
            )

    def mapping(self, headings: list[str]) -> dict[str, str]:
        """Header words -> field, as the plan reads a mapping (a column without words is left out)."""
        return {
            heading: self.cleaned_data[f"column_{index}"]
            for index, heading in enumerate(headings)
            if heading and f"column_{index}" in self.cleaned_data
        }
