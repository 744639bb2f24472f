from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User

from .models import Client, Consent


class ClientRegistrationForm(forms.ModelForm):
    """Everything about the person is optional; their agreement to a record is not."""

    agrees_to_record = forms.BooleanField(
        label=_("The person agrees that the team keeps a record about them"),
        help_text=_("If they do not agree, log their contacts as anonymous: that needs no record."),
        error_messages={"required": _("Ask the person first: a record is kept only with their agreement.")},
    )
    consent_method = forms.ChoiceField(
        label=_("How they agreed"),
        choices=Consent.Method.choices,
        initial=Consent.Method.VERBAL,
        widget=forms.RadioSelect,
        required=False,
    )
    home_team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"), empty_label=None)

    class Meta:
        model = Client
        fields = [
            "agrees_to_record",
            "consent_method",
            "preferred_name",
            "year_of_birth",
            "gender",
            "gender_self_described",
            "home_team",
        ]
        widgets = {
            "preferred_name": forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
            "year_of_birth": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "gender": forms.RadioSelect,
        }

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        teams = Team.objects.filter(pk__in=user.team_ids)
        cast(forms.ModelChoiceField, self.fields["home_team"]).queryset = teams
        if len(user.team_ids) == 1:
            self.fields["home_team"].widget = forms.HiddenInput()
            self.fields["home_team"].initial = user.team_ids[0]
            self.fields["home_team"].disabled = True
        self.fields["gender"].required = False
        cast(forms.ChoiceField, self.fields["gender"]).choices = list(Client.Gender.choices)
        self.fields["gender_self_described"].help_text = _("Only when they chose 'In their own words'.")

    def clean_consent_method(self) -> str:
        return self.cleaned_data.get("consent_method") or Consent.Method.VERBAL

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("gender") != Client.Gender.SELF_DESCRIBED and data.get("gender_self_described"):
            self.add_error("gender_self_described", _("Choose 'In their own words' above, or leave this empty."))
        return data


class AliasOnlyRegistrationForm(ClientRegistrationForm):
    """A distribution volunteer registers a person with a code and an alias only
    (accounts/roles.py): the system makes the code; no year of birth, no gender."""

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in ("year_of_birth", "gender", "gender_self_described"):
            del self.fields[name]
        self.fields["preferred_name"].label = _("Alias (optional)")
        self.fields["preferred_name"].help_text = _("A name the person wants to be known by in the team, if any.")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code or name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search", "enterkeyhint": "search"}),
    )
