"""The dashboards' filters: a period of whole months, and (supervisors) a team and a worker.

A GET form, so a filtered dashboard can be bookmarked. Workers are named in the choices,
never in the URL: each is an opaque token (a keyed hash of the user's id, `worker_token`),
as URLs carry no names or sequential ids.
"""

from datetime import date
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.dates import add_months

from .sources import Scope

MAX_MONTHS = 36
DEFAULT_MONTHS = 12
CUSTOM = "custom"
PERIODS = [
    ("3", _("Last 3 months")),
    ("6", _("Last 6 months")),
    ("12", _("Last 12 months")),
    (CUSTOM, _("From … to … (below)")),
]
WORKER_SALT = "reports.worker"


def worker_token(user_id: int) -> str:
    return salted_hmac(WORKER_SALT, str(user_id), algorithm="sha256").hexdigest()[:16]


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m", attrs={"class": "form-control"})


class MonthField(forms.DateField):
    """A calendar month typed as YYYY-MM (what browsers send from <input type="month">)."""

    widget = MonthInput
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as year and month, for example 2026-03.")}

    def to_python(self, value: Any) -> date | None:
        month = super().to_python(value)
        return month.replace(day=1) if month else None


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=PERIODS,
        initial=str(DEFAULT_MONTHS),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = MonthField(label=_("From month"), required=False)
    end = MonthField(label=_("To month"), required=False)

    def __init__(self, *args: Any, this_month: date, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.this_month = this_month

    def full_clean(self) -> None:
        """Fields with errors say so to assistive technology (templates/dashboards/_field.html)."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}_error"}
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") != CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            raise ValidationError(_("Choose both months, or one of the periods above."))
        if end > self.this_month:
            raise ValidationError(_("The last month cannot be after this month."))
        if start > end:
            raise ValidationError(_("The first month must come before the last one."))
        if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            raise ValidationError(_("Choose at most %(months)s months.") % {"months": MAX_MONTHS})
        return data

    def months(self) -> tuple[date, date]:
        """The first and last month chosen (the default period when nothing valid was chosen)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("period") == CUSTOM:
            return data["start"], data["end"]
        count = int(data.get("period") or DEFAULT_MONTHS)
        return add_months(self.this_month, 1 - count), self.this_month


class DashboardForm(PeriodForm):
    """The supervisors' filters: the period, one of their teams (when they have several), a worker."""

    team = forms.ChoiceField(label=_("Team"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    worker = forms.ChoiceField(label=_("Worker"), required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(
        self, *args: Any, teams: dict[UUID, str], workers: dict[int, str], this_month: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, this_month=this_month, **kwargs)
        self.teams, self.workers = teams, workers
        self.tokens = {worker_token(pk): pk for pk in workers}
        self.fields["team"].choices = [("", _("All my teams")), *((str(pk), name) for pk, name in teams.items())]  # type: ignore[attr-defined]
        self.fields["worker"].choices = [  # type: ignore[attr-defined]
            ("", _("Everyone")),
            *((worker_token(pk), name) for pk, name in sorted(workers.items(), key=lambda item: item[1])),
        ]

    def scope(self) -> Scope:
        first, last = self.months()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        team_ids = tuple(self.teams)
        if data.get("team"):
            team_ids = (UUID(data["team"]),)
        worker = self.tokens.get(data.get("worker") or "")
        return Scope(team_ids, first, last, worker_id=worker)


def period_code(period: tuple[str, date]) -> str:
    kind, first = period
    if kind == "year":
        return f"{first:%Y}"
    if kind == "quarter":
        return f"{first:%Y}-Q{(first.month - 1) // 3 + 1}"
    return f"{first:%Y-%m}"


def parse_period(code: str) -> tuple[str, date] | None:
    try:
        if len(code) == 4:
            return ("year", date(int(code), 1, 1))
        if len(code) == 7 and code[4:6] == "-Q" and code[6] in "1234":
            return ("quarter", date(int(code[:4]), 3 * int(code[6]) - 2, 1))
        if len(code) == 7 and code[4] == "-":
            return ("month", date(int(code[:4]), int(code[5:]), 1))
    except ValueError:
        return None
    return None


class OrganisationForm(forms.Form):
    """The organisation view's period: a complete calendar month, quarter or year. Only
    these: every figure the view can show is then one of the protected hierarchy's
    (dashboards/hierarchy.py), so no two periods differ by a few people's records."""

    period = forms.ChoiceField(label=_("Period"), required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args: Any, periods: list[tuple[str, date]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.periods = periods
        self.fields["period"].choices = [(period_code(p), period_label(p)) for p in periods]  # type: ignore[attr-defined]
        default = next((p for p in periods if p[0] == "quarter"), periods[0] if periods else None)
        self.default = default
        if default is not None:
            self.fields["period"].initial = period_code(default)

    def chosen(self) -> tuple[str, date] | None:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        found = parse_period(data.get("period") or "")
        return found if found in self.periods else self.default


def period_label(period: tuple[str, date]) -> str:
    from django.utils import formats

    kind, first = period
    if kind == "year":
        return str(first.year)
    if kind == "quarter":
        return _("Quarter %(quarter)s %(year)s") % {"quarter": (first.month - 1) // 3 + 1, "year": first.year}
    return formats.date_format(first, "YEAR_MONTH_FORMAT")  # as the `month` filter (core/templatetags)
