"""The filters of the contact lists."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 3650


class NotSeenForm(forms.Form):
    days = forms.IntegerField(
        label=_("Not seen for at least this many days"),
        min_value=1,
        max_value=MAX_DAYS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
