"""The form for an overdose response recorded on its own (not during a logged contact)."""

import uuid
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from clients.models import Client, normalise_code

from ..models import OverdoseResponse, Site

NO_PERSON = "none"
MAX_DOSES = 20

# Plain words for the stored choices: not calling because the person asked is a valid
# answer, recorded as such, never as a failing.
EMERGENCY_SERVICES = [
    (OverdoseResponse.EmergencyServices.CALLED, _("Called")),
    (OverdoseResponse.EmergencyServices.NOT_CALLED_WISHES, _("Not called, as the person asked")),
    (OverdoseResponse.EmergencyServices.NOT_CALLED_OTHER, _("Not called, for another reason")),
]


def given_by_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Who gave naloxone"),
        choices=OverdoseResponse.GivenBy.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def fuller_fields() -> dict[str, forms.Field]:
    """What the fuller record adds (both forms): who gave naloxone, rescue breathing, CPR,
    taken to hospital, and marking the person's record as died."""
    return {
        "naloxone_given_by": given_by_field(),
        "rescue_breathing": forms.BooleanField(label=_("Rescue breathing"), required=False),
        "cpr": forms.BooleanField(label=_("CPR (chest compressions)"), required=False),
        "to_hospital": forms.BooleanField(label=_("Taken to hospital"), required=False),
        "mark_died": forms.BooleanField(
            label=_("Mark their record: died"),
            required=False,
            help_text=_("Only when the outcome is that they died. Follow-ups and reminders for them stop."),
        ),
    }


def check_mark_died(form: forms.Form, data: dict[str, Any], *, person: object) -> None:
    if data.get("mark_died") and data.get("outcome") != OverdoseResponse.Outcome.DIED:
        form.add_error("mark_died", _("Choose the outcome Died first, or leave this unticked."))
    elif data.get("mark_died") and person is None:
        form.add_error("mark_died", _("A record is marked only for a person named."))


class OverdoseResponseForm(forms.Form):
    id = forms.UUIDField(widget=forms.HiddenInput)
    who = forms.CharField(
        label=_("Who"), max_length=20, error_messages={"required": _("Choose the person, or No one named.")}
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"), required=False, empty_label=None)
    happened_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"), required=False)
    naloxone_doses = forms.IntegerField(
        label=_("Naloxone doses given"),
        min_value=0,
        max_value=MAX_DOSES,
        initial=0,
        help_text=_("0 if none was given."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    emergency_services = forms.ChoiceField(
        label=_("Emergency services"),
        choices=EMERGENCY_SERVICES,
        widget=forms.RadioSelect,
        help_text=_("Say what happened. If the person asked you not to call, that is a valid answer."),
        error_messages={"required": _("Say whether emergency services were called.")},
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=OverdoseResponse.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how it ended.")},
    )
    debrief = forms.CharField(
        label=_("Short debrief"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Stick to facts: what happened and what was done. No blame, no judgement, no other "
            "people's names. The team can read this."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fuller_fields())
        self.order_fields(["id", "who", "team", "happened_at", "site", "naloxone_doses", "naloxone_given_by"])
        self.user = user
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(pk__in=user.team_ids)
        sites = Site.objects.filter(team_id__in=user.team_ids, is_active=True)
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = sites
        if len(user.team_ids) == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = user.team_ids[0]
            self.fields["team"].disabled = True

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return {
            "id": uuid.uuid4(),
            "who": NO_PERSON,
            "happened_at": timezone.localtime().replace(second=0, microsecond=0),
            "team": user.team_ids[0] if user.team_ids else None,
            "naloxone_doses": 0,
        }

    def clean_who(self) -> Client | None:
        value = self.cleaned_data["who"]
        if value == NO_PERSON:
            return None
        people = Client.objects.visible_to(self.user).current().select_related("home_team")
        client = people.filter(code=normalise_code(value)).first()
        if client is None:
            raise forms.ValidationError(_("Choose a person from the list, or No one named."))
        return client

    def clean_happened_at(self) -> Any:
        value = self.cleaned_data["happened_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The time cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        client, site = data.get("who"), data.get("site")
        if client is not None:
            data["team"] = client.home_team
        team = data.get("team")
        if team is None and "who" in data:
            self.add_error("team", _("Choose the team that responded."))
        if site is not None and team is not None and site.team_id != team.pk:
            self.add_error("site", _("This site belongs to another team."))
        if "who" in data:
            check_mark_died(self, data, person=client)
        return data
