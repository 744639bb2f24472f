"""Forms for referrals made or followed up outside Log a contact."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import OPEN_STATUSES, Referral

# A follow-up date is a plan: today or later, and within a year (a typo like 2062 is refused).
FOLLOW_UP_HORIZON = timedelta(days=366)


def _follow_up_field() -> forms.DateField:
    return forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When to check how it went. Only for referrals suggested or made."),
    )


def check_follow_up(value: date | None) -> date | None:
    today = timezone.localdate()
    if value is not None and value < today:
        raise forms.ValidationError(_("Choose today or a later date for the follow-up."))
    if value is not None and value > today + FOLLOW_UP_HORIZON:
        raise forms.ValidationError(_("Choose a follow-up date within a year."))
    return value


class ReferralForm(forms.Form):
    """A new referral of a person: to what, where, its status and when to follow up."""

    to = forms.ChoiceField(label=_("Referred to"), choices=Referral.To.choices)
    partner = forms.CharField(
        label=_("Where (partner organisation)"),
        max_length=120,
        required=False,
        help_text=_("Optional. The service or organisation, not a person's name."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Referral.Status.choices, initial=Referral.Status.SUGGESTED)
    follow_up_on = _follow_up_field()

    @classmethod
    def initial_for_today(cls) -> dict[str, Any]:
        return {"follow_up_on": timezone.localdate() + timedelta(days=7)}

    def clean_follow_up_on(self) -> date | None:
        return check_follow_up(self.cleaned_data["follow_up_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") not in OPEN_STATUSES:
            data["follow_up_on"] = None  # settled: nothing left to follow up
        return data


class ReferralUpdateForm(forms.Form):
    """A new status or follow-up date for a referral; the history keeps every step."""

    status = forms.ChoiceField(label=_("Status"), choices=Referral.Status.choices, widget=forms.RadioSelect)
    follow_up_on = _follow_up_field()
    care_step = forms.ChoiceField(
        label=_("Step in care"),
        choices=Referral.CareStep.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Where the linkage to care stands. Never a measure of drug use."),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        initial = {"status": referral.status, "follow_up_on": referral.follow_up_on, "care_step": referral.care_step}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.referral = referral
        if not referral.is_to_care:
            del self.fields["care_step"]

    def clean_follow_up_on(self) -> date | None:
        value = self.cleaned_data["follow_up_on"]
        if value == self.referral.follow_up_on:
            return value  # kept as it was (it may have passed: it is what the list shows as overdue)
        return check_follow_up(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if data["status"] not in OPEN_STATUSES:
            data["follow_up_on"] = None
        data["care_step"] = data.get("care_step") or ""
        now = (data["status"], data["follow_up_on"], data["care_step"] or self.referral.care_step)
        if now == (self.referral.status, self.referral.follow_up_on, self.referral.care_step):
            raise forms.ValidationError(_("Nothing changed: choose a new status or another follow-up date."))
        return data
