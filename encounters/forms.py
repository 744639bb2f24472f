import uuid
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from clients.models import Client, normalise_code

from .models import MAX_HEAD_COUNT, MAX_QUANTITY, Encounter, ServiceType, Site

ANONYMOUS = "anonymous"
SERVICE_PREFIX = "service_"


class EncounterForm(forms.Form):
    """Log a contact in one submit. Service quantities are one field per service type."""

    id = forms.UUIDField(widget=forms.HiddenInput)
    who = forms.CharField(
        label=_("Who"), max_length=20, error_messages={"required": _("Choose a person, or Anonymous.")}
    )
    head_count = forms.IntegerField(label=_("How many people"), min_value=1, max_value=MAX_HEAD_COUNT, initial=1)
    happened_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label=_("Team (for anonymous contacts)"), required=False, empty_label=None
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"), required=False)
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=Encounter.Kind.choices, initial=Encounter.Kind.STREET)

    def __init__(self, *args: Any, user: User, service_types: list[ServiceType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.service_types = service_types
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(pk__in=user.team_ids)
        sites = Site.objects.filter(team_id__in=user.team_ids, is_active=True)
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = sites
        if len(user.team_ids) == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = user.team_ids[0]
            self.fields["team"].disabled = True
        for service_type in service_types:
            self.fields[SERVICE_PREFIX + service_type.slug] = forms.IntegerField(
                label=service_type.label,
                min_value=0,
                max_value=MAX_QUANTITY if service_type.counts_quantity else 1,
                required=False,
                initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control stepper-input"}),
            )

    @classmethod
    def initial_for(cls, user: User, *, last_site: Site | None, person: Client | None) -> dict[str, Any]:
        return {
            "id": uuid.uuid4(),
            "happened_at": timezone.localtime().replace(second=0, microsecond=0),
            "team": user.team_ids[0] if user.team_ids else None,
            "site": last_site.pk if last_site else None,
            "who": person.code if person else "",
        }

    def service_fields(self) -> list[tuple[ServiceType, forms.BoundField]]:
        return [(service_type, self[SERVICE_PREFIX + service_type.slug]) for service_type in self.service_types]

    def clean_who(self) -> Client | None:
        value = self.cleaned_data["who"]
        if value == ANONYMOUS:
            return None
        client = (
            Client.objects.visible_to(self.user)
            .current()
            .select_related("home_team")
            .filter(code=normalise_code(value))
            .first()
        )
        if client is None:
            raise forms.ValidationError(_("Choose a person from the list, or Anonymous."))
        return client

    def clean_happened_at(self) -> Any:
        value = self.cleaned_data["happened_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("A contact cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        client, site = data.get("who"), data.get("site")
        if client is not None:
            data["team"] = client.home_team
        team = data.get("team")
        if team is None and "who" in data:
            self.add_error("team", _("Choose the team this contact counts for."))
        if site is not None and team is not None and site.team_id != team.pk:
            self.add_error("site", _("This site belongs to another team."))
        return data

    def services(self) -> dict[ServiceType, int]:
        return {
            service_type: self.cleaned_data.get(SERVICE_PREFIX + service_type.slug) or 0
            for service_type in self.service_types
        }
